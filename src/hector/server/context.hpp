#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "hector/auth/principal.hpp"
#include "hector/http/message.hpp"
#include "hector/http/trusted_proxies.hpp"
#include "hector/runtime/app_runtime.hpp"
#include "hector/tasks/task_manager.hpp"

namespace hector::observability {
class Metrics;
}

namespace hector::auth {
class AppTokens;
class Authenticator;
class KeyRing;
}  // namespace hector::auth

namespace hector::store {
class SessionStore;
}

namespace hector::server {

class RateLimitGate;
class AppDirectory;

/// Settings of the serving process that are fixed at start-up (CLI overrides applied).
struct Options {
    std::string version;
    std::string admin_secret;  // --auth-secret / HECTOR_AUTH_SECRET; empty = admin API off
    bool metrics_enabled = false;
    std::string public_url;
    http::TrustedProxies proxies;
    /// Derived from the admin secret and server.auth (see compute_auth_flags); fixed until a reload.
    bool auth_active = false;
    bool require_auth = false;
};

/// Auth is "active" when an admin secret, API keys (with server.auth.enabled) or a complete JWKS setup exist
/// (server.md §3.1, §3.2);
/// require_auth = server.auth.enabled && require_auth.
void compute_auth_flags(Options& options, const config::Config& config);

/// What route handlers share: the app registry, the fixed options and the drain state. Handlers get a reference;
/// it outlives the HTTP server.
struct Context {
    runtime::Registry& registry;
    Options options;
    std::function<bool()> draining;
    tasks::TaskManager* tasks = nullptr;
    observability::Metrics* metrics = nullptr;  // null when metrics are off
    RateLimitGate* rate_limit = nullptr;        // null when rate limiting is off
    // Authentication, tenancy and the admin API (auth/, app_directory.hpp, admin_routes.cpp). Without an
    // authenticator only the admin secret is recognised; the others are needed by the admin routes.
    auth::Authenticator* authenticator = nullptr;
    AppDirectory* apps = nullptr;
    const auth::AppTokens* app_tokens = nullptr;
    auth::KeyRing* keys = nullptr;
    store::SessionStore* sessions = nullptr;

    bool auth_active() const { return options.auth_active; }
    bool require_auth() const { return options.require_auth; }

    /// The runtime of the caller's app, or null when it no longer exists or the caller's credential was revoked
    /// (callers answer 401, server.md §6.5).
    std::shared_ptr<const runtime::AppRuntime> app_for(const http::Request& request) const;
};

/// The principal the auth step stored on the request (anonymous when none).
const auth::Principal& principal_of(const http::Request& request);
/// The principal as the task manager sees it.
tasks::Caller caller_of(const http::Request& request);

/// The base URL of this server as the caller reaches it: server.public_url, else X-Forwarded-Proto/Host from a
/// trusted proxy, else the Host header.
std::string base_url(const http::Request& request, const Options& options);

}  // namespace hector::server
