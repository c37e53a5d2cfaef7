#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hector/auth/principal.hpp"
#include "hector/config/model.hpp"

namespace hector::auth {

class AppTokens;
class ExternalJwtVerifier;

/// What the auth step checks, fixed at start-up.
struct AuthSettings {
    std::string admin_secret;           // --auth-secret / HECTOR_AUTH_SECRET; empty = none
    std::vector<std::string> api_keys;  // server.auth.api_keys, honoured only with server.auth.enabled
    bool require_auth = false;          // server.auth.enabled && require_auth
    /// Paths where require_auth does not apply: exact, or a prefix when ending in `/*` (server.md §3.2). The
    /// built-in exclusions are added by auth_settings().
    std::vector<std::string> excluded_paths;
};

/// The settings for a config (after CLI overrides) and an admin secret: the file's excluded_paths plus the
/// built-in ones (/health, the well-known cards, /agents and /agents/*, /schema, /api/schema, the metrics path,
/// /webhooks/* and every webhook trigger path, /admin/*).
AuthSettings auth_settings(const config::Config& config, std::string admin_secret);

/// The current token version of a live app, or nullopt when no such app exists. Must be cheap and thread-safe
/// (it runs on every request that carries an app token).
using AppVersionLookup = std::function<std::optional<std::int64_t>(std::string_view app_id)>;

/// Turns an Authorization header into a Principal (server.md §3.1). Credentials are tried in order: the admin
/// secret (constant-time), a JWT (one of this server's app tokens when its kid names a local key, else the
/// identity provider's when one is configured), then the API keys (constant-time). A credential that fails
/// every check leaves the caller anonymous; the routes decide whether that is a 401.
///
/// Thread-safety: authenticate() may be awaited concurrently from any executor. The AppTokens, the verifier
/// and the lookup must outlive the authenticator.
class Authenticator {
  public:
    /// `app_tokens` and `external` may be null (no local keys / no identity provider).
    Authenticator(AuthSettings settings, const AppTokens* app_tokens, ExternalJwtVerifier* external,
                  AppVersionLookup apps);

    boost::asio::awaitable<Principal> authenticate(std::string_view authorization) const;

    /// True when require_auth is on and `path` is not excluded: an anonymous caller gets 401 there.
    bool anonymous_refused(std::string_view path) const;

    const AuthSettings& settings() const { return settings_; }

  private:
    boost::asio::awaitable<Principal> from_jwt(std::string_view token) const;
    bool is_api_key(std::string_view token) const;

    AuthSettings settings_;
    const AppTokens* app_tokens_;
    ExternalJwtVerifier* external_;
    AppVersionLookup apps_;
};

/// Whether `path` matches one of the patterns: exact, or by prefix for a pattern ending in `/*` (`/a/*` matches
/// `/a` and everything below it).
bool path_matches(std::string_view path, const std::vector<std::string>& patterns);

/// The CLI's auth flags (`serve --auth-*`), which override server.auth (server.md §3.2).
struct CliAuthFlags {
    std::optional<std::string> jwks_url;
    std::optional<std::string> issuer;
    std::optional<std::string> audience;
    std::optional<std::string> client_id;
    std::optional<bool> required;  // --auth-required / --no-auth-required
};

/// Applies the flags to `auth`. Any of the JWKS triple on the command line turns on JWT auth; when the result is
/// still missing part of the triple, JWT auth stays off and a warning is returned (as documented), rather than
/// failing like a partial triple in the file does.
std::vector<std::string> apply_cli_flags(config::AuthConfig& auth, const CliAuthFlags& flags);

}  // namespace hector::auth
