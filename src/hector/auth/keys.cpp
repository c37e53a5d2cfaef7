#include "hector/auth/keys.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <fmt/format.h>

#include "hector/auth/jwt.hpp"
#include "hector/common/encoding.hpp"
#include "hector/common/json.hpp"

namespace hector::auth {

namespace {

constexpr std::size_t kP256Bytes = 32;
constexpr int kMinRsaBits = 2048;

template <class T, void (*F)(T*)>
struct Deleter {
    void operator()(T* p) const { F(p); }
};
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Bn = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;

std::shared_ptr<EVP_PKEY> own(EVP_PKEY* p) {
    return std::shared_ptr<EVP_PKEY>(p, EVP_PKEY_free);
}

Error bad_jwk(std::string message) {
    return Error{Errc::invalid_argument, "JWK: " + std::move(message)};
}

bool is_p256(EVP_PKEY* pkey) {
    if (!EVP_PKEY_is_a(pkey, "EC")) return false;
    char group[64] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1) return false;
    const std::string_view name(group, len);
    return name == "prime256v1" || name == "P-256";
}

// Builds a key from OSSL_PARAMs of a public key and checks it.
Result<std::shared_ptr<EVP_PKEY>> from_params(const char* type, OSSL_PARAM_BLD* bld) {
    Params params(OSSL_PARAM_BLD_to_param(bld));
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) return Error{Errc::internal, "OpenSSL setup failed"};
    EVP_PKEY* raw = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1 || !raw)
        return bad_jwk(fmt::format("not a valid {} public key", type));
    auto pkey = own(raw);
    PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
    if (!check || EVP_PKEY_public_check(check.get()) != 1)
        return bad_jwk(fmt::format("not a valid {} public key", type));
    return pkey;
}

Result<std::string> member_bytes(const json::object& jwk, std::string_view name) {
    auto v = get_string(jwk, name);
    if (!v) return bad_jwk(fmt::format("member {} is missing", name));
    auto bytes = base64url_decode_strict(*v);
    if (!bytes || bytes->empty()) return bad_jwk(fmt::format("member {} is not base64url", name));
    return std::move(*bytes);
}

Result<std::shared_ptr<EVP_PKEY>> ec_from_jwk(const json::object& jwk) {
    if (get_string(jwk, "crv") != std::optional<std::string_view>("P-256"))
        return bad_jwk("only crv P-256 is accepted");
    auto x = member_bytes(jwk, "x");
    if (!x) return std::move(x).error();
    auto y = member_bytes(jwk, "y");
    if (!y) return std::move(y).error();
    if (x->size() != kP256Bytes || y->size() != kP256Bytes) return bad_jwk("x and y must be 32 bytes");
    std::string point = "\x04" + *x + *y;  // uncompressed SEC1 point
    ParamBld bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
        return Error{Errc::internal, "OpenSSL setup failed"};
    return from_params("EC", bld.get());
}

Result<std::shared_ptr<EVP_PKEY>> rsa_from_jwk(const json::object& jwk) {
    auto n_bytes = member_bytes(jwk, "n");
    if (!n_bytes) return std::move(n_bytes).error();
    auto e_bytes = member_bytes(jwk, "e");
    if (!e_bytes) return std::move(e_bytes).error();
    auto to_bn = [](const std::string& b) {
        return Bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(b.data()), static_cast<int>(b.size()), nullptr));
    };
    Bn n = to_bn(*n_bytes);
    Bn e = to_bn(*e_bytes);
    if (!n || !e) return Error{Errc::internal, "out of memory"};
    if (BN_num_bits(n.get()) < kMinRsaBits) return bad_jwk(fmt::format("RSA keys need at least {} bits", kMinRsaBits));
    ParamBld bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1)
        return Error{Errc::internal, "OpenSSL setup failed"};
    return from_params("RSA", bld.get());
}

