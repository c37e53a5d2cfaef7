// The authenticator (credential order, app token revocation, API keys, path exclusions, CLI flags) and the
// external JWT verifier against a local JWKS server.
#include "hector/auth/authenticator.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "auth_test_util.hpp"
#include "hector/auth/app_tokens.hpp"
#include "hector/auth/external_jwt.hpp"
#include "hector/net/http_client.hpp"
#include "hector/store/memory/memory_app_store.hpp"
#include "support/test_idp.hpp"

namespace hector::auth {
namespace {

namespace json = boost::json;

using test::JwksServer;
using test::TestIdp;
using testing::sync;
using namespace std::chrono_literals;

json::object idp_claims(std::string sub = "alice") {
    const auto now = unix_seconds(Clock::now());
    return {
        {"iss", "https://idp.test"}, {"aud", "hector-api"}, {"sub", std::move(sub)}, {"iat", now}, {"exp", now + 600}};
}

class AuthenticatorTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(sync(ring_.load()).ok());
        idp_.add_key("rsa-1", TestIdp::Alg::rs256);
        idp_.add_key("ec-1", TestIdp::Alg::es256);
        idp_.add_key("rsa-2", TestIdp::Alg::rs256);
        jwks_.set(idp_.jwks({"rsa-1", "ec-1"}));
        ExternalJwtSettings s;
        s.jwks_url = jwks_.url();
        s.issuer = "https://idp.test";
        s.audience = "hector-api";
        s.min_refetch_gap = 500ms;
        external_ = std::make_unique<ExternalJwtVerifier>(http_, s);
        AuthSettings settings;
        settings.admin_secret = "admin-secret";
        settings.api_keys = {"key-one", "key-two"};
        auth_ = std::make_unique<Authenticator>(settings, &tokens_, external_.get(), [this](std::string_view id) {
            auto it = versions_.find(std::string(id));
            return it == versions_.end() ? std::nullopt : std::optional<std::int64_t>(it->second);
        });
    }

    Principal who(const std::string& header) { return sync(auth_->authenticate(header)); }
    Principal bearer(const std::string& token) { return who("Bearer " + token); }

    store::MemorySigningKeyStore keys_;
    KeyRing ring_{keys_};
    AppTokens tokens_{ring_, std::nullopt};
    std::map<std::string, std::int64_t> versions_{{"app1", 2}, {"app2", 1}};
    TestIdp idp_;
    JwksServer jwks_;
    net::HttpClient http_;
    std::unique_ptr<ExternalJwtVerifier> external_;
    std::unique_ptr<Authenticator> auth_;
};

TEST_F(AuthenticatorTest, AdminSecretAndApiKeys) {
    auto admin = who("Bearer admin-secret");
    EXPECT_TRUE(admin.admin());
    EXPECT_EQ(admin.role, "admin");
    EXPECT_EQ(admin.app_id, "default");
    EXPECT_TRUE(who("bearer admin-secret").admin());  // the scheme is case-insensitive
    EXPECT_FALSE(who("Bearer admin-secretx").authenticated());
    EXPECT_FALSE(who("Basic admin-secret").authenticated());
    EXPECT_FALSE(who("admin-secret").authenticated());
    EXPECT_FALSE(who("").authenticated());

    auto service = who("Bearer key-two");
    EXPECT_EQ(service.kind, Principal::Kind::service);
    EXPECT_EQ(service.app_id, "default");
    EXPECT_FALSE(who("Bearer key-three").authenticated());
}

TEST_F(AuthenticatorTest, AppTokensScopeToTheirAppUntilRevoked) {
    auto current = bearer(tokens_.issue("app1", 2).value());
    EXPECT_EQ(current.kind, Principal::Kind::app);
    EXPECT_EQ(current.app_id, "app1");
    EXPECT_TRUE(current.authenticated());
    EXPECT_FALSE(current.admin());

    auto stale = bearer(tokens_.issue("app1", 1).value());  // regenerated since
    EXPECT_EQ(stale.app_id, "app1");
    EXPECT_TRUE(stale.rejected);
    EXPECT_FALSE(stale.authenticated());

    auto deleted = bearer(tokens_.issue("gone", 1).value());
    EXPECT_TRUE(deleted.rejected);

    // A forged app token is no credential at all (anonymous, default app).
    auto forged =
        bearer(TestIdp::unsigned_token({{"iss", "hector"}, {"sub", "app1"}, {"tenant_id", "app1"}, {"ver", 2}},
                                       {{"alg", "none"}, {"kid", "hector-key-1"}}));
    EXPECT_EQ(forged.kind, Principal::Kind::anonymous);
    EXPECT_EQ(forged.app_id, "default");
    EXPECT_FALSE(forged.rejected);
}

