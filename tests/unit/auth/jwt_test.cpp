// Compact JWS parsing, the ECDSA signature formats and the claim checks (auth/jwt.hpp).
#include "hector/auth/jwt.hpp"

#include <gtest/gtest.h>

#include "auth_test_util.hpp"
#include "support/test_idp.hpp"

namespace hector::auth {
namespace {

namespace json = boost::json;

using testing::replace_segment;
using namespace std::chrono_literals;

TEST(Base64UrlStrict, DecodesOnlyCanonicalUnpaddedUrlAlphabet) {
    EXPECT_EQ(base64url_decode_strict("aGk"), "hi");
    EXPECT_EQ(base64url_decode_strict(""), "");
    EXPECT_EQ(base64url_decode_strict("-_8"), std::string("\xfb\xff", 2));
    EXPECT_FALSE(base64url_decode_strict("aGk="));  // padding
    EXPECT_FALSE(base64url_decode_strict("+/8"));   // standard alphabet
    EXPECT_FALSE(base64url_decode_strict("aGl"));   // non-zero trailing bits: another spelling of "hi"
    EXPECT_FALSE(base64url_decode_strict("a"));     // impossible length
    EXPECT_FALSE(base64url_decode_strict("aG k"));
}

TEST(ParseJwt, SplitsAndDecodesTheThreeSegments) {
    json::object header{{"alg", "ES256"}, {"kid", "k1"}};
    json::object claims{{"sub", "x"}};
    auto input = jwt_signing_input(header, claims);
    auto jwt = parse_jwt(input + "." + base64url_encode("sig"));
    ASSERT_TRUE(jwt.ok()) << jwt.error().message;
    EXPECT_EQ(jwt->alg(), "ES256");
    EXPECT_EQ(jwt->kid(), "k1");
    EXPECT_EQ(jwt->claims.at("sub"), "x");
    EXPECT_EQ(jwt->signing_input, input);
    EXPECT_EQ(jwt->signature, "sig");
}

TEST(ParseJwt, RefusesMalformedTokens) {
    const auto good = jwt_signing_input({{"alg", "ES256"}}, {{"sub", "x"}});
    for (const std::string& bad : {
             std::string("a.b"), good + ".c.d",
             good + ".c=",                                                            // padded signature
             "e30." + good.substr(good.find('.') + 1) + ".c",                         // header without alg ({})
             base64url_encode("[1]") + "." + good.substr(good.find('.') + 1) + ".c",  // header not an object
             good.substr(0, good.find('.')) + ".bm90IGpzb24.c",                       // payload not JSON
             good + "." + std::string(9000, 'a'),                                     // too long
         }) {
        auto jwt = parse_jwt(bad);
        EXPECT_FALSE(jwt.ok()) << bad;
        if (!jwt.ok()) {
            EXPECT_EQ(jwt.error().code, Errc::unauthorized);
        }
    }
    EXPECT_TRUE(looks_like_jwt("a.b.c"));
    EXPECT_FALSE(looks_like_jwt("api-key-without-dots"));
}

TEST(EcdsaSignature, DerAndJoseConvertBothWaysWithPadding) {
    // r with its high bit set (DER adds a 0x00) and s with leading zero bytes (DER drops them).
    std::string raw(64, '\0');
    raw[0] = '\x80';
    raw[31] = '\x01';
    raw[34] = '\x7f';
    raw[63] = '\x05';
    auto der = ecdsa_jose_to_der(raw);
    ASSERT_TRUE(der.ok()) << der.error().message;
    EXPECT_EQ(*der, test::TestIdp::raw_to_der(raw));  // the independent encoder agrees byte for byte
    auto back = ecdsa_der_to_jose(*der);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, raw);
    EXPECT_EQ(test::TestIdp::der_to_raw(*der), raw);
}

TEST(EcdsaSignature, RefusesWrongLengthsZeroHalvesAndGarbage) {
    EXPECT_FALSE(ecdsa_jose_to_der(std::string(63, '\x01')).ok());
    EXPECT_FALSE(ecdsa_jose_to_der(std::string(65, '\x01')).ok());
    EXPECT_FALSE(ecdsa_jose_to_der(std::string(32, '\0') + std::string(32, '\x01')).ok());
    EXPECT_FALSE(ecdsa_der_to_jose("not der").ok());
    // An integer longer than the curve size cannot be a P-256 signature half.
    std::string big(33, '\x01');
    std::string der = std::string{'\x30', 37, '\x02', 33} + big + std::string{'\x02', 1, '\x01'};
    EXPECT_FALSE(ecdsa_der_to_jose(der).ok());
}

TEST(TimeClaims, ExpAndNbfAllowSixtySecondsOfSkew) {
    const auto now = Clock::now();
    const auto t = unix_seconds(now);
    EXPECT_TRUE(check_time_claims({}, now).ok());
    EXPECT_TRUE(check_time_claims({{"exp", t + 10}}, now).ok());
    EXPECT_TRUE(check_time_claims({{"exp", t - 30}}, now).ok());  // within the skew
    EXPECT_FALSE(check_time_claims({{"exp", t - 120}}, now).ok());
    EXPECT_TRUE(check_time_claims({{"nbf", t + 30}}, now).ok());
    EXPECT_FALSE(check_time_claims({{"nbf", t + 120}}, now).ok());
    EXPECT_FALSE(check_time_claims({{"iat", t + 3600}}, now).ok());
    EXPECT_FALSE(check_time_claims({{"exp", "tomorrow"}}, now).ok());
    EXPECT_TRUE(check_time_claims({{"exp", static_cast<double>(t) + 0.5}}, now).ok());
}

TEST(Audience, MatchesAStringOrAnArrayMember) {
    EXPECT_TRUE(audience_matches({{"aud", "api"}}, "api"));
    EXPECT_TRUE(audience_matches({{"aud", json::array{"web", "api"}}}, "api"));
    EXPECT_FALSE(audience_matches({{"aud", json::array{"web"}}}, "api"));
    EXPECT_FALSE(audience_matches({{"aud", "apix"}}, "api"));
    EXPECT_FALSE(audience_matches({}, "api"));
    EXPECT_FALSE(audience_matches({{"aud", 7}}, "api"));
}

TEST(ReplaceSegment, TestHelperKeepsTheOtherSegments) {
    auto token = jwt_signing_input({{"alg", "ES256"}}, {{"a", 1}}) + ".c2ln";
    auto changed = replace_segment(token, 1, {{"a", 2}});
    auto jwt = parse_jwt(changed);
    ASSERT_TRUE(jwt.ok());
    EXPECT_EQ(jwt->claims.at("a"), 2);
    EXPECT_EQ(jwt->signature, "sig");
}

}  // namespace
}  // namespace hector::auth
