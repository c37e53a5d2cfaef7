#include "support/test_idp.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <stdexcept>
#include <thread>

#include "hector/common/encoding.hpp"
#include "hector/http/server.hpp"

namespace hector::test {

namespace json = boost::json;

namespace {

std::string b64u(const std::string& bytes) {
    return base64url_encode(bytes);
}

std::string b64u_json(const json::object& o) {
    return b64u(json::serialize(o));
}

std::string bn_bytes(EVP_PKEY* pkey, const char* name) {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1) throw std::runtime_error("get_bn_param");
    std::string out(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
    BN_free(bn);
    return out;
}

// SubjectPublicKeyInfo of a P-256 key: the fixed DER prefix, then the uncompressed point.
std::string p256_spki(const std::string& x, const std::string& y) {
    static const unsigned char kPrefix[] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
                                            0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                            0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04};
    return std::string(reinterpret_cast<const char*>(kPrefix), sizeof kPrefix) + x + y;
}

std::string der_integer(std::string v) {
    while (v.size() > 1 && v.front() == '\0') v.erase(0, 1);
    if (static_cast<unsigned char>(v.front()) & 0x80) v.insert(v.begin(), '\0');
    return std::string{'\x02', static_cast<char>(v.size())} + v;
}

}  // namespace

TestIdp::TestIdp() = default;
TestIdp::~TestIdp() = default;

void TestIdp::add_key(const std::string& kid, Alg alg) {
    EVP_PKEY* raw = alg == Alg::rs256 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048))
                                      : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    if (!raw) throw std::runtime_error("keygen failed");
    std::lock_guard lock(mu_);
    keys_[kid] = Key{alg, std::shared_ptr<EVP_PKEY>(raw, EVP_PKEY_free)};
}

void TestIdp::add_pem_key(const std::string& kid, const std::string& pem, Alg alg) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!raw) throw std::runtime_error("not a PEM private key");
    std::lock_guard lock(mu_);
    keys_[kid] = Key{alg, std::shared_ptr<EVP_PKEY>(raw, EVP_PKEY_free)};
}

json::object TestIdp::jwk(const std::string& kid) const {
    std::lock_guard lock(mu_);
    const auto& k = keys_.at(kid);
    json::object o;
    o["kid"] = kid;
    o["use"] = "sig";
    if (k.alg == Alg::rs256) {
        o["kty"] = "RSA";
        o["alg"] = "RS256";
        o["n"] = b64u(bn_bytes(k.pkey.get(), OSSL_PKEY_PARAM_RSA_N));
        o["e"] = b64u(bn_bytes(k.pkey.get(), OSSL_PKEY_PARAM_RSA_E));
    } else {
        unsigned char point[65];
        std::size_t len = 0;
        if (EVP_PKEY_get_octet_string_param(k.pkey.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, sizeof point,
                                            &len) != 1 ||
            len != 65)
            throw std::runtime_error("EC public key");
        o["kty"] = "EC";
        o["crv"] = "P-256";
        o["alg"] = "ES256";
        o["x"] = b64u(std::string(reinterpret_cast<char*>(point + 1), 32));
        o["y"] = b64u(std::string(reinterpret_cast<char*>(point + 33), 32));
    }
    return o;
}

std::string TestIdp::jwks(const std::vector<std::string>& kids) const {
    std::vector<std::string> wanted = kids;
    if (wanted.empty()) {
        std::lock_guard lock(mu_);
        for (const auto& [kid, k] : keys_) wanted.push_back(kid);
    }
    json::array keys;
    for (const auto& kid : wanted) keys.push_back(jwk(kid));
    return json::serialize(json::object{{"keys", keys}});
}

std::string TestIdp::signature(const std::string& kid, const std::string& input) const {
    Key k;
    {
        std::lock_guard lock(mu_);
        k = keys_.at(kid);
    }
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t len = 0;
    std::string sig;
    if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, k.pkey.get()) == 1 &&
        EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1) {
        sig.resize(len);
        if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
            sig.clear();
        sig.resize(len);
    }
    EVP_MD_CTX_free(ctx);
    if (sig.empty()) throw std::runtime_error("sign failed");
    return k.alg == Alg::es256 ? der_to_raw(sig) : sig;
}

std::string TestIdp::sign(const std::string& kid, const json::object& claims, const json::object& header_extra) const {
    Alg alg;
    {
        std::lock_guard lock(mu_);
        alg = keys_.at(kid).alg;
    }
    json::object header{{"alg", alg == Alg::rs256 ? "RS256" : "ES256"}, {"typ", "JWT"}, {"kid", kid}};
    for (const auto& kv : header_extra) header[kv.key()] = kv.value();
    const std::string input = b64u_json(header) + "." + b64u_json(claims);
    return input + "." + b64u(signature(kid, input));
}

