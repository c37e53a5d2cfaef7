#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "hector/common/result.hpp"
#include "hector/common/time.hpp"

/// Compact JWS/JWT handling (RFC 7515, 7519): splitting and decoding, the ECDSA signature formats, and the claim
/// checks shared by app tokens and external tokens. Signature verification is in keys.hpp. Pure functions;
/// thread-safe.
namespace hector::auth {

/// How far the clocks of an issuer and this server may disagree for exp and nbf (server.md §3.1).
inline constexpr std::chrono::seconds kClockSkew{60};
/// Longer bearer tokens are refused before any decoding.
inline constexpr std::size_t kMaxTokenBytes = 8 * 1024;

/// A compact JWS split and decoded. Nothing about it has been verified.
struct Jwt {
    boost::json::object header;
    boost::json::object claims;
    std::string signing_input;  // the first two segments as sent: what the signature covers
    std::string signature;      // decoded signature bytes

    /// header.alg and header.kid, empty when absent or not strings.
    std::string_view alg() const;
    std::string_view kid() const;
};

/// Splits `token` into its three base64url segments (strict: URL alphabet, no padding, canonical) and parses
/// the header and claims as JSON objects. Errc::unauthorized naming the defect otherwise.
Result<Jwt> parse_jwt(std::string_view token);

/// Cheap test for "three dot-separated segments": whether a bearer token should be tried as a JWT at all.
bool looks_like_jwt(std::string_view token);

/// base64url(header JSON) "." base64url(claims JSON): the JWS signing input.
std::string jwt_signing_input(const boost::json::object& header, const boost::json::object& claims);

/// Decodes unpadded base64url, refusing any other alphabet, padding, and non-canonical trailing bits (so one
/// signature has exactly one spelling).
std::optional<std::string> base64url_decode_strict(std::string_view text);

/// ECDSA signatures come from OpenSSL as DER `SEQUENCE { r INTEGER, s INTEGER }`; JWS wants R‖S with each half
/// left-padded to the curve size (RFC 7518 §3.4: 32 bytes each for ES256).
Result<std::string> ecdsa_der_to_jose(std::string_view der, std::size_t half_bytes = 32);
Result<std::string> ecdsa_jose_to_der(std::string_view jose, std::size_t half_bytes = 32);

/// exp must not have passed and nbf must have been reached, both allowing `skew`; iat must not lie in the future
/// beyond `skew`. Absent claims pass; a present claim that is not a number fails. Errc::unauthorized.
Status check_time_claims(const boost::json::object& claims, TimePoint now, std::chrono::seconds skew = kClockSkew);

/// The aud claim is `audience`, or an array that holds it.
bool audience_matches(const boost::json::object& claims, std::string_view audience);

}  // namespace hector::auth
