#include "hector/app/reload.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <csignal>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hector/app/config_source.hpp"
#include "hector/app/overrides.hpp"
#include "hector/common/logging.hpp"
#include "hector/config/loader.hpp"

namespace hector::app {

namespace asio = boost::asio;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

void add_once(std::vector<std::string>& list, std::string item) {
    if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(std::move(item));
}

const json::object& section_of(const json::object& config, std::string_view key) {
    static const json::object kEmpty;
    const auto* v = config.if_contains(key);
    return v && v->is_object() ? v->get_object() : kEmpty;
}

bool same(const json::value* a, const json::value* b) {
    if (!a || !b) return a == b;
    return *a == *b;
}

// The printed form masks secrets, so a changed key or password is compared on the typed config instead.
bool database_secrets_differ(const config::Config& a, const config::Config& b) {
    for (const auto& [id, db] : a.databases) {
        const auto* other = b.databases.find(id);
        if (other && (other->password != db.password || other->dsn != db.dsn)) return true;
    }
    return false;
}

template <class Map, class SecretsDiffer>
void diff_entries(std::string_view section, const json::object& before, const json::object& after, const Map& old_map,
                  const Map& new_map, SecretsDiffer secrets_differ, std::vector<std::string>& changes) {
    const auto& bo = section_of(before, section);
    const auto& ao = section_of(after, section);
    std::vector<std::string> added, removed, changed;
    for (const auto& [id, value] : new_map) {
        const auto* old_value = old_map.find(id);
        if (!old_value)
            added.push_back(id);
        else if (!same(bo.if_contains(id), ao.if_contains(id)) || secrets_differ(*old_value, value))
            changed.push_back(id);
    }
    for (const auto& [id, value] : old_map)
        if (!new_map.find(id)) removed.push_back(id);
    if (!added.empty()) changes.push_back(fmt::format("{} added: {}", section, fmt::join(added, ", ")));
    if (!removed.empty()) changes.push_back(fmt::format("{} removed: {}", section, fmt::join(removed, ", ")));
    if (!changed.empty()) changes.push_back(fmt::format("{} changed: {}", section, fmt::join(changed, ", ")));
}

bool agent_secrets_differ(const config::AgentConfig& a, const config::AgentConfig& b) {
    const auto secret = [](const config::AgentConfig& c) { return c.trigger ? c.trigger->secret : std::string(); };
    const auto& ca = a.credentials;
    const auto& cb = b.credentials;
    return secret(a) != secret(b) || ca.token != cb.token || ca.api_key != cb.api_key || ca.password != cb.password;
}

}  // namespace

ReloadPlan plan_reload(const config::Config& running, config::Config next) {
    ReloadPlan plan;
    const auto before_value = config::to_json(running);
    const auto after_value = config::to_json(next);
    const auto& before = before_value.as_object();
    const auto& after = after_value.as_object();

    // Sections bound at start-up (the listener, stores, queue, limits, auth, metrics, logging): kept.
    const auto& server_before = section_of(before, "server");
    const auto& server_after = section_of(after, "server");
    for (const auto& kv : server_after)
        if (!same(server_before.if_contains(kv.key()), &kv.value()))
            add_once(plan.restart_needed, fmt::format("server.{}", kv.key()));
    for (const auto& kv : server_before)
        if (!server_after.contains(kv.key())) add_once(plan.restart_needed, fmt::format("server.{}", kv.key()));
    if (running.server.auth.api_keys != next.server.auth.api_keys) add_once(plan.restart_needed, "server.auth");
    for (const auto* section : {"storage", "databases", "queue", "rate_limiting", "observability", "logger", "config"})
        if (!same(before.if_contains(section), after.if_contains(section))) add_once(plan.restart_needed, section);
    if (database_secrets_differ(running, next)) add_once(plan.restart_needed, "databases");
    if (running.observability.tracing.headers != next.observability.tracing.headers)
        add_once(plan.restart_needed, "observability");

    // What the new runtime changes.
    const auto keyed = [](const auto& a, const auto& b) { return a.api_key != b.api_key; };
    const auto none = [](const auto&, const auto&) { return false; };
    diff_entries("llms", before, after, running.llms, next.llms, keyed, plan.changes);
    diff_entries("agents", before, after, running.agents, next.agents, agent_secrets_differ, plan.changes);
    diff_entries("tools", before, after, running.tools, next.tools, none, plan.changes);
    diff_entries("embedders", before, after, running.embedders, next.embedders, keyed, plan.changes);
    diff_entries("vector_stores", before, after, running.vector_stores, next.vector_stores, keyed, plan.changes);
    diff_entries("document_stores", before, after, running.document_stores, next.document_stores, none, plan.changes);
    diff_entries("guardrails", before, after, running.guardrails, next.guardrails, none, plan.changes);
    for (const auto* section : {"defaults", "name", "description"})
        if (!same(before.if_contains(section), after.if_contains(section)))
            plan.changes.push_back(fmt::format("{} changed", section));

    next.server = running.server;
    next.storage = running.storage;
    next.databases = running.databases;
    next.queue = running.queue;
    next.rate_limiting = running.rate_limiting;
    next.observability = running.observability;
    next.logger = running.logger;
    next.config = running.config;
    plan.config = std::make_shared<config::Config>(std::move(next));
    return plan;
}

