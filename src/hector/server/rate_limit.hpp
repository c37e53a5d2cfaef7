#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "hector/automation/automation.hpp"
#include "hector/http/message.hpp"
#include "hector/http/trusted_proxies.hpp"
#include "hector/observability/metrics.hpp"
#include "hector/ratelimit/limiter.hpp"
#include "hector/ratelimit/token_ledger.hpp"
#include "hector/store/sql/database.hpp"
#include "hector/tasks/task_manager.hpp"

namespace hector::server {

struct Context;

/// The outcome of charging one agent invocation to its caller's limits.
struct Admission {
    std::optional<http::Response> refusal;        // 429 to answer as is (headers included)
    std::optional<ratelimit::Decision> decision;  // X-RateLimit-* for the response; none when limiting is off
    std::string key;                              // who pays the run's tokens
    std::chrono::steady_clock::time_point at{};   // when it was admitted (before the task started)
};

/// Rate limiting on the HTTP surface (server.md §12): which routes are limited, whose key a request counts
/// against, the X-RateLimit-* headers on every limited response, 429 refusals, and the token charge after each run
/// (through the task manager's listeners). A store failure lets the request through (logged, errors_total).
/// Thread-safe; lives as long as the server and the io_context it charges tokens on.
class RateLimitGate {
  public:
    struct Settings {
        bool user_scope = false;  // rate_limiting.scope: user (else session)
        std::string metrics_path = "/metrics";
        http::TrustedProxies proxies;  // whose X-Forwarded-For names the client
    };
    RateLimitGate(std::unique_ptr<ratelimit::Limiter> limiter, Settings settings, boost::asio::io_context& io,
                  observability::Metrics* metrics);

    /// False for the exempt routes (health, metrics, discovery, admin, schema) and for unrouted requests.
    bool limited(const http::Request& request) const;
    /// The key `request` counts against. Session scope: X-Session-ID, else `context_id`, else the client IP. User
    /// scope: the principal's user (JWT sub, API key) or app, else the client IP. Keys are per app.
    std::string key_for(const http::Request& request, std::string_view context_id) const;

    /// Charges one agent invocation (JSON-RPC message/send and message/stream, the REST aliases, webhooks).
    boost::asio::awaitable<Admission> admit(const http::Request& request, std::string_view context_id);
    /// Adds X-RateLimit-* to a limited route's response that has none yet (from the key's current usage).
    boost::asio::awaitable<void> decorate(const http::Request& request, http::Response& response);
    /// Remembers that `task_id`'s tokens are charged to the admission's key once its run ends.
    void bind_task(const std::string& task_id, const Admission& admission);
    /// Installs the listeners that charge tokens after runs.
    void attach(tasks::TaskManager& tasks);

  private:
    std::string client_ip(const http::Request& request) const;
    void charge_later(std::optional<ratelimit::TokenLedger::Charge> charge);
    boost::asio::awaitable<void> charge(std::string key, std::int64_t tokens);
    void store_failed(const Error& error);

    std::unique_ptr<ratelimit::Limiter> limiter_;
    Settings settings_;
    boost::asio::io_context& io_;
    observability::Metrics* metrics_;
    std::atomic<std::int64_t> next_failure_log_{0};
    ratelimit::TokenLedger ledger_;
};

/// Builds the gate for rate_limiting (null when it is disabled or has no limits). `db` is the counters' database
/// for backend sql (store::Stores::rate_limits). Errors name the config key.
Result<std::unique_ptr<RateLimitGate>> make_rate_limit_gate(const config::Config& config, store::sql::Database* db,
                                                            boost::asio::io_context& io,
                                                            const http::TrustedProxies& proxies,
                                                            observability::Metrics* metrics);

/// For route code: charges one invocation through ctx.rate_limit (an empty Admission when limiting is off).
boost::asio::awaitable<Admission> admit_invocation(Context& ctx, const http::Request& request,
                                                   std::string_view context_id);
/// After TaskManager::start: the task's tokens go to the admitted key.
void bind_invocation(Context& ctx, const Admission& admission, const std::string& task_id);
/// Puts the admission's X-RateLimit-* headers on a response.
void apply_rate_limit(const Admission& admission, http::Response& response);
/// The webhook admission hook (automation::WebhookAdmission): a delivery is charged like an agent invocation
/// (keyed by X-Session-ID, else the sender's address) and its task's tokens go to the same key. Admits everything
/// when rate limiting is off.
boost::asio::awaitable<automation::WebhookAdmit> admit_webhook(Context& ctx, http::Request& request);
/// X-RateLimit-Limit, -Remaining, -Reset (and Retry-After for a refusal).
void set_rate_limit_headers(const ratelimit::Decision& decision, http::Response& response);

}  // namespace hector::server
