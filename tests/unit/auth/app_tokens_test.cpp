// The signing key ring and app tokens (auth/key_ring.hpp, auth/app_tokens.hpp): issue, verify, and every forgery
// the spec lists.
#include "hector/auth/app_tokens.hpp"

#include <gtest/gtest.h>

#include "auth_test_util.hpp"
#include "hector/store/memory/memory_app_store.hpp"
#include "support/test_idp.hpp"

namespace hector::auth {
namespace {

namespace json = boost::json;

using test::TestIdp;
using testing::replace_segment;
using testing::segment;
using testing::sync;
using namespace std::chrono_literals;

class AppTokenTest : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(sync(ring_.load()).ok()); }

    Result<AppTokenClaims> check(const std::string& token, TimePoint now = Clock::now()) const {
        auto jwt = parse_jwt(token);
        if (!jwt) return std::move(jwt).error();
        return tokens_.verify(*jwt, now);
    }

    store::MemorySigningKeyStore store_;
    KeyRing ring_{store_};
    AppTokens tokens_{ring_, std::nullopt};
};

TEST_F(AppTokenTest, LoadCreatesHectorKey1OnceAndPublishesIt) {
    auto stored = sync(store_.list_active());
    ASSERT_TRUE(stored.ok());
    ASSERT_EQ(stored->size(), 1u);
    EXPECT_EQ(stored->front().kid, "hector-key-1");
    ASSERT_TRUE(sync(ring_.load()).ok());  // a second start reuses the key
    EXPECT_EQ(sync(store_.list_active())->size(), 1u);

    auto jwks = ring_.jwks();
    const auto& keys = jwks.at("keys").as_array();
    ASSERT_EQ(keys.size(), 1u);
    const auto& k = keys[0].as_object();
    EXPECT_EQ(k.at("kty"), "EC");
    EXPECT_EQ(k.at("crv"), "P-256");
    EXPECT_EQ(k.at("kid"), "hector-key-1");
    EXPECT_EQ(k.at("use"), "sig");
    EXPECT_EQ(k.at("alg"), "ES256");
    EXPECT_EQ(k.at("x").as_string().size(), 43u);
}

TEST_F(AppTokenTest, IssuedTokenHasTheSpecifiedHeaderAndClaims) {
    auto token = tokens_.issue("app123", 3);
    ASSERT_TRUE(token.ok());
    auto header = segment(*token, 0);
    EXPECT_EQ(header, (json::object{{"alg", "ES256"}, {"typ", "JWT"}, {"kid", "hector-key-1"}}));
    auto claims = segment(*token, 1);
    EXPECT_EQ(claims.at("iss"), "hector");
    EXPECT_EQ(claims.at("sub"), "app123");
    EXPECT_EQ(claims.at("tenant_id"), "app123");
    EXPECT_EQ(claims.at("ver"), 3);
    EXPECT_TRUE(claims.at("iat").is_int64());
    EXPECT_EQ(claims.at("jti").as_string().size(), 36u);
    EXPECT_FALSE(claims.contains("exp"));  // no TTL configured (OQ-4)

    auto verified = check(*token);
    ASSERT_TRUE(verified.ok()) << verified.error().message;
    EXPECT_EQ(verified->app_id, "app123");
    EXPECT_EQ(verified->version, 3);
    // The signature is the 64-byte R‖S form and verifies with the published JWK through plain OpenSSL.
    auto jwt = parse_jwt(*token).value();
    EXPECT_EQ(jwt.signature.size(), 64u);
    EXPECT_TRUE(
        TestIdp::verify_es256(ring_.jwks().at("keys").as_array()[0].as_object(), jwt.signing_input, jwt.signature));
}

TEST_F(AppTokenTest, TtlAddsExpAndExpiredTokensFail) {
    AppTokens with_ttl(ring_, 1h);
    const auto now = Clock::now();
    auto token = with_ttl.issue("a", 1, now);
    ASSERT_TRUE(token.ok());
    EXPECT_EQ(segment(*token, 1).at("exp").as_int64(), unix_seconds(now) + 3600);
    EXPECT_TRUE(check(*token, now + 1h + 30s).ok());  // within the 60 s skew
    auto expired = check(*token, now + 1h + 2min);
    ASSERT_FALSE(expired.ok());
    EXPECT_EQ(expired.error().code, Errc::unauthorized);
}