HotReload::HotReload(ReloadDeps deps, ReloadSettings settings)
    : deps_(std::move(deps)),
      settings_(std::move(settings)),
      routed_paths_(deps_.automation.custom_webhook_paths()),
      sighup_(asio::make_strand(deps_.io), SIGHUP) {
    thread_ = std::thread([this] { run(); });
}

HotReload::~HotReload() {
    stop();
}

void HotReload::start() {
    asio::dispatch(sighup_.get_executor(), [this] { wait_for_sighup(); });
    if (!settings_.serve.watch) return;
    if (settings_.in_memory) {
        log::warn("reload", "--watch: the config was generated in memory; there is no file to watch");
        return;
    }
    const fs::path path(settings_.global.config_path);
    FileWatcher::Settings watch;
    watch.directory = path.parent_path().string();
    watch.names = {path.filename().string(), ".env"};
    auto watcher = FileWatcher::start(std::move(watch), [this](const std::vector<std::string>& changed) {
        request(fmt::format("{} changed", fmt::join(changed, " and ")));
    });
    if (!watcher) {
        log::error("reload", "--watch: {}; reload with SIGHUP instead", watcher.error().message);
        return;
    }
    watcher_ = std::move(watcher).value();
    log::info("reload", "watching {} and the .env beside it for changes", settings_.global.config_path);
}

void HotReload::stop() {
    if (watcher_) watcher_->stop();
    {
        std::lock_guard lock(mu_);
        if (stopped_) return;
        stopped_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    // The SIGHUP wait stays registered (its handler no longer re-arms), so a late SIGHUP cannot end the process
    // during the drain.
}

void HotReload::wait_for_sighup() {
    sighup_.async_wait([this](boost::system::error_code ec, int) {
        if (ec) return;
        {
            std::lock_guard lock(mu_);
            if (stopped_) return;
        }
        request("SIGHUP");
        wait_for_sighup();
    });
}

void HotReload::request(const std::string& reason) {
    if (settings_.in_memory) {
        log::warn("reload", "{}: the config was generated in memory; there is no file to reload", reason);
        return;
    }
    {
        std::lock_guard lock(mu_);
        if (stopped_) return;
        log::info("reload", "{}: reloading {}", reason, settings_.global.config_path);
        pending_ = true;
    }
    wake_.notify_all();
}

void HotReload::run() {
    std::unique_lock lock(mu_);
    for (;;) {
        wake_.wait(lock, [this] { return pending_ || stopped_; });
        if (stopped_) return;
        pending_ = false;
        lock.unlock();
        reload_now();
        lock.lock();
    }
}

bool HotReload::refuse(const std::vector<config::Diagnostic>& errors, const std::string& why) {
    for (const auto& e : errors) log::error("reload", "{}", e.text());
    log::error("reload", "{} is not applied ({}); still serving the previous config", settings_.global.config_path,
               why);
    return false;
}

bool HotReload::reload_now() {
    const auto& path = settings_.global.config_path;
    // DECISIONS 32: a fresh overlay from the .env files; variables of the process environment still win.
    auto env = config::Environment::process();
    env.load_default_dotenvs(path);
    auto loaded = read_config_file(settings_.global, env);
    if (!loaded) return refuse({{"", loaded.error().message}}, "unreadable");
    for (const auto& w : loaded->diagnostics.warnings) log::warn("config", "{}", w.text());
    const auto& errors = loaded->diagnostics.errors;
    if (!errors.empty()) return refuse(errors, fmt::format("{} error{}", errors.size(), errors.size() == 1 ? "" : "s"));
    std::vector<std::string> ignored;  // the same warnings as at start-up
    if (auto st = apply_overrides(loaded->config, settings_.serve, ignored); !st)
        return refuse({{"", st.error().message}}, "command-line overrides");

    auto plan = plan_reload(*settings_.running, std::move(loaded->config));
    if (plan.restart_needed.size() == 1)
        log::warn("reload", "{} changed, which takes effect at restart; the running value stays in use",
                  plan.restart_needed.front());
    else if (!plan.restart_needed.empty())
        log::warn("reload", "{} changed, which take effect at restart; the running values stay in use",
                  fmt::join(plan.restart_needed, ", "));
    // The runtime must fit the sections kept from the running config (e.g. a store on a database added only now).
    config::Diagnostics merged;
    config::validate(*plan.config, merged);
    if (!merged.ok()) return refuse(merged.errors, "it needs sections that only change at restart");

    auto built = runtime::AppRuntime::build(std::string(runtime::kDefaultApp), plan.config, deps_.build_deps);
    if (!built) return refuse({{"", built.error().message}}, "the runtime could not be built");
    std::shared_ptr<const runtime::AppRuntime> next = std::move(built).value();
    // Templates, crons and zones compile before the swap, so a bad one leaves everything as it was.
    auto catalog = deps_.automation.catalog(*next);
    if (!catalog) return refuse({{"", catalog.error().message}}, "an automation does not compile");
    for (const auto& p : (*catalog)->custom_paths())
        if (std::find(routed_paths_.begin(), routed_paths_.end(), p) == routed_paths_.end())
            log::warn("reload", "webhook path {} is new: its route takes effect at restart", p);

    deps_.registry.put(next);
    if (auto st = deps_.automation.reload_default(next); !st)
        log::error("reload", "schedules not restarted: {}", st.error().message);
    settings_.running = plan.config;
    log::info("reload", "config reloaded from {}: {}", path,
              plan.changes.empty() ? std::string("no changes") : fmt::format("{}", fmt::join(plan.changes, "; ")));
    return true;
}

}  // namespace hector::app