bool TestIdp::verify_es256(const json::object& jwk, const std::string& input, const std::string& raw_sig) {
    auto x = base64_decode(std::string(jwk.at("x").as_string()));
    auto y = base64_decode(std::string(jwk.at("y").as_string()));
    if (!x || !y || x->size() != 32 || y->size() != 32) return false;
    const std::string spki = p256_spki(*x, *y);
    const auto* p = reinterpret_cast<const unsigned char*>(spki.data());
    EVP_PKEY* pkey = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size()));
    if (!pkey) return false;
    const std::string der = raw_to_der(raw_sig);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
                    EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    return ok;
}

std::string TestIdp::unsigned_token(const json::object& claims, const json::object& header) {
    json::object h = header.empty() ? json::object{{"alg", "none"}, {"typ", "JWT"}} : header;
    return b64u_json(h) + "." + b64u_json(claims) + ".";
}

std::string TestIdp::hs256_token(const json::object& claims, const std::string& secret,
                                 const json::object& header_extra) {
    json::object header{{"alg", "HS256"}, {"typ", "JWT"}};
    for (const auto& kv : header_extra) header[kv.key()] = kv.value();
    const std::string input = b64u_json(header) + "." + b64u_json(claims);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
    return input + "." + b64u(std::string(reinterpret_cast<char*>(mac), len));
}

std::string TestIdp::raw_to_der(const std::string& raw) {
    const std::size_t half = raw.size() / 2;
    std::string body = der_integer(raw.substr(0, half)) + der_integer(raw.substr(half));
    return std::string{'\x30', static_cast<char>(body.size())} + body;
}

std::string TestIdp::der_to_raw(const std::string& der, std::size_t half) {
    std::size_t pos = 2;  // SEQUENCE tag and (short) length
    if (der.size() < 2 || der[0] != '\x30') throw std::runtime_error("not a DER sequence");
    std::string out;
    for (int i = 0; i < 2; ++i) {
        if (pos + 2 > der.size() || der[pos] != '\x02') throw std::runtime_error("not a DER integer");
        std::size_t len = static_cast<unsigned char>(der[pos + 1]);
        std::string v = der.substr(pos + 2, len);
        pos += 2 + len;
        while (v.size() > half && v.front() == '\0') v.erase(0, 1);
        out += std::string(half - v.size(), '\0') + v;
    }
    return out;
}

struct JwksServer::Impl {
    boost::asio::io_context io{1};
    std::unique_ptr<http::Server> server;
    std::thread thread;
    mutable std::mutex mu;
    std::string jwks = R"({"keys":[]})";
    int fail_status = 0;
    std::atomic<std::size_t> fetches{0};

    boost::asio::awaitable<http::Response> handle(http::Request& req) {
        if (req.path != "/jwks.json") co_return http::Response::error(404);
        ++fetches;
        std::lock_guard lock(mu);
        if (fail_status != 0) co_return http::Response::error(fail_status);
        co_return http::Response::text(200, jwks, "application/json");
    }
};

JwksServer::JwksServer() : impl_(std::make_shared<Impl>()) {
    http::ServerSettings s;
    s.host = "127.0.0.1";
    s.port = 0;
    // A plain pointer: the server is Impl's own member, so a shared one would keep Impl alive forever. Impl outlives
    // every handler call (the destructor stops the server and joins the thread first).
    Impl* impl = impl_.get();
    impl_->server = std::make_unique<http::Server>(impl_->io, s, [impl](http::Request& r) { return impl->handle(r); });
    auto port = impl_->server->listen();
    if (!port) throw std::runtime_error("jwks server: " + port.error().message);
    port_ = *port;
    impl_->server->start();
    impl_->thread = std::thread([impl] { impl->io.run(); });
}

JwksServer::~JwksServer() {
    impl_->server->stop();
    impl_->io.stop();
    if (impl_->thread.joinable()) impl_->thread.join();
}

std::string JwksServer::url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/jwks.json";
}

void JwksServer::set(std::string jwks) {
    std::lock_guard lock(impl_->mu);
    impl_->jwks = std::move(jwks);
}

void JwksServer::fail_with(int status) {
    std::lock_guard lock(impl_->mu);
    impl_->fail_status = status;
}

std::size_t JwksServer::fetches() const {
    return impl_->fetches.load();
}

}  // namespace hector::test
