#pragma once

#include <boost/json/object.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

struct evp_pkey_st;

namespace hector::test {

/// A stand-in identity provider for tests. Its keys are made and used with OpenSSL directly (its own DER and JWK
/// code, not hector::auth's), so the production code is checked against an independent implementation. It also
/// forges tokens: unsigned (`alg: none`), HS256 with any secret, or with a header and claims of the test's choice.
/// Thread-safe.
class TestIdp {
  public:
    enum class Alg { rs256, es256 };

    TestIdp();
    ~TestIdp();

    /// Generates a key (RSA-2048 or P-256) under `kid`.
    void add_key(const std::string& kid, Alg alg);
    /// Adds an existing private key (PEM), e.g. the server's own signing key read from its key directory.
    void add_pem_key(const std::string& kid, const std::string& pem, Alg alg);
    /// {"keys":[...]} with the public halves of the given kids (all when empty).
    std::string jwks(const std::vector<std::string>& kids = {}) const;
    /// The public JWK of one key.
    boost::json::object jwk(const std::string& kid) const;

    /// A token signed with `kid`'s key: header {"alg","typ":"JWT","kid"} (header_extra merged over it).
    std::string sign(const std::string& kid, const boost::json::object& claims,
                     const boost::json::object& header_extra = {}) const;
    /// Signs an arbitrary signing input with `kid`'s key: the JWS signature bytes (R‖S for ES256).
    std::string signature(const std::string& kid, const std::string& input) const;
    /// Verifies an ES256 JWS signature (R‖S) over input with a P-256 public JWK, through OpenSSL directly.
    static bool verify_es256(const boost::json::object& jwk, const std::string& input, const std::string& raw_sig);

    /// header.payload. with no signature, header {"alg":"none"} unless given.
    static std::string unsigned_token(const boost::json::object& claims, const boost::json::object& header = {});
    /// HMAC-SHA256 token with the given secret; header {"alg":"HS256","typ":"JWT"} plus header_extra.
    static std::string hs256_token(const boost::json::object& claims, const std::string& secret,
                                   const boost::json::object& header_extra = {});

    /// Minimal DER helpers, written here independently of hector::auth: r‖s (each `half` bytes) ↔ DER.
    static std::string raw_to_der(const std::string& raw);
    static std::string der_to_raw(const std::string& der, std::size_t half = 32);

  private:
    struct Key {
        Alg alg;
        std::shared_ptr<evp_pkey_st> pkey;
    };
    mutable std::mutex mu_;
    std::map<std::string, Key> keys_;
};

/// A local HTTP server that serves a JWKS document at /jwks.json (replaceable at any time) and counts fetches.
/// Own thread, free loopback port.
class JwksServer {
  public:
    JwksServer();
    ~JwksServer();
    std::string url() const;
    void set(std::string jwks);
    /// 0 = answer normally; otherwise answer with this status.
    void fail_with(int status);
    std::size_t fetches() const;

    struct Impl;

  private:
    std::shared_ptr<Impl> impl_;
    int port_ = 0;
};

}  // namespace hector::test
