#include "hector/auth/app_tokens.hpp"

#include "hector/common/encoding.hpp"
#include "hector/common/ids.hpp"
#include "hector/common/json.hpp"

namespace hector::auth {

namespace {

Error invalid(std::string message) {
    return Error{Errc::unauthorized, "app token: " + std::move(message)};
}

}  // namespace

Result<std::string> AppTokens::issue(std::string_view app_id, std::int64_t version, TimePoint now) const {
    auto signer = keys_.signer();
    if (!signer) return Error{Errc::unavailable, "no signing key is loaded"};
    json::object header;
    header["alg"] = "ES256";
    header["typ"] = "JWT";
    header["kid"] = signer->kid;
    const auto iat = unix_seconds(now);
    json::object claims;
    claims["iss"] = kAppTokenIssuer;
    claims["sub"] = app_id;
    claims["tenant_id"] = app_id;
    claims["iat"] = iat;
    claims["jti"] = new_uuid();
    claims["ver"] = version;
    if (ttl_) claims["exp"] = iat + std::chrono::duration_cast<std::chrono::seconds>(*ttl_).count();
    auto input = jwt_signing_input(header, claims);
    auto signature = signer->key.sign(Algorithm::es256, input);
    if (!signature) return std::move(signature).error();
    return input + "." + base64url_encode(*signature);
}

bool AppTokens::ours(const Jwt& token) const {
    auto kid = token.kid();
    return !kid.empty() && keys_.find(kid).has_value();
}

Result<AppTokenClaims> AppTokens::verify(const Jwt& token, TimePoint now) const {
    // The algorithm is fixed by the key, never chosen by the token: "none", HS256 (even "signed" with the public
    // key as an HMAC secret) and everything else fail here.
    if (token.alg() != "ES256") return invalid("alg must be ES256");
    auto key = keys_.find(token.kid());
    if (!key) return invalid("unknown kid");
    if (!key->verify(Algorithm::es256, token.signing_input, token.signature)) return invalid("bad signature");
    if (get_string(token.claims, "iss") != std::optional<std::string_view>(kAppTokenIssuer))
        return invalid("wrong issuer");
    auto sub = get_string(token.claims, "sub");
    auto tenant = get_string(token.claims, "tenant_id");
    if (!sub || sub->empty() || tenant != sub) return invalid("sub and tenant_id must name the app");
    auto ver = get_int(token.claims, "ver");
    if (!ver) return invalid("ver is missing");
    if (auto st = check_time_claims(token.claims, now); !st) return invalid(st.error().message);
    return AppTokenClaims{std::string(*sub), *ver};
}

}  // namespace hector::auth
