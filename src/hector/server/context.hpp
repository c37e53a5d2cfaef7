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

namespace hector::server {

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

/// Auth is "active" when an admin secret, API keys or a complete JWKS setup exist (server.md §3.1);
/// require_auth = server.auth.enabled && require_auth.
void compute_auth_flags(Options& options, const config::Config& config);

/// What route handlers share: the app registry, the fixed options and the drain state. Handlers get a reference;
/// it outlives the HTTP server.
struct Context {
    runtime::Registry& registry;
    Options options;
    std::function<bool()> draining;
    tasks::TaskManager* tasks = nullptr;

    bool auth_active() const { return options.auth_active; }
    bool require_auth() const { return options.require_auth; }

    /// The runtime of the caller's app, or null when it no longer exists.
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
