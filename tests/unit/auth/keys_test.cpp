// Keys, JWKs and signatures (auth/keys.hpp), cross-checked against TestIdp's independent OpenSSL code.
#include "hector/auth/keys.hpp"

#include <gtest/gtest.h>

#include "auth_test_util.hpp"
#include "hector/auth/jwt.hpp"
#include "support/test_idp.hpp"

namespace hector::auth {
namespace {

namespace json = boost::json;

using test::TestIdp;

TEST(Algorithms, OnlyEs256AndRs256HaveNames) {
    EXPECT_EQ(parse_algorithm("ES256"), Algorithm::es256);
    EXPECT_EQ(parse_algorithm("RS256"), Algorithm::rs256);
    for (auto name : {"none", "HS256", "PS256", "ES384", "es256", ""}) EXPECT_FALSE(parse_algorithm(name)) << name;
}

TEST(P256Key, SignsRawSignaturesThatAnIndependentVerifierAccepts) {
    auto key = Key::generate_p256();
    ASSERT_TRUE(key.ok()) << key.error().message;
    auto jwk = key->public_jwk();
    ASSERT_TRUE(jwk.ok());
    EXPECT_EQ(jwk->at("kty"), "EC");
    EXPECT_EQ(jwk->at("crv"), "P-256");
    // Unpadded base64url of exactly 32 bytes: 43 characters.
    EXPECT_EQ(jwk->at("x").as_string().size(), 43u);
    EXPECT_EQ(jwk->at("y").as_string().size(), 43u);
    for (int i = 0; i < 20; ++i) {  // many signatures: some have halves with leading zero bytes
        const std::string input = "header.payload-" + std::to_string(i);
        auto sig = key->sign(Algorithm::es256, input);
        ASSERT_TRUE(sig.ok());
        ASSERT_EQ(sig->size(), 64u);
        EXPECT_TRUE(key->verify(Algorithm::es256, input, *sig));
        EXPECT_TRUE(TestIdp::verify_es256(*jwk, input, *sig));
        EXPECT_FALSE(key->verify(Algorithm::es256, input + "x", *sig));
        EXPECT_FALSE(key->verify(Algorithm::rs256, input, *sig));
    }
}

TEST(P256Key, RoundTripsThroughPkcs8Pem) {
    auto key = Key::generate_p256();
    ASSERT_TRUE(key.ok());
    auto pem = key->private_pem();
    ASSERT_TRUE(pem.ok());
    EXPECT_NE(pem->find("BEGIN PRIVATE KEY"), std::string::npos);
    auto again = Key::from_private_pem(*pem);
    ASSERT_TRUE(again.ok());
    auto sig = again->sign(Algorithm::es256, "input");
    ASSERT_TRUE(sig.ok());
    EXPECT_TRUE(key->verify(Algorithm::es256, "input", *sig));
    EXPECT_EQ(again->public_jwk()->at("x"), key->public_jwk()->at("x"));
    EXPECT_FALSE(Key::from_private_pem("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n").ok());
}

TEST(JwkKeys, VerifyTokensOfAnIndependentIssuer) {
    TestIdp idp;
    idp.add_key("rsa", TestIdp::Alg::rs256);
    idp.add_key("ec", TestIdp::Alg::es256);
    for (auto [kid, alg] : {std::pair{"rsa", Algorithm::rs256}, std::pair{"ec", Algorithm::es256}}) {
        auto key = Key::from_jwk(idp.jwk(kid));
        ASSERT_TRUE(key.ok()) << kid << ": " << key.error().message;
        EXPECT_TRUE(key->fits(alg));
        auto jwt = parse_jwt(idp.sign(kid, {{"sub", "u"}}));
        ASSERT_TRUE(jwt.ok());
        EXPECT_TRUE(key->verify(alg, jwt->signing_input, jwt->signature)) << kid;
        EXPECT_FALSE(key->verify(alg, jwt->signing_input + "x", jwt->signature)) << kid;
        // A public key cannot sign.
        EXPECT_FALSE(key->sign(alg, "x").ok());
    }
    // The RSA key is refused for ES256 and the EC key for RS256.
    EXPECT_FALSE(Key::from_jwk(idp.jwk("rsa"))->fits(Algorithm::es256));
    EXPECT_FALSE(Key::from_jwk(idp.jwk("ec"))->fits(Algorithm::rs256));
}

TEST(JwkKeys, RefuseWhatIsNotAUsableKey) {
    TestIdp idp;
    idp.add_key("ec", TestIdp::Alg::es256);
    auto ec = idp.jwk("ec");

    auto off_curve = ec;
    auto y = base64_decode(std::string(ec.at("y").as_string())).value();
    y[31] = static_cast<char>(y[31] ^ 1);
    off_curve["y"] = base64url_encode(y);
    EXPECT_FALSE(Key::from_jwk(off_curve).ok());

    auto other_curve = ec;
    other_curve["crv"] = "P-384";
    EXPECT_FALSE(Key::from_jwk(other_curve).ok());

    auto short_x = ec;
    short_x["x"] = base64url_encode(std::string(31, '\x01'));
    EXPECT_FALSE(Key::from_jwk(short_x).ok());

    auto no_kty = ec;
    no_kty.erase("kty");
    EXPECT_FALSE(Key::from_jwk(no_kty).ok());
    EXPECT_FALSE(Key::from_jwk({{"kty", "oct"}, {"k", "c2VjcmV0"}}).ok());

    // RSA below 2048 bits.
    json::object weak{{"kty", "RSA"}, {"n", base64url_encode(std::string(128, '\xc5'))}, {"e", "AQAB"}};
    EXPECT_FALSE(Key::from_jwk(weak).ok());
}

}  // namespace
}  // namespace hector::auth