TEST_F(AppTokenTest, ForgeriesAreRefused) {
    auto good = tokens_.issue("app1", 1).value();
    auto claims = segment(good, 1);
    const std::string public_jwk = json::serialize(ring_.jwks().at("keys").as_array()[0]);

    // alg none, with and without our kid.
    EXPECT_FALSE(check(TestIdp::unsigned_token(claims)).ok());
    EXPECT_FALSE(check(TestIdp::unsigned_token(claims, {{"alg", "none"}, {"kid", "hector-key-1"}})).ok());
    // HS256 "signed" with the public key (as JWK text and as its x coordinate) as the HMAC secret.
    EXPECT_FALSE(check(TestIdp::hs256_token(claims, public_jwk, {{"kid", "hector-key-1"}})).ok());
    EXPECT_FALSE(
        check(TestIdp::hs256_token(claims, std::string(ring_.jwks().at("keys").as_array()[0].at("x").as_string()),
                                   {{"kid", "hector-key-1"}}))
            .ok());
    // A key of someone else presented under our kid, and our alg with an unknown kid.
    TestIdp idp;
    idp.add_key("hector-key-1", TestIdp::Alg::es256);
    EXPECT_FALSE(check(idp.sign("hector-key-1", claims)).ok());
    EXPECT_FALSE(check(replace_segment(good, 0, {{"alg", "ES256"}, {"typ", "JWT"}, {"kid", "hector-key-9"}})).ok());
    // Tampered payload (another app), and a signature from another payload.
    auto other = claims;
    other["sub"] = other["tenant_id"] = "app2";
    EXPECT_FALSE(check(replace_segment(good, 1, other)).ok());
    auto good2 = tokens_.issue("app2", 1).value();
    EXPECT_FALSE(check(good.substr(0, good.rfind('.')) + good2.substr(good2.rfind('.'))).ok());
    // A flipped signature bit.
    auto flipped = good;
    flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
    EXPECT_FALSE(check(flipped).ok());
}

TEST_F(AppTokenTest, ClaimsMustBeOurs) {
    auto signer = ring_.signer().value();
    auto sign = [&](json::object claims) {
        json::object header{{"alg", "ES256"}, {"typ", "JWT"}, {"kid", signer.kid}};
        auto input = jwt_signing_input(header, claims);
        return input + "." + base64url_encode(signer.key.sign(Algorithm::es256, input).value());
    };
    json::object base{{"iss", "hector"}, {"sub", "a"}, {"tenant_id", "a"}, {"ver", 1}};
    EXPECT_TRUE(check(sign(base)).ok());  // the helper itself makes valid tokens
    auto wrong_iss = base;
    wrong_iss["iss"] = "https://idp.example.com";
    EXPECT_FALSE(check(sign(wrong_iss)).ok());
    auto mismatch = base;
    mismatch["tenant_id"] = "b";
    EXPECT_FALSE(check(sign(mismatch)).ok());
    auto no_ver = base;
    no_ver.erase("ver");
    EXPECT_FALSE(check(sign(no_ver)).ok());
    auto expired = base;
    expired["exp"] = unix_seconds(Clock::now()) - 300;
    EXPECT_FALSE(check(sign(expired)).ok());
}

TEST_F(AppTokenTest, RotationSignsWithTheNewKeyAndKeepsTheOldOneVerifying) {
    auto before = tokens_.issue("a", 1).value();
    ASSERT_TRUE(sync(ring_.rotate()).ok());
    EXPECT_EQ(ring_.signer()->kid, "hector-key-2");
    auto after = tokens_.issue("a", 1).value();
    EXPECT_EQ(segment(after, 0).at("kid"), "hector-key-2");
    EXPECT_TRUE(check(before).ok());
    EXPECT_TRUE(check(after).ok());
    EXPECT_EQ(ring_.jwks().at("keys").as_array().size(), 2u);
    EXPECT_EQ(key_number("hector-key-12"), 12);
    EXPECT_EQ(key_number("hector-key-x"), 0);
    EXPECT_EQ(key_number("other"), 0);
}

TEST_F(AppTokenTest, AnotherRingOnTheSameStoreUsesTheSameKey) {
    KeyRing second(store_);
    ASSERT_TRUE(sync(second.load()).ok());
    AppTokens other(second, std::nullopt);
    auto token = other.issue("a", 1).value();
    EXPECT_TRUE(check(token).ok());
}

}  // namespace
}  // namespace hector::auth
