#include "hector/auth/jwt.hpp"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "hector/common/encoding.hpp"
#include "hector/common/json.hpp"

namespace hector::auth {

namespace {

// Header and claims are small flat objects; deeper nesting is hostile.
constexpr std::size_t kMaxJsonDepth = 16;

Error invalid(std::string message) {
    return Error{Errc::unauthorized, std::move(message)};
}

bool url_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

Result<json::object> decode_object(std::string_view segment, std::string_view what) {
    auto bytes = base64url_decode_strict(segment);
    if (!bytes) return invalid(std::string(what) + " is not base64url");
    auto v = parse_json(*bytes, kMaxJsonDepth);
    if (!v || !v->is_object()) return invalid(std::string(what) + " is not a JSON object");
    return std::move(v->get_object());
}

// A numeric date claim (RFC 7519 §2): seconds since the epoch, integer or not.
Result<std::optional<double>> numeric_date(const json::object& claims, std::string_view name) {
    const auto* v = find(claims, name);
    if (!v) return std::optional<double>{};
    if (v->is_int64()) return std::optional<double>(static_cast<double>(v->get_int64()));
    if (v->is_uint64()) return std::optional<double>(static_cast<double>(v->get_uint64()));
    if (v->is_double() && std::isfinite(v->get_double())) return std::optional<double>(v->get_double());
    return invalid("claim " + std::string(name) + " is not a number");
}

struct BnFree {
    void operator()(BIGNUM* b) const { BN_free(b); }
};
struct SigFree {
    void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};

}  // namespace

std::string_view Jwt::alg() const {
    auto v = get_string(header, "alg");
    return v ? *v : std::string_view{};
}

std::string_view Jwt::kid() const {
    auto v = get_string(header, "kid");
    return v ? *v : std::string_view{};
}

std::optional<std::string> base64url_decode_strict(std::string_view text) {
    if (text.size() % 4 == 1) return std::nullopt;
    if (!std::all_of(text.begin(), text.end(), url_char)) return std::nullopt;
    auto out = base64_decode(text);
    // Re-encoding must give the same text: no stray bits in the last character.
    if (!out || base64url_encode(*out) != text) return std::nullopt;
    return out;
}

bool looks_like_jwt(std::string_view token) {
    return std::count(token.begin(), token.end(), '.') == 2;
}

Result<Jwt> parse_jwt(std::string_view token) {
    if (token.size() > kMaxTokenBytes) return invalid("token too long");
    const auto first = token.find('.');
    const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
        return invalid("not a compact JWS (three segments)");
    Jwt jwt;
    auto header = decode_object(token.substr(0, first), "header");
    if (!header) return std::move(header).error();
    jwt.header = std::move(header).value();
    auto claims = decode_object(token.substr(first + 1, second - first - 1), "payload");
    if (!claims) return std::move(claims).error();
    jwt.claims = std::move(claims).value();
    auto signature = base64url_decode_strict(token.substr(second + 1));
    if (!signature) return invalid("signature is not base64url");
    jwt.signature = std::move(*signature);
    jwt.signing_input = std::string(token.substr(0, second));
    if (jwt.alg().empty()) return invalid("header has no alg");
    return jwt;
}

std::string jwt_signing_input(const json::object& header, const json::object& claims) {
    return base64url_encode(to_json(header)) + "." + base64url_encode(to_json(claims));
}

Result<std::string> ecdsa_der_to_jose(std::string_view der, std::size_t half_bytes) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    std::unique_ptr<ECDSA_SIG, SigFree> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
    if (!sig || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size())
        return Error{Errc::internal, "ECDSA signature is not DER"};
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    std::string out(2 * half_bytes, '\0');
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    const int n = static_cast<int>(half_bytes);
    if (BN_is_negative(r) || BN_is_negative(s) || BN_bn2binpad(r, o, n) != n || BN_bn2binpad(s, o + n, n) != n)
        return Error{Errc::internal, "ECDSA signature value does not fit the curve size"};
    return out;
}

Result<std::string> ecdsa_jose_to_der(std::string_view jose, std::size_t half_bytes) {
    if (jose.size() != 2 * half_bytes) return invalid("ECDSA signature has the wrong length");
    const auto* p = reinterpret_cast<const unsigned char*>(jose.data());
    const int n = static_cast<int>(half_bytes);
    std::unique_ptr<BIGNUM, BnFree> r(BN_bin2bn(p, n, nullptr));
    std::unique_ptr<BIGNUM, BnFree> s(BN_bin2bn(p + n, n, nullptr));
    std::unique_ptr<ECDSA_SIG, SigFree> sig(ECDSA_SIG_new());
    if (!r || !s || !sig) return Error{Errc::internal, "out of memory"};
    if (BN_is_zero(r.get()) || BN_is_zero(s.get())) return invalid("ECDSA signature has a zero half");
    if (ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return Error{Errc::internal, "ECDSA_SIG_set0 failed"};
    r.release();  // owned by sig now
    s.release();
    unsigned char* der = nullptr;
    const int len = i2d_ECDSA_SIG(sig.get(), &der);
    if (len <= 0) return Error{Errc::internal, "cannot encode the ECDSA signature"};
    std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    return out;
}

Status check_time_claims(const json::object& claims, TimePoint now, std::chrono::seconds skew) {
    const double t = std::chrono::duration<double>(now.time_since_epoch()).count();
    const double s = static_cast<double>(skew.count());
    auto exp = numeric_date(claims, "exp");
    if (!exp) return std::move(exp).error();
    if (*exp && t > **exp + s) return invalid("token expired");
    auto nbf = numeric_date(claims, "nbf");
    if (!nbf) return std::move(nbf).error();
    if (*nbf && t + s < **nbf) return invalid("token not yet valid");
    auto iat = numeric_date(claims, "iat");
    if (!iat) return std::move(iat).error();
    if (*iat && t + s < **iat) return invalid("token issued in the future");
    return {};
}

bool audience_matches(const json::object& claims, std::string_view audience) {
    const auto* aud = find(claims, "aud");
    if (!aud) return false;
    if (aud->is_string()) return sv(aud->get_string()) == audience;
    if (!aud->is_array()) return false;
    const auto& a = aud->get_array();
    return std::any_of(a.begin(), a.end(),
                       [&](const json::value& v) { return v.is_string() && sv(v.get_string()) == audience; });
}

}  // namespace hector::auth
