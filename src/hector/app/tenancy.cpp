#include "hector/app/tenancy.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <exception>
#include <optional>

#include "hector/common/logging.hpp"
#include "hector/net/io.hpp"

namespace hector::app {

namespace asio = boost::asio;

namespace {

/// Runs an awaitable to completion on a private io_context; rethrows what it threw.
template <class T>
T run_now(asio::awaitable<T> a) {
    return hector::net::run_to_completion(std::move(a));
}

asio::awaitable<void> warm_up(auth::ExternalJwtVerifier* verifier) {
    auto st = co_await verifier->refresh();
    (void)st;  // a failure was logged; the first token retries
}

}  // namespace

Tenancy::Tenancy(TenancyDeps deps) : deps_(std::move(deps)) {}

Tenancy::~Tenancy() {
    stop();
}

Result<std::unique_ptr<Tenancy>> Tenancy::create(TenancyDeps deps) {
    std::unique_ptr<Tenancy> t(new Tenancy(std::move(deps)));
    const auto& config = *t->deps_.config;
    auto& stores = t->deps_.stores;

    t->keys_ = std::make_unique<auth::KeyRing>(*stores.keys);
    // With the admin API on, tokens are issued from the first request: load (or create) the keys now, so that a
    // damaged key stops the start. Otherwise they load on first need (an app token or a JWKS request).
    if (!t->deps_.admin_secret.empty()) {
        if (auto st = run_now(t->keys_->load()); !st)
            return Error{st.error().code, "app token signing keys: " + st.error().message};
    }
    t->tokens_ = std::make_unique<auth::AppTokens>(*t->keys_, config.server.auth.app_token_ttl);

    const auto& auth = config.server.auth;
    if (auth.enabled && !auth.jwks_url.empty() && !auth.issuer.empty() && !auth.audience.empty()) {
        auth::ExternalJwtSettings s;
        s.jwks_url = auth.jwks_url;
        s.issuer = auth.issuer;
        s.audience = auth.audience;
        s.refresh_interval = auth.refresh_interval;
        t->external_ = std::make_unique<auth::ExternalJwtVerifier>(t->deps_.http, std::move(s));
        log::info("auth", "JWT auth: issuer {}, audience {}, keys from {}", auth.issuer, auth.audience, auth.jwks_url);
    }
    if (!auth.enabled && !auth.api_keys.empty())
        log::warn("auth", "server.auth.api_keys are ignored: server.auth.enabled is false");

    t->apps_ = std::make_unique<server::AppDirectory>(t->deps_.registry, *stores.apps, *stores.tasks, *stores.sessions,
                                                      t->deps_.build_deps, t->deps_.config);
    if (auto st = run_now(t->apps_->load_all()); !st) return Error{st.error().code, "apps: " + st.error().message};

    auto* directory = t->apps_.get();
    t->authenticator_ = std::make_unique<auth::Authenticator>(
        auth::auth_settings(config, t->deps_.admin_secret), t->tokens_.get(), t->external_.get(),
        [directory](std::string_view id) { return directory->token_version(id); });
    return t;
}

void Tenancy::attach(server::Context& context) {
    context.authenticator = authenticator_.get();
    context.apps = apps_.get();
    context.app_tokens = tokens_.get();
    context.keys = keys_.get();
    context.sessions = deps_.stores.sessions.get();
}

void Tenancy::start(asio::io_context& io) {
    apps_->start(io);
    if (external_) asio::co_spawn(io, warm_up(external_.get()), asio::detached);
}

void Tenancy::stop() {
    if (apps_) apps_->stop();
}

}  // namespace hector::app
