#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hector/common/result.hpp"
#include "hector/common/time.hpp"

/// Multi-tenant apps and the server's token signing keys (server.md §6, DECISIONS 11). Both live in the sessions'
/// database (server.md §7.1). Every method is awaitable; SQL backends run their blocking calls on the blocking pool.
/// All methods are thread-safe.
namespace hector::store {

/// One dynamic app (tenant). `config_json` is the app's config as the admin sent it: a JSON object in a string.
struct AppRecord {
    std::string id;
    std::string name;
    std::string config_json = "{}";
    std::int64_t token_version = 1;  // tokens carrying another version are revoked
    TimePoint created_at{};
    TimePoint updated_at{};
};

/// A partial update: absent fields keep their value.
struct AppUpdate {
    std::optional<std::string> name;
    std::optional<std::string> config_json;
};

class AppStore {
  public:
    virtual ~AppStore() = default;

    /// Every app, oldest first (created_at, then id).
    virtual boost::asio::awaitable<Result<std::vector<AppRecord>>> list() = 0;
    /// Errc::not_found when absent.
    virtual boost::asio::awaitable<Result<AppRecord>> get(std::string id) = 0;
    /// Inserts the record; created_at/updated_at are set to now when left zero. Errc::conflict if the id exists.
    virtual boost::asio::awaitable<Result<AppRecord>> create(AppRecord record) = 0;
    /// Applies the update and sets updated_at to now (never earlier than the stored value). Errc::not_found.
    virtual boost::asio::awaitable<Result<AppRecord>> update(std::string id, AppUpdate update) = 0;
    /// Errc::not_found when absent.
    virtual boost::asio::awaitable<Status> remove(std::string id) = 0;
    /// Increments token_version (token regeneration) and returns the record. Errc::not_found.
    virtual boost::asio::awaitable<Result<AppRecord>> bump_token_version(std::string id) = 0;
};

/// A signing key as stored: the private key as PKCS#8 PEM and the public half as a JWK (JSON text).
struct SigningKeyRecord {
    std::string kid;
    std::string algorithm = "ES256";
    std::string private_pem;
    std::string public_jwk;
    TimePoint created_at{};
    std::optional<TimePoint> retired_at;
};

class SigningKeyStore {
  public:
    virtual ~SigningKeyStore() = default;

    /// Keys not retired, oldest first (created_at, then kid).
    virtual boost::asio::awaitable<Result<std::vector<SigningKeyRecord>>> list_active() = 0;
    /// Errc::not_found when absent.
    virtual boost::asio::awaitable<Result<SigningKeyRecord>> get(std::string kid) = 0;
    /// Inserts the key unless one with that kid exists, and returns the stored one: when several instances create
    /// the same kid at once, every one of them gets the winner's key.
    virtual boost::asio::awaitable<Result<SigningKeyRecord>> create(SigningKeyRecord record) = 0;
};

}  // namespace hector::store
