#pragma once

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "hector/auth/jwt.hpp"
#include "hector/auth/keys.hpp"
#include "hector/common/result.hpp"

namespace hector::net {
class HttpClient;
}

namespace hector::auth {

/// server.auth's identity-provider settings (server.md §3.2).
struct ExternalJwtSettings {
    std::string jwks_url;
    std::string issuer;
    std::string audience;
    std::chrono::milliseconds refresh_interval{std::chrono::minutes(15)};
    /// Refetches for an unknown kid happen at most this often (and a failed fetch is retried after this long),
    /// so a stream of forged kids cannot turn the server into a JWKS hammer.
    std::chrono::milliseconds min_refetch_gap{std::chrono::seconds(10)};
    std::chrono::milliseconds fetch_timeout{std::chrono::seconds(10)};
};

/// What a verified IdP token says about its caller.
struct ExternalClaims {
    std::string subject;
    std::vector<std::string> roles;  // `role` (a string) or `roles` (an array of strings)
    std::optional<std::string> tenant_id;
};

/// Parses a JWKS document into (kid, alg, key) entries, skipping keys that are not for signatures or that use
/// anything but P-256 EC or RSA ≥ 2048. Errc::invalid_argument when the document has no `keys` array.
struct JwksKey {
    std::string kid;
    std::optional<Algorithm> alg;
    Key key;
};
Result<std::vector<JwksKey>> parse_jwks(std::string_view text);

/// Verifies tokens of an external identity provider against its JWKS (server.md §3.1): RS256 and ES256 only,
/// keys chosen by kid, `iss` and `aud` (string or array) checked, `exp`/`nbf` with 60 s skew. The key set is
/// fetched through the HttpClient, cached, refetched after refresh_interval (on the next use) and, rate-limited,
/// when a token names an unknown kid. A failed fetch keeps the keys already known.
///
/// Thread-safety: verify() and refresh() may be awaited concurrently from any executor; concurrent refetches
/// are coalesced into one.
class ExternalJwtVerifier {
  public:
    ExternalJwtVerifier(net::HttpClient& http, ExternalJwtSettings settings);

    /// Errc::unauthorized naming the defect; a token signed by a key the IdP no longer publishes fails too.
    boost::asio::awaitable<Result<ExternalClaims>> verify(const Jwt& token);
    /// Fetches the key set now (start-up warm-up). Errors are logged and returned; the old keys stay.
    boost::asio::awaitable<Status> refresh();
    /// How many fetches were started (tests and logs).
    std::size_t fetches() const { return fetches_.load(); }

  private:
    using Steady = std::chrono::steady_clock;

    enum class Why { periodic, unknown_kid, asked };
    /// Fetches unless another fetch is running (then waits for it) or `why` does not call for one now: periodic
    /// when the keys are older than refresh_interval, unknown_kid at most once per min_refetch_gap.
    boost::asio::awaitable<Status> refresh_for(Why why);
    boost::asio::awaitable<Status> fetch();
    std::vector<Key> candidates(std::string_view kid, Algorithm alg) const;
    bool knows(std::string_view kid) const;

    net::HttpClient& http_;
    ExternalJwtSettings settings_;
    std::atomic<std::size_t> fetches_{0};

    mutable std::mutex mu_;
    std::vector<JwksKey> keys_;
    std::optional<Steady::time_point> fetched_at_;    // last successful fetch
    std::optional<Steady::time_point> attempted_at_;  // last fetch started
    std::optional<Steady::time_point> forced_at_;     // last fetch for an unknown kid
    bool fetching_ = false;
};

}  // namespace hector::auth