Result<std::string> bn_param(EVP_PKEY* pkey, const char* name) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(pkey, name, &raw) != 1) return Error{Errc::internal, "cannot read the EC public key"};
    Bn bn(raw);
    std::string out(kP256Bytes, '\0');
    if (BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), kP256Bytes) != kP256Bytes)
        return Error{Errc::internal, "EC coordinate does not fit 32 bytes"};
    return out;
}

}  // namespace

std::optional<Algorithm> parse_algorithm(std::string_view name) {
    if (name == "ES256") return Algorithm::es256;
    if (name == "RS256") return Algorithm::rs256;
    return std::nullopt;
}

std::string_view algorithm_name(Algorithm alg) {
    return alg == Algorithm::es256 ? "ES256" : "RS256";
}

Result<Key> Key::generate_p256() {
    EVP_PKEY* raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    if (!raw) return Error{Errc::internal, "cannot generate a P-256 key"};
    return Key(own(raw));
}

Result<Key> Key::from_private_pem(std::string_view pem) {
    Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) return Error{Errc::internal, "out of memory"};
    EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    if (!raw) return Error{Errc::invalid_argument, "not a PEM private key"};
    return Key(own(raw));
}

Result<Key> Key::from_jwk(const json::object& jwk) {
    auto kty = get_string(jwk, "kty");
    if (!kty) return bad_jwk("kty is missing");
    Result<std::shared_ptr<EVP_PKEY>> pkey =
        *kty == "EC"    ? ec_from_jwk(jwk)
        : *kty == "RSA" ? rsa_from_jwk(jwk)
                        : Result<std::shared_ptr<EVP_PKEY>>(bad_jwk(fmt::format("unsupported kty \"{}\"", *kty)));
    if (!pkey) return std::move(pkey).error();
    return Key(std::move(pkey).value());
}

Result<std::string> Key::private_pem() const {
    Bio bio(BIO_new(BIO_s_mem()));
    if (!bio) return Error{Errc::internal, "out of memory"};
    if (PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return Error{Errc::invalid_argument, "not a private key"};
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

Result<json::object> Key::public_jwk() const {
    if (!is_p256(pkey_.get())) return Error{Errc::unsupported, "only P-256 keys are published"};
    auto x = bn_param(pkey_.get(), OSSL_PKEY_PARAM_EC_PUB_X);
    if (!x) return std::move(x).error();
    auto y = bn_param(pkey_.get(), OSSL_PKEY_PARAM_EC_PUB_Y);
    if (!y) return std::move(y).error();
    json::object jwk;
    jwk["kty"] = "EC";
    jwk["crv"] = "P-256";
    jwk["x"] = base64url_encode(*x);
    jwk["y"] = base64url_encode(*y);
    return jwk;
}

bool Key::fits(Algorithm alg) const {
    if (alg == Algorithm::es256) return is_p256(pkey_.get());
    return EVP_PKEY_is_a(pkey_.get(), "RSA") && EVP_PKEY_get_bits(pkey_.get()) >= kMinRsaBits;
}

Result<std::string> Key::sign(Algorithm alg, std::string_view input) const {
    if (!fits(alg)) return Error{Errc::invalid_argument, "the key does not fit the algorithm"};
    MdCtx ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey_.get()) != 1)
        return Error{Errc::internal, "cannot start signing"};
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    std::size_t len = 0;
    if (EVP_DigestSign(ctx.get(), nullptr, &len, data, input.size()) != 1) return Error{Errc::internal, "cannot sign"};
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, data, input.size()) != 1)
        return Error{Errc::internal, "cannot sign"};
    sig.resize(len);
    if (alg == Algorithm::es256) return ecdsa_der_to_jose(sig, kP256Bytes);
    return sig;
}

bool Key::verify(Algorithm alg, std::string_view input, std::string_view signature) const {
    if (!fits(alg)) return false;
    std::string der;
    if (alg == Algorithm::es256) {
        auto converted = ecdsa_jose_to_der(signature, kP256Bytes);
        if (!converted) return false;
        der = std::move(converted).value();
        signature = der;
    }
    MdCtx ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey_.get()) != 1) return false;
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
}

}  // namespace hector::auth
