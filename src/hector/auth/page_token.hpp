#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hector::auth {

/// Opaque, tamper-evident pagination tokens: base64url(payload) "." base64url(HMAC-SHA256(key, payload)). A
/// client can read the payload but not change it: open() refuses any token whose tag does not match (compared in
/// constant time). Immutable; thread-safe.
class PageTokenSigner {
  public:
    /// A signer whose key is derived from a server secret and a purpose label, so every instance that shares the
    /// secret (the admin secret) accepts the others' tokens, and the secret itself never leaves the process.
    static PageTokenSigner derive(std::string_view secret, std::string_view purpose);
    explicit PageTokenSigner(std::string key) : key_(std::move(key)) {}

    std::string seal(std::string_view payload) const;
    /// The payload, or nullopt for a malformed or altered token.
    std::optional<std::string> open(std::string_view token) const;

  private:
    std::string key_;
};

/// HMAC-SHA256(key, data) as 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);

}  // namespace hector::auth
