#pragma once

#include <boost/json/object.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "hector/common/result.hpp"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header

/// Keys and JWS signatures over OpenSSL 3 (EVP): ES256 on P-256 and RS256 on RSA ≥ 2048 bits, the only two
/// algorithms Hector accepts. No other algorithm (none, HS*, PS*, ES384…) can be named, so a token cannot pick a
/// weaker check.
namespace hector::auth {

enum class Algorithm { es256, rs256 };

/// "ES256" / "RS256"; nullopt for every other name.
std::optional<Algorithm> parse_algorithm(std::string_view name);
std::string_view algorithm_name(Algorithm alg);

/// An asymmetric key: a P-256 key pair (app tokens) or a public EC/RSA key (from a JWKS). Copies share the same
/// immutable OpenSSL key; every method is thread-safe.
class Key {
  public:
    /// A new P-256 key pair from OpenSSL's DRBG.
    static Result<Key> generate_p256();
    /// A private key from PKCS#8 PEM (what private_pem() writes).
    static Result<Key> from_private_pem(std::string_view pem);
    /// The public key of a JWK: `kty: EC` with `crv: P-256` and 32-byte `x`/`y` (checked to lie on the curve), or
    /// `kty: RSA` with `n`/`e` and at least 2048 bits. Private members are ignored. Errc::invalid_argument.
    static Result<Key> from_jwk(const boost::json::object& jwk);

    /// PKCS#8 PEM of a key pair (Errc::invalid_argument for a public key).
    Result<std::string> private_pem() const;
    /// The public JWK members of an EC P-256 key: kty, crv, x, y (unpadded base64url, 32 bytes each).
    Result<boost::json::object> public_jwk() const;

    /// Whether the key's type matches alg (EC P-256 for ES256, RSA for RS256).
    bool fits(Algorithm alg) const;
    /// The JWS signature of input: R‖S (64 bytes) for ES256, PKCS#1 v1.5 for RS256. Needs a key pair.
    Result<std::string> sign(Algorithm alg, std::string_view input) const;
    /// Verifies a JWS signature; false for a key that does not fit alg.
    bool verify(Algorithm alg, std::string_view input, std::string_view signature) const;

  private:
    explicit Key(std::shared_ptr<evp_pkey_st> pkey) : pkey_(std::move(pkey)) {}
    std::shared_ptr<evp_pkey_st> pkey_;
};

}  // namespace hector::auth
