#include "hector/auth/authenticator.hpp"

#include <fmt/format.h>

#include "hector/auth/app_tokens.hpp"
#include "hector/auth/external_jwt.hpp"
#include "hector/auth/jwt.hpp"
#include "hector/auth/visibility.hpp"
#include "hector/common/logging.hpp"
#include "hector/common/strings.hpp"

namespace hector::auth {

namespace {

constexpr std::string_view kBearer = "Bearer ";

std::string_view bearer_token(std::string_view header) {
    if (header.size() <= kBearer.size() || !iequals(header.substr(0, kBearer.size()), kBearer)) return {};
    return trim(header.substr(kBearer.size()));
}

}  // namespace

bool path_matches(std::string_view path, const std::vector<std::string>& patterns) {
    for (const auto& p : patterns) {
        if (p.ends_with("/*")) {
            std::string_view prefix(p.data(), p.size() - 2);  // "/a/*" → "/a"
            if (path == prefix ||
                (path.starts_with(prefix) && path.size() > prefix.size() && path[prefix.size()] == '/'))
                return true;
        } else if (path == p) {
            return true;
        }
    }
    return false;
}

AuthSettings auth_settings(const config::Config& config, std::string admin_secret) {
    const auto& auth = config.server.auth;
    AuthSettings s;
    s.admin_secret = std::move(admin_secret);
    if (auth.enabled) s.api_keys = auth.api_keys;
    s.require_auth = auth.enabled && auth.require_auth;
    s.excluded_paths = auth.excluded_paths;
    // Built-in exclusions (server.md §3.2): these routes make their own decision (visibility, HMAC, admin).
    for (const char* p : {"/health", "/.well-known/agent-card.json", "/.well-known/agent.json", "/agents", "/agents/*",
                          "/schema", "/api/schema", "/webhooks/*", "/admin/*"})
        s.excluded_paths.emplace_back(p);
    s.excluded_paths.push_back(config.observability.metrics.endpoint);
    for (const auto& [id, agent] : config.agents)
        if (agent.trigger && agent.trigger->type == "webhook" && !agent.trigger->path.empty())
            s.excluded_paths.push_back(agent.trigger->path);
    return s;
}

Authenticator::Authenticator(AuthSettings settings, const AppTokens* app_tokens, ExternalJwtVerifier* external,
                             AppVersionLookup apps)
    : settings_(std::move(settings)), app_tokens_(app_tokens), external_(external), apps_(std::move(apps)) {}

bool Authenticator::anonymous_refused(std::string_view path) const {
    return settings_.require_auth && !path_matches(path, settings_.excluded_paths);
}

bool Authenticator::is_api_key(std::string_view token) const {
    // Every key is compared, so the time taken does not tell which one (or whether one) matched.
    bool match = false;
    for (const auto& key : settings_.api_keys) match = secrets_equal(token, key) || match;
    return match;
}

boost::asio::awaitable<Principal> Authenticator::from_jwt(std::string_view token) const {
    Principal who;
    auto jwt = parse_jwt(token);
    if (!jwt) {
        log::debug("auth", "bearer token refused: {}", jwt.error().message);
        co_return who;
    }
    if (app_tokens_ && key_number(jwt->kid()) > 0) {
        if (auto st = co_await app_tokens_->keys().ensure_loaded(); !st)
            log::error("auth", "app token signing keys: {}", st.error().message);
    }
    if (app_tokens_ && app_tokens_->ours(*jwt)) {
        auto claims = app_tokens_->verify(*jwt);
        if (!claims) {
            log::debug("auth", "bearer token refused: {}", claims.error().message);
            co_return who;
        }
        who.kind = Principal::Kind::app;
        who.app_id = claims->app_id;
        const auto current = apps_ ? apps_(claims->app_id) : std::nullopt;
        // Regenerated (older version) or deleted app: the token is revoked (server.md §6.3).
        if (!current || *current != claims->version) who.rejected = true;
        co_return who;
    }
    if (!external_) co_return who;
    auto claims = co_await external_->verify(*jwt);
    if (!claims) {
        log::debug("auth", "bearer token refused: {}", claims.error().message);
        co_return who;
    }
    who.kind = Principal::Kind::user;
    who.user_id = claims->subject;
    who.roles = claims->roles;
    if (!who.roles.empty()) who.role = who.roles.front();
    if (claims->tenant_id) {
        who.app_id = *claims->tenant_id;
        if (apps_ && who.app_id != "default" && !apps_(who.app_id)) who.rejected = true;
    }
    co_return who;
}

boost::asio::awaitable<Principal> Authenticator::authenticate(std::string_view authorization) const {
    Principal who;
    const auto token = bearer_token(authorization);
    if (token.empty()) co_return who;
    if (!settings_.admin_secret.empty() && secrets_equal(token, settings_.admin_secret)) {
        who.kind = Principal::Kind::admin;
        who.role = "admin";
        who.roles.emplace_back("admin");
        co_return who;
    }
    if (looks_like_jwt(token)) {
        auto from_token = co_await from_jwt(token);
        if (from_token.kind != Principal::Kind::anonymous) co_return from_token;
    }
    if (is_api_key(token)) who.kind = Principal::Kind::service;
    co_return who;
}

std::vector<std::string> apply_cli_flags(config::AuthConfig& auth, const CliAuthFlags& flags) {
    std::vector<std::string> warnings;
    if (flags.client_id) auth.client_id = *flags.client_id;
    if (flags.required) auth.require_auth = *flags.required;
    if (!flags.jwks_url && !flags.issuer && !flags.audience) return warnings;
    if (flags.jwks_url) auth.jwks_url = *flags.jwks_url;
    if (flags.issuer) auth.issuer = *flags.issuer;
    if (flags.audience) auth.audience = *flags.audience;
    std::vector<std::string> missing;
    if (auth.jwks_url.empty()) missing.emplace_back("--auth-jwks-url");
    if (auth.issuer.empty()) missing.emplace_back("--auth-issuer");
    if (auth.audience.empty()) missing.emplace_back("--auth-audience");
    if (missing.empty()) {
        auth.enabled = true;
        return warnings;
    }
    warnings.push_back(
        fmt::format("JWT auth needs --auth-jwks-url, --auth-issuer and --auth-audience together "
                    "(missing: {}); JWT auth stays off",
                    join(missing, ", ")));
    auth.jwks_url.clear();
    auth.issuer.clear();
    auth.audience.clear();
    return warnings;
}

}  // namespace hector::auth