TEST_F(AuthenticatorTest, ExternalTokensWithRs256AndEs256) {
    for (auto kid : {"rsa-1", "ec-1"}) {
        auto claims = idp_claims();
        claims["roles"] = json::array{"operator", "viewer"};
        auto user = bearer(idp_.sign(kid, claims));
        EXPECT_EQ(user.kind, Principal::Kind::user) << kid;
        EXPECT_EQ(user.user_id, "alice");
        EXPECT_EQ(user.app_id, "default");
        EXPECT_EQ(user.role, "operator");
        EXPECT_EQ(user.roles, (std::vector<std::string>{"operator", "viewer"}));
    }
    auto claims = idp_claims("bob");
    claims["role"] = "admin";
    auto bob = bearer(idp_.sign("rsa-1", claims));
    EXPECT_EQ(bob.role, "admin");
    EXPECT_FALSE(bob.admin());  // only the admin secret is the admin

    auto array_aud = idp_claims();
    array_aud["aud"] = json::array{"other", "hector-api"};
    EXPECT_TRUE(bearer(idp_.sign("ec-1", array_aud)).authenticated());
}

TEST_F(AuthenticatorTest, ExternalTokensThatFailEveryCheck) {
    auto with = [&](const char* key, json::value v) {
        auto c = idp_claims();
        if (v.is_null())
            c.erase(key);
        else
            c[key] = std::move(v);
        return bearer(idp_.sign("rsa-1", c)).authenticated();
    };
    EXPECT_TRUE(with("sub", "carol"));
    EXPECT_FALSE(with("iss", "https://evil.test"));
    EXPECT_FALSE(with("aud", "someone-else"));
    EXPECT_FALSE(with("aud", nullptr));
    EXPECT_FALSE(with("exp", unix_seconds(Clock::now()) - 300));
    EXPECT_FALSE(with("nbf", unix_seconds(Clock::now()) + 300));
    EXPECT_FALSE(with("sub", nullptr));
    // The key says RS256; the token claims ES256 (and the reverse): refused.
    auto token = idp_.sign("rsa-1", idp_claims());
    EXPECT_FALSE(bearer(testing::replace_segment(token, 0, {{"alg", "ES256"}, {"kid", "rsa-1"}})).authenticated());
    EXPECT_FALSE(bearer(TestIdp::hs256_token(idp_claims(), idp_.jwks(), {{"kid", "rsa-1"}})).authenticated());
    EXPECT_FALSE(bearer(TestIdp::unsigned_token(idp_claims())).authenticated());
}

TEST_F(AuthenticatorTest, TenantClaimSelectsTheApp) {
    auto claims = idp_claims();
    claims["tenant_id"] = "app2";
    auto scoped = bearer(idp_.sign("ec-1", claims));
    EXPECT_EQ(scoped.app_id, "app2");
    EXPECT_TRUE(scoped.authenticated());
    claims["tenant_id"] = "nope";
    EXPECT_TRUE(bearer(idp_.sign("ec-1", claims)).rejected);
}

TEST_F(AuthenticatorTest, UnknownKidRefetchesTheJwksAtMostOncePerGap) {
    ASSERT_TRUE(bearer(idp_.sign("rsa-1", idp_claims())).authenticated());
    const auto after_first = jwks_.fetches();
    EXPECT_EQ(after_first, 1u);

    // rsa-2 is not published yet: one refetch, still unknown, refused.
    EXPECT_FALSE(bearer(idp_.sign("rsa-2", idp_claims())).authenticated());
    EXPECT_EQ(jwks_.fetches(), after_first + 1);
    // A flood of unknown kids within the gap causes no further fetch.
    for (int i = 0; i < 5; ++i) EXPECT_FALSE(bearer(idp_.sign("rsa-2", idp_claims())).authenticated());
    EXPECT_EQ(jwks_.fetches(), after_first + 1);

    // The IdP rotates: rsa-2 published; after the gap the next unknown kid refetches and succeeds.
    jwks_.set(idp_.jwks());
    std::this_thread::sleep_for(600ms);
    EXPECT_TRUE(bearer(idp_.sign("rsa-2", idp_claims())).authenticated());
    EXPECT_EQ(jwks_.fetches(), after_first + 2);
}

