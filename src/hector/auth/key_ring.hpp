#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <atomic>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "hector/auth/keys.hpp"
#include "hector/common/result.hpp"
#include "hector/store/app_store.hpp"

namespace hector::auth {

/// The server's app-token signing keys (DECISIONS 11): ES256 P-256 keys named `hector-key-N`, generated once and
/// kept in the SigningKeyStore so every instance signs and verifies with the same keys. The newest key signs;
/// every unretired key verifies and is published in the JWKS.
///
/// Thread-safety: load() and rotate() may run concurrently with the readers (signer, find, jwks).
class KeyRing {
  public:
    explicit KeyRing(store::SigningKeyStore& store) : store_(store) {}

    /// Reads every unretired key from the store, creating `hector-key-1` when there is none. Call at start-up, and
    /// again to pick up keys that another instance created. A stored key that cannot be read is an error.
    boost::asio::awaitable<Status> load();
    /// load() once, on first need: a server that never sees an app token, a JWKS request or the admin API keeps
    /// OpenSSL out of its memory. Later calls return at once.
    boost::asio::awaitable<Status> ensure_loaded();
    /// Creates `hector-key-(N+1)` and makes it the signing key; older keys keep verifying.
    boost::asio::awaitable<Status> rotate();

    struct Entry {
        std::string kid;
        Key key;
        boost::json::object jwk;  // public members plus kid, use, alg
    };
    /// The key that signs new tokens (the newest), or nullopt before load().
    std::optional<Entry> signer() const;
    /// The key with this kid, or nullopt.
    std::optional<Key> find(std::string_view kid) const;
    /// `{"keys":[…]}` with every unretired key, oldest first.
    boost::json::object jwks() const;

  private:
    boost::asio::awaitable<Result<store::SigningKeyRecord>> create(int number);

    store::SigningKeyStore& store_;
    mutable std::shared_mutex mu_;
    std::vector<Entry> keys_;  // oldest first
    std::atomic<bool> loaded_{false};
};

/// "hector-key-7" → 7; 0 for other names.
int key_number(std::string_view kid);

}  // namespace hector::auth
