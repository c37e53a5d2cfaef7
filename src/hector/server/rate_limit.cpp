#include "hector/server/rate_limit.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <fmt/format.h>
#include <openssl/sha.h>

#include "hector/common/encoding.hpp"
#include "hector/common/logging.hpp"
#include "hector/common/strings.hpp"
#include "hector/ratelimit/memory_counter_store.hpp"
#include "hector/ratelimit/sql_counter_store.hpp"
#include "hector/server/context.hpp"

namespace hector::server {

namespace {

using Steady = std::chrono::steady_clock;

/// Longer keys (a long X-Session-ID) are stored as their SHA-256.
constexpr std::size_t kMaxKeyLength = 200;

std::string sha256_hex(std::string_view text) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
    return hex_encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

bool plausible_ip(std::string_view ip) {
    if (ip.empty() || ip.size() > 64) return false;
    for (char c : ip)
        if (!std::isxdigit(static_cast<unsigned char>(c)) && c != '.' && c != ':') return false;
    return true;
}

}  // namespace

RateLimitGate::RateLimitGate(std::unique_ptr<ratelimit::Limiter> limiter, Settings settings,
                             boost::asio::io_context& io, observability::Metrics* metrics)
    : limiter_(std::move(limiter)), settings_(std::move(settings)), io_(io), metrics_(metrics) {}

bool RateLimitGate::limited(const http::Request& request) const {
    const std::string_view route = request.route;
    if (route.empty()) return false;  // unrouted: 404/405 before any agent is reached
    if (route == "/health" || route == settings_.metrics_path || route == "/schema" || route == "/api/schema")
        return false;
    if (route.starts_with("/admin/") || route == "/admin") return false;
    const bool read = request.method == http::Method::get || request.method == http::Method::head;
    if (read && (route.starts_with("/.well-known/") || route == "/agents" || route.starts_with("/agents/")))
        return false;  // discovery: cards and the agent list
    return true;
}

std::string RateLimitGate::client_ip(const http::Request& request) const {
    if (settings_.proxies.trusted(request.remote_ip)) {
        auto forwarded = request.header("X-Forwarded-For");
        auto first = trim(forwarded.substr(0, forwarded.find(',')));
        if (plausible_ip(first)) return std::string(first);
    }
    return request.remote_ip;
}

std::string RateLimitGate::key_for(const http::Request& request, std::string_view context_id) const {
    const auto& who = principal_of(request);
    std::string key = who.app_id + "|";
    if (settings_.user_scope) {
        if (who.admin())
            key += "admin";
        else if (who.authenticated() && !who.user_id.empty() && who.user_id != "default")
            key += "user:" + who.user_id;
        else if (who.authenticated())
            key += "app:" + who.app_id;
        else
            key += "ip:" + client_ip(request);
    } else {
        auto session = request.header("X-Session-ID");
        if (is_printable_ascii_id(session, 1024))
            key += "session:" + std::string(session);
        else if (!context_id.empty())
            key += "session:" + std::string(context_id);
        else
            key += "ip:" + client_ip(request);
    }
    if (key.size() > kMaxKeyLength) key = "sha256:" + sha256_hex(key);
    return key;
}

void RateLimitGate::store_failed(const Error& error) {
    if (metrics_) metrics_->error("ratelimit", observability::Metrics::error_type(error.code));
    // One line per 10 s at most: a database outage must not flood the log with one line per request.
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(Steady::now().time_since_epoch()).count();
    auto next = next_failure_log_.load();
    if (now >= next && next_failure_log_.compare_exchange_strong(next, now + 10))
        log::warn("ratelimit", "counter store failed, requests pass unlimited meanwhile: {}", error.message);
}

boost::asio::awaitable<Admission> RateLimitGate::admit(const http::Request& request, std::string_view context_id) {
    Admission out;
    out.at = Steady::now();
    out.key = key_for(request, context_id);
    auto decision = co_await limiter_->admit(out.key);
    if (!decision) {
        store_failed(decision.error());
        co_return out;
    }
    out.decision = *decision;
    if (!decision->allowed) {
        http::Response refusal = http::Response::error(429);
        set_rate_limit_headers(*decision, refusal);
        out.refusal = std::move(refusal);
        if (metrics_) metrics_->error("ratelimit", "rate_limited");
    }
    co_return out;
}

boost::asio::awaitable<void> RateLimitGate::decorate(const http::Request& request, http::Response& response) {
    if (!limited(request) || response.headers.has("X-RateLimit-Limit")) co_return;
    auto decision = co_await limiter_->peek(key_for(request, {}));
    if (!decision) {
        store_failed(decision.error());
        co_return;
    }
    set_rate_limit_headers(*decision, response);
}

void RateLimitGate::bind_task(const std::string& task_id, const Admission& admission) {
    if (limiter_->has_token_rules()) charge_later(ledger_.bind(task_id, admission.key, admission.at));
}

void RateLimitGate::charge_later(std::optional<ratelimit::TokenLedger::Charge> due) {
    if (!due) return;
    boost::asio::co_spawn(io_, charge(std::move(due->key), due->tokens), boost::asio::detached);
}

boost::asio::awaitable<void> RateLimitGate::charge(std::string key, std::int64_t tokens) {
    auto st = co_await limiter_->charge_tokens(std::move(key), tokens);
    if (!st) store_failed(st.error());
}

void RateLimitGate::attach(tasks::TaskManager& tasks) {
    if (!limiter_->has_token_rules()) return;
    tasks.add_status_listener([this](const store::TaskRecord& r) {
        const auto state = r.task.status.state;
        if (a2a::is_terminal(state) || a2a::is_interrupted(state)) ledger_.ended(r.task.id);
    });
    tasks.add_usage_listener([this](const store::TaskRecord& r, std::int64_t prompt, std::int64_t completion) {
        charge_later(ledger_.used(r.task.id, prompt + completion));
    });
}

Result<std::unique_ptr<RateLimitGate>> make_rate_limit_gate(const config::Config& config, store::sql::Database* db,
                                                            boost::asio::io_context& io,
                                                            const http::TrustedProxies& proxies,
                                                            observability::Metrics* metrics) {
    const auto& rl = config.rate_limiting;
    if (!rl.enabled || rl.limits.empty()) return std::unique_ptr<RateLimitGate>();
    auto rules = ratelimit::rules_from(rl);
    if (!rules) return std::move(rules).error();
    std::unique_ptr<ratelimit::CounterStore> counters;
    if (rl.backend == "sql") {
        if (!db)
            return Error{Errc::invalid_argument,
                         "rate_limiting.backend: sql needs a database (rate_limiting.sql_database)"};
        counters = std::make_unique<ratelimit::SqlCounterStore>(*db);
    } else if (rl.backend == "memory" || rl.backend.empty()) {
        counters = std::make_unique<ratelimit::MemoryCounterStore>();
    } else {
        return Error{Errc::invalid_argument,
                     fmt::format("rate_limiting.backend: unknown backend \"{}\" (memory or sql)", rl.backend)};
    }
    RateLimitGate::Settings settings;
    settings.user_scope = rl.scope == "user";
    settings.metrics_path = config.observability.metrics.endpoint;
    settings.proxies = proxies;
    auto limiter = std::make_unique<ratelimit::Limiter>(std::move(rules).value(), std::move(counters));
    return std::make_unique<RateLimitGate>(std::move(limiter), std::move(settings), io, metrics);
}

boost::asio::awaitable<Admission> admit_invocation(Context& ctx, const http::Request& request,
                                                   std::string_view context_id) {
    if (!ctx.rate_limit) co_return Admission{};
    co_return co_await ctx.rate_limit->admit(request, context_id);
}

void bind_invocation(Context& ctx, const Admission& admission, const std::string& task_id) {
    if (ctx.rate_limit && admission.decision) ctx.rate_limit->bind_task(task_id, admission);
}

boost::asio::awaitable<automation::WebhookAdmit> admit_webhook(Context& ctx, http::Request& request) {
    auto admission = co_await admit_invocation(ctx, request, {});
    automation::WebhookAdmit out;
    out.refusal = std::move(admission.refusal);
    if (ctx.rate_limit && admission.decision) {
        admission.refusal.reset();
        out.started = [gate = ctx.rate_limit, admission](const std::string& task_id) {
            gate->bind_task(task_id, admission);
        };
    }
    co_return out;
}

void apply_rate_limit(const Admission& admission, http::Response& response) {
    if (admission.decision) set_rate_limit_headers(*admission.decision, response);
}

void set_rate_limit_headers(const ratelimit::Decision& decision, http::Response& response) {
    response.headers.set("X-RateLimit-Limit", std::to_string(decision.limit));
    response.headers.set("X-RateLimit-Remaining", std::to_string(decision.remaining));
    response.headers.set("X-RateLimit-Reset", std::to_string(decision.reset));
    if (!decision.allowed) response.headers.set("Retry-After", std::to_string(decision.retry_after));
}

}  // namespace hector::server