TEST_F(AuthenticatorTest, AFailedFetchKeepsTheKnownKeys) {
    ASSERT_TRUE(bearer(idp_.sign("ec-1", idp_claims())).authenticated());
    jwks_.fail_with(500);
    std::this_thread::sleep_for(600ms);
    EXPECT_FALSE(bearer(idp_.sign("rsa-2", idp_claims())).authenticated());  // refetch fails
    EXPECT_TRUE(bearer(idp_.sign("ec-1", idp_claims())).authenticated());    // old keys still work
}

TEST(ParseJwks, SkipsKeysThatAreNotForSignaturesOrNotAccepted) {
    TestIdp idp;
    idp.add_key("ok", TestIdp::Alg::es256);
    auto enc = idp.jwk("ok");
    enc["use"] = "enc";
    enc["kid"] = "enc";
    auto ps = idp.jwk("ok");
    ps["alg"] = "ES384";
    ps["kid"] = "es384";
    json::object doc{{"keys", json::array{idp.jwk("ok"), enc, ps, json::object{{"kty", "oct"}}, 42}}};
    auto keys = parse_jwks(json::serialize(doc));
    ASSERT_TRUE(keys.ok());
    ASSERT_EQ(keys->size(), 1u);
    EXPECT_EQ(keys->front().kid, "ok");
    EXPECT_FALSE(parse_jwks(R"({"nokeys":[]})").ok());
    EXPECT_FALSE(parse_jwks("[]").ok());
}

TEST(PathMatches, ExactOrPrefixWithSlashStar) {
    std::vector<std::string> p{"/health", "/public/*"};
    EXPECT_TRUE(path_matches("/health", p));
    EXPECT_FALSE(path_matches("/health/x", p));
    EXPECT_FALSE(path_matches("/healthz", p));
    EXPECT_TRUE(path_matches("/public", p));
    EXPECT_TRUE(path_matches("/public/a/b", p));
    EXPECT_FALSE(path_matches("/publicity", p));
}

TEST(AuthSettingsFromConfig, BuiltInExclusionsAndEnabledGate) {
    config::Config c;
    c.server.auth.api_keys = {"k"};
    c.server.auth.excluded_paths = {"/custom/*"};
    c.observability.metrics.endpoint = "/prom";
    auto off = auth_settings(c, "s");
    EXPECT_TRUE(off.api_keys.empty());  // api_keys count only with enabled: true
    EXPECT_FALSE(off.require_auth);
    c.server.auth.enabled = true;
    auto on = auth_settings(c, "s");
    EXPECT_EQ(on.api_keys, std::vector<std::string>{"k"});
    EXPECT_TRUE(on.require_auth);
    Authenticator a(on, nullptr, nullptr, nullptr);
    for (auto path : {"/health", "/.well-known/agent-card.json", "/agents", "/agents/x", "/schema", "/api/schema",
                      "/prom", "/webhooks/x", "/admin/apps", "/custom/thing"})
        EXPECT_FALSE(a.anonymous_refused(path)) << path;
    for (auto path : {"/tasks/t/toolCalls/c/cancel", "/api/tasks/t/toolCalls/c/cancel", "/metrics", "/nope"})
        EXPECT_TRUE(a.anonymous_refused(path)) << path;
}

TEST(CliFlags, OverrideTheFileAndAPartialTripleTurnsJwtOff) {
    config::AuthConfig auth;
    CliAuthFlags flags;
    flags.jwks_url = "https://idp/jwks";
    flags.issuer = "https://idp";
    flags.audience = "api";
    flags.client_id = "cli";
    flags.required = false;
    EXPECT_TRUE(apply_cli_flags(auth, flags).empty());
    EXPECT_TRUE(auth.enabled);
    EXPECT_EQ(auth.client_id, "cli");
    EXPECT_FALSE(auth.require_auth);

    config::AuthConfig partial;
    CliAuthFlags only_url;
    only_url.jwks_url = "https://idp/jwks";
    auto warnings = apply_cli_flags(partial, only_url);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("--auth-issuer"), std::string::npos);
    EXPECT_FALSE(partial.enabled);
    EXPECT_TRUE(partial.jwks_url.empty());

    config::AuthConfig from_file;
    from_file.enabled = true;
    from_file.jwks_url = "https://old/jwks";
    from_file.issuer = "https://old";
    from_file.audience = "api";
    CliAuthFlags new_issuer;
    new_issuer.issuer = "https://new";
    EXPECT_TRUE(apply_cli_flags(from_file, new_issuer).empty());
    EXPECT_EQ(from_file.issuer, "https://new");
    EXPECT_EQ(from_file.jwks_url, "https://old/jwks");
}

}  // namespace
}  // namespace hector::auth
