#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hector/auth/jwt.hpp"
#include "hector/auth/key_ring.hpp"
#include "hector/common/result.hpp"
#include "hector/common/time.hpp"

namespace hector::auth {

/// The `iss` of every app token.
inline constexpr std::string_view kAppTokenIssuer = "hector";

/// What a verified app token says. Whether the app still exists and `version` is current is the caller's check.
struct AppTokenClaims {
    std::string app_id;
    std::int64_t version = 0;
};

/// Issues and verifies app tokens (server.md §6.3, DECISIONS 11): header `{"alg":"ES256","typ":"JWT","kid"}`,
/// claims `iss:"hector"`, `sub` = `tenant_id` = app id, `iat`, `jti`, `ver`, and `exp` only with a TTL
/// (server.auth.app_token_ttl). Immutable; thread-safe as far as the KeyRing is.
class AppTokens {
  public:
    AppTokens(KeyRing& keys, std::optional<std::chrono::milliseconds> ttl) : keys_(keys), ttl_(ttl) {}
    KeyRing& keys() const { return keys_; }

    /// A signed token for the app at token version `version`.
    Result<std::string> issue(std::string_view app_id, std::int64_t version, TimePoint now = Clock::now()) const;
    /// Whether the token names one of this server's keys (so it is an app token, not an IdP's).
    bool ours(const Jwt& token) const;
    /// Checks alg (ES256 only), the key by kid, the signature, iss, sub == tenant_id, ver, exp (60 s skew).
    /// Errc::unauthorized naming the first defect.
    Result<AppTokenClaims> verify(const Jwt& token, TimePoint now = Clock::now()) const;

  private:
    KeyRing& keys_;
    std::optional<std::chrono::milliseconds> ttl_;
};

}  // namespace hector::auth
