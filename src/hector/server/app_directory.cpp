#include "hector/server/app_directory.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <set>

#include <fmt/format.h>

#include "hector/common/ids.hpp"
#include "hector/common/json.hpp"
#include "hector/common/logging.hpp"
#include "hector/config/loader.hpp"

namespace hector::server {

namespace asio = boost::asio;

namespace {

/// Random lowercase alphanumerics (server.md §0: 12 or more).
constexpr std::size_t kAppIdLength = 16;

Error bad_config(std::string message) {
    return Error{Errc::invalid_argument, "config_json: " + std::move(message)};
}

/// OQ-6: an app that defines no LLMs (embedders) uses the server's; one that does may still name a server LLM.
void apply_server_fallbacks(config::Config& app, const config::Config& server) {
    if (app.llms.empty()) {
        app.llms = server.llms;
        if (app.defaults.llm.empty()) app.defaults.llm = server.defaults.llm;
    } else {
        for (const auto& [id, agent] : app.agents) {
            if (agent.llm.empty() || app.llms.contains(agent.llm)) continue;
            if (const auto* shared = server.llms.find(agent.llm)) app.llms[agent.llm] = *shared;
        }
    }
    if (app.embedders.empty()) app.embedders = server.embedders;
    // Process-wide settings are the server's, whatever the app would say (it may not say anything: no `server`).
    app.server = server.server;
    app.server.rate_limiting.reset();
    app.server.observability.reset();
}

}  // namespace

AppDirectory::AppDirectory(runtime::Registry& registry, store::AppStore& apps, store::TaskStore& tasks,
                           store::SessionStore& sessions, runtime::BuildDeps deps,
                           std::shared_ptr<const config::Config> server_config, AppDirectorySettings settings)
    : registry_(registry),
      apps_(apps),
      tasks_(tasks),
      sessions_(sessions),
      deps_(deps),
      server_config_(std::move(server_config)),
      settings_(settings),
      stopped_(std::make_shared<std::atomic<bool>>(false)) {}

AppDirectory::~AppDirectory() {
    stop();
}

Result<std::shared_ptr<const config::Config>> AppDirectory::load_config(std::string_view config_json) const {
    auto parsed = parse_json(config_json);
    if (!parsed) return bad_config("not valid JSON: " + parsed.error().message);
    if (!parsed->is_object()) return bad_config("must hold a JSON object");
    if (parsed->get_object().contains("server"))
        return bad_config("server: not allowed in an app config (the server's settings apply to every app)");
    // Apps do not see the server's environment: ${VAR} must come with a default.
    const auto env = config::Environment::fixed({});
    auto loaded = config::parse_config_text(config_json, env);
    if (!loaded.ok()) return bad_config(loaded.diagnostics.summary());
    auto cfg = std::make_shared<config::Config>(std::move(loaded.config));
    apply_server_fallbacks(*cfg, *server_config_);
    config::finalize(*cfg, env);
    config::Diagnostics diag;
    config::validate(*cfg, diag);
    if (!diag.ok()) return bad_config(diag.summary());
    return std::shared_ptr<const config::Config>(std::move(cfg));
}

Result<std::shared_ptr<const runtime::AppRuntime>> AppDirectory::build(const std::string& id,
                                                                       const std::string& config_json) const {
    auto cfg = load_config(config_json);
    if (!cfg) return std::move(cfg).error();
    auto rt = runtime::AppRuntime::build(id, std::move(cfg).value(), deps_);
    if (!rt) return bad_config(rt.error().message);
    return std::shared_ptr<const runtime::AppRuntime>(std::move(rt).value());
}

void AppDirectory::remember(const store::AppRecord& record, std::shared_ptr<const runtime::AppRuntime> runtime) {
    std::lock_guard lock(mu_);
    ++epoch_;
    auto& known = known_[record.id];
    known.record = record;
    if (runtime) {
        registry_.put(std::move(runtime));
        known.built = true;
    }
}

asio::awaitable<Status> AppDirectory::sync() {
    std::uint64_t epoch = 0;
    {
        std::lock_guard lock(mu_);
        epoch = epoch_;
    }
    auto records = co_await apps_.list();
    if (!records) co_return std::move(records).error();
    std::lock_guard lock(mu_);
    // A change made here while the list was read: that view may be stale, the next round will be current.
    if (epoch_ != epoch) co_return Status{};
    std::set<std::string, std::less<>> seen;
    for (auto& r : *records) {
        seen.insert(r.id);
        auto it = known_.find(r.id);
        const bool fresh = it == known_.end();
        if (!fresh && it->second.record.config_json == r.config_json) {
            it->second.record = std::move(r);  // name or token version changed: nothing to rebuild
            continue;
        }
        auto rt = build(r.id, r.config_json);
        const bool built = rt.ok();
        if (built) {
            registry_.put(std::move(rt).value());
            if (!fresh) log::info("apps", "app {} ({}) reloaded with its new config", r.id, r.name);
        } else {
            registry_.remove(r.id);
            log::error("apps", "app {} ({}) is not served: {}", r.id, r.name, rt.error().message);
        }
        known_[r.id] = Known{r, built};
    }
    for (auto it = known_.begin(); it != known_.end();) {
        if (seen.contains(it->first)) {
            ++it;
            continue;
        }
        log::info("apps", "app {} was deleted elsewhere; no longer served", it->first);
        registry_.remove(it->first);
        it = known_.erase(it);
    }
    co_return Status{};
}

asio::awaitable<Status> AppDirectory::load_all() {
    auto st = co_await sync();
    if (st) {
        std::lock_guard lock(mu_);
        if (!known_.empty()) log::info("apps", "serving {} app(s) from the store", known_.size());
    }
    co_return st;
}

asio::awaitable<Result<std::vector<store::AppRecord>>> AppDirectory::list() {
    auto all = co_await apps_.list();
    co_return all;
}

asio::awaitable<Result<store::AppRecord>> AppDirectory::get(std::string id) {
    auto app = co_await apps_.get(std::move(id));
    co_return app;
}

asio::awaitable<Result<store::AppRecord>> AppDirectory::create(std::string name, std::string config_json) {
    store::AppRecord record;
    record.id = new_alnum_id(kAppIdLength);
    record.name = std::move(name);
    record.config_json = std::move(config_json);
    auto rt = build(record.id, record.config_json);
    if (!rt) co_return std::move(rt).error();
    auto stored = co_await apps_.create(std::move(record));
    if (!stored) co_return std::move(stored).error();
    remember(*stored, std::move(rt).value());
    log::info("apps", "app {} ({}) created", stored->id, stored->name);
    co_return stored;
}

asio::awaitable<Result<store::AppRecord>> AppDirectory::update(std::string id, store::AppUpdate update) {
    auto current = co_await apps_.get(id);
    if (!current) co_return std::move(current).error();
    std::shared_ptr<const runtime::AppRuntime> rt;
    if (update.config_json) {
        auto built = build(id, *update.config_json);
        if (!built) co_return std::move(built).error();
        rt = std::move(built).value();
    }
    auto stored = co_await apps_.update(id, std::move(update));
    if (!stored) co_return std::move(stored).error();
    remember(*stored, std::move(rt));
    co_return stored;
}

asio::awaitable<Status> AppDirectory::remove(std::string id) {
    auto current = co_await apps_.get(id);
    if (!current) co_return std::move(current).error();
    std::vector<RemovalHook> hooks;
    {
        std::lock_guard lock(mu_);
        ++epoch_;
        known_.erase(id);
        hooks = removal_hooks_;
    }
    registry_.remove(id);  // new requests stop here; runs holding the runtime finish on it
    auto removed = co_await apps_.remove(id);
    if (!removed) co_return removed;
    // The app is gone; what it owned is cleaned up best-effort (a failure is logged, not undone).
    if (auto st = co_await tasks_.remove_app(id); !st)
        log::error("apps", "app {}: removing its tasks failed: {}", id, st.error().message);
    if (auto st = co_await sessions_.remove_app(id); !st)
        log::error("apps", "app {}: removing its sessions failed: {}", id, st.error().message);
    for (auto& hook : hooks) co_await hook(id);
    log::info("apps", "app {} ({}) deleted", id, current->name);
    co_return Status{};
}

asio::awaitable<Result<store::AppRecord>> AppDirectory::regenerate_token(std::string id) {
    auto stored = co_await apps_.bump_token_version(std::move(id));
    if (!stored) co_return std::move(stored).error();
    remember(*stored, nullptr);
    co_return stored;
}

std::optional<std::int64_t> AppDirectory::token_version(std::string_view id) const {
    std::lock_guard lock(mu_);
    auto it = known_.find(id);
    if (it == known_.end()) return std::nullopt;
    return it->second.record.token_version;
}

void AppDirectory::add_removal_hook(RemovalHook hook) {
    std::lock_guard lock(mu_);
    removal_hooks_.push_back(std::move(hook));
}

asio::awaitable<void> AppDirectory::poll_loop(AppDirectory* self, std::shared_ptr<std::atomic<bool>> stopped,
                                              std::chrono::milliseconds interval) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        timer.expires_after(interval);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopped->load()) co_return;
        try {
            auto st = co_await self->sync();
            if (!st) log::warn("apps", "reading the app store failed: {}", st.error().message);
        } catch (const std::exception& e) {
            log::warn("apps", "reading the app store failed: {}", e.what());
        }
    }
}

void AppDirectory::start(asio::io_context& io) {
    asio::co_spawn(io, poll_loop(this, stopped_, settings_.poll_interval), asio::detached);
}

void AppDirectory::stop() {
    stopped_->store(true);
}

}  // namespace hector::server
