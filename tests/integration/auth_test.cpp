// Authentication against the real binary (server.md §3, §6.3–6.5): forged and revoked app tokens, an external
// identity provider (RS256 and ES256 keys from a local JWKS server, refreshed on an unknown kid), API keys,
// require_auth with exclusions, the visibility table, and what /health and cards report.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "hector/common/time.hpp"
#include "support/process.hpp"
#include "support/test_idp.hpp"
#include "tenancy_util.hpp"

namespace hector::test {
namespace {

using namespace tenancy;

constexpr const char* kSecret = "s3cret-admin";

// ---- app tokens: every forgery is refused ------------------------------------------------------------------

constexpr const char* kAppConfig = R"({"agents":{"bot":{"name":"Bot","instruction":"Be brief"}}})";

class AppTokens : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        // In-memory storage keeps the signing key in .hector/keys/, where this test can read it to sign tokens
        // that are valid in every respect but one.
        server_ =
            new HectorServer({.config_yaml = "llms:\n  default: {provider: echo}\nagents:\n  helper: {name: Helper}\n",
                              .args = {"--auth-secret", kSecret, "--storage", "inmemory"}});
        auto r = call(server_->port(), "POST", "/admin/apps", kSecret,
                      json::serialize(json::object{{"name", "t"}, {"config_json", kAppConfig}}));
        ASSERT_EQ(r.status, 201) << r.body;
        app_ = new json::object(body_of(r));
        std::ifstream in(server_->cwd() + "/.hector/keys/hector-key-1.json");
        std::stringstream ss;
        ss << in.rdbuf();
        auto key = json::parse(ss.str()).as_object();
        idp_ = new TestIdp();
        idp_->add_pem_key("hector-key-1", std::string(key.at("private_pem").as_string()), TestIdp::Alg::es256);
    }
    static void TearDownTestSuite() {
        delete idp_;
        delete app_;
        delete server_;
    }
    static int port() { return server_->port(); }
    static std::string app_id() { return std::string(app_->at("app").at("id").as_string()); }
    static std::string token() { return std::string(app_->at("access_token").as_string()); }
    static json::object claims() { return jwt_segment(token(), 1); }

    /// A forged token must not authenticate: the admin API answers 401 (a valid app token gets 403) and
    /// discovery treats the caller as anonymous (the default app's agents).
    static void expect_refused(const std::string& forged, const std::string& what) {
        EXPECT_EQ(call(port(), "GET", "/admin/apps", forged).status, 401) << what;
        EXPECT_EQ(agent_names(port(), forged), std::vector<std::string>{"Helper"}) << what;
    }
    static HectorServer* server_;
    static json::object* app_;
    static TestIdp* idp_;
};
HectorServer* AppTokens::server_ = nullptr;
json::object* AppTokens::app_ = nullptr;
TestIdp* AppTokens::idp_ = nullptr;

TEST_F(AppTokens, TheIssuedTokenWorksAndTheTestCanSignLikeTheServer) {
    EXPECT_EQ(call(port(), "GET", "/admin/apps", token()).status, 403);
    EXPECT_EQ(agent_names(port(), token()), std::vector<std::string>{"Bot"});
    // The key read from .hector/keys signs tokens the server accepts: the forgeries below differ in one thing.
    auto resigned = idp_->sign("hector-key-1", claims());
    EXPECT_EQ(agent_names(port(), resigned), std::vector<std::string>{"Bot"});
}

TEST_F(AppTokens, ForgeriesAreAnonymous) {
    const auto c = claims();
    const std::string jwks = get(port(), "/admin/jwks").body;
    const auto jwk = body_of(get(port(), "/admin/jwks")).at("keys").at(0).as_object();
    expect_refused(TestIdp::unsigned_token(c), "alg none");
    expect_refused(TestIdp::unsigned_token(c, {{"alg", "none"}, {"typ", "JWT"}, {"kid", "hector-key-1"}}),
                   "alg none with our kid");
    expect_refused(TestIdp::hs256_token(c, jwks, {{"kid", "hector-key-1"}}), "HS256 keyed with the JWKS");
    expect_refused(TestIdp::hs256_token(c, json::serialize(jwk), {{"kid", "hector-key-1"}}),
                   "HS256 keyed with the JWK");
    expect_refused(idp_->sign("hector-key-1", c, {{"kid", "hector-key-7"}}), "unknown kid");
    TestIdp other;
    other.add_key("hector-key-1", TestIdp::Alg::es256);
    expect_refused(other.sign("hector-key-1", c), "another key under our kid");
    // Tampered payload: the signature of the real token on a payload naming another tenant.
    auto t = token();
    auto first = t.find('.'), second = t.find('.', first + 1);
    auto tampered_claims = c;
    tampered_claims["ver"] = 99;
    std::string tampered =
        t.substr(0, first + 1) + base64url_encode(json::serialize(tampered_claims)) + t.substr(second);
    expect_refused(tampered, "tampered payload");
    // Valid signatures over wrong claims.
    auto wrong_iss = c;
    wrong_iss["iss"] = "https://elsewhere";
    expect_refused(idp_->sign("hector-key-1", wrong_iss), "wrong issuer");
    auto expired = c;
    expired["exp"] = json::value_from(unix_seconds(Clock::now()) - 120);
    expect_refused(idp_->sign("hector-key-1", expired), "expired");
    auto mismatch = c;
    mismatch["tenant_id"] = "someone-else";
    expect_refused(idp_->sign("hector-key-1", mismatch), "sub != tenant_id");
    expect_refused("not-a-token", "garbage");
    expect_refused(t + "x", "extended signature");
}

TEST_F(AppTokens, RevokedVersionAndDeletedAppGet401) {
    // A token of an older version (signed correctly) is revoked.
    auto stale = claims();
    stale["ver"] = 0;
    auto old = call(port(), "GET", "/agents", idp_->sign("hector-key-1", stale));
    EXPECT_EQ(old.status, 401);
    EXPECT_EQ(old.body, R"({"error":"Unauthorized"})");
    EXPECT_EQ(old.header("www-authenticate"), "Bearer");
    // Revoked or not, it never reaches the admin API.
    EXPECT_EQ(call(port(), "GET", "/admin/apps", idp_->sign("hector-key-1", stale)).status, 401);

    // A token for an app that does not exist (or no longer does).
    auto ghost = claims();
    ghost["sub"] = ghost["tenant_id"] = "ghostghostghost";
    EXPECT_EQ(call(port(), "GET", "/agents", idp_->sign("hector-key-1", ghost)).status, 401);
    auto other = body_of(call(port(), "POST", "/admin/apps", kSecret, R"({"name":"short-lived"})"));
    const std::string other_token(other.at("access_token").as_string());
    ASSERT_EQ(call(port(), "GET", "/agents", other_token).status, 200);
    ASSERT_EQ(
        call(port(), "DELETE", "/admin/apps/" + std::string(other.at("app").at("id").as_string()), kSecret).status,
        204);
    EXPECT_EQ(call(port(), "GET", "/agents", other_token).status, 401);
    EXPECT_EQ(rpc(port(), "bot", other_token, "tasks/get", json::object{{"id", "x"}}).status, 401);
    EXPECT_EQ(call(port(), "POST", "/tasks/x/toolCalls/y/cancel", other_token).status, 401);
}

TEST(AppTokenTtl, ExpIsSetFromTheConfig) {
    HectorServer server({.config_yaml = "server:\n  auth:\n    app_token_ttl: 2h\n",
                         .args = {"--auth-secret", kSecret, "--storage", "inmemory"}});
    auto r = call(server.port(), "POST", "/admin/apps", kSecret, R"({"name":"ttl"})");
    ASSERT_EQ(r.status, 201) << r.body;
    auto c = jwt_segment(std::string(body_of(r).at("access_token").as_string()), 1);
    EXPECT_EQ(c.at("exp").as_int64() - c.at("iat").as_int64(), 7200);
}

TEST(SigningKey, SurvivesARestartWithInMemoryStorage) {
    TempDir dir;
    std::string token, jwks;
    {
        HectorServer first(
            {.config_yaml = "", .args = {"--auth-secret", kSecret, "--storage", "inmemory"}, .cwd = dir.path()});
        jwks = get(first.port(), "/admin/jwks").body;
    }
    HectorServer second(
        {.config_yaml = "", .args = {"--auth-secret", kSecret, "--storage", "inmemory"}, .cwd = dir.path()});
    EXPECT_EQ(get(second.port(), "/admin/jwks").body, jwks);
}

// Without the admin API the keys load on first need: an app token issued by an instance with the admin API (here:
// an earlier run on the same database) is honoured, and the JWKS is the same.
TEST(SigningKey, LoadOnFirstNeedWithoutTheAdminApi) {
    TempDir dir;
    std::string token, jwks;
    {
        HectorServer admin({.config_yaml = "", .args = {"--auth-secret", kSecret}, .cwd = dir.path()});
        auto r = call(admin.port(), "POST", "/admin/apps", kSecret,
                      R"({"name":"lazy","config_json":"{\"llms\":{\"m\":{\"provider\":\"echo\"}},)"
                      R"(\"agents\":{\"appbot\":{\"llm\":\"m\"}}}"})");
        ASSERT_EQ(r.status, 201) << r.body;
        token = std::string(body_of(r).at("access_token").as_string());
        jwks = get(admin.port(), "/admin/jwks").body;
    }
    HectorServer plain({.config_yaml = "", .cwd = dir.path()});
    auto agents = get(plain.port(), "/agents", {{"Authorization", "Bearer " + token}});
    ASSERT_EQ(agents.status, 200) << agents.body;
    const auto parsed = json::parse(agents.body);
    const auto& list = parsed.at("agents").as_array();

    ASSERT_EQ(list.size(), 1u) << agents.body;
    EXPECT_EQ(list.at(0).at("name"), "appbot");
    EXPECT_EQ(get(plain.port(), "/admin/jwks").body, jwks);
}

// ---- an external identity provider --------------------------------------------------------------------------

json::object idp_claims(const std::string& sub = "alice") {
    const auto now = unix_seconds(Clock::now());
    return {{"iss", "https://idp.test"}, {"aud", "hector-api"}, {"sub", sub}, {"iat", now}, {"exp", now + 600}};
}

class ExternalJwt : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        idp_ = new TestIdp();
        idp_->add_key("rsa-1", TestIdp::Alg::rs256);
        idp_->add_key("ec-1", TestIdp::Alg::es256);
        idp_->add_key("rotated", TestIdp::Alg::rs256);
        idp_->add_key("late", TestIdp::Alg::es256);
        jwks_ = new JwksServer();
        jwks_->set(idp_->jwks({"rsa-1", "ec-1"}));
        const std::string config = R"(
llms:
  default: {provider: echo}
agents:
  pub: {name: Pub, visibility: public}
  inner: {name: Inner, visibility: internal}
  hidden: {name: Hidden, visibility: private}
server:
  auth:
    enabled: true
    jwks_url: )" + jwks_->url() + R"(
    issuer: https://idp.test
    audience: hector-api
    client_id: hector-ui
    require_auth: true
    api_keys: [service-key-1]
)";
        server_ = new HectorServer({.config_yaml = config, .args = {"--auth-secret", kSecret}});
    }
    static void TearDownTestSuite() {
        delete server_;
        delete jwks_;
        delete idp_;
    }
    static int port() { return server_->port(); }
    /// What a JSON-RPC call that needs no agent run answers: 200 (with -32001 for the unknown task) when the
    /// caller gets through, else the HTTP refusal.
    static int invoke(const std::string& agent, const std::string& token) {
        auto r = rpc(port(), agent, token, "tasks/get", json::object{{"id", "no-such-task"}});
        if (r.status == 200) {
            EXPECT_EQ(rpc_error(body_of(r)), -32001) << r.body;
        }
        return r.status;
    }
    static HectorServer* server_;
    static TestIdp* idp_;
    static JwksServer* jwks_;
};
HectorServer* ExternalJwt::server_ = nullptr;
TestIdp* ExternalJwt::idp_ = nullptr;
JwksServer* ExternalJwt::jwks_ = nullptr;

TEST_F(ExternalJwt, VisibilityTableWithRequireAuth) {
    const std::string rsa = idp_->sign("rsa-1", idp_claims());
    const std::string ec = idp_->sign("ec-1", idp_claims("bob"));
    // Listing: internal only for authenticated callers, private never.
    EXPECT_EQ(agent_names(port(), ""), std::vector<std::string>{"Pub"});
    for (const auto& token : {rsa, ec, std::string("service-key-1"), std::string(kSecret)})
        EXPECT_EQ(agent_names(port(), token), (std::vector<std::string>{"Pub", "Inner"})) << token;
    // Cards: public for anyone, internal 401 anonymous, private 404.
    EXPECT_EQ(get(port(), "/agents/pub").status, 200);
    auto inner_card = get(port(), "/agents/inner");
    EXPECT_EQ(inner_card.status, 401);
    EXPECT_EQ(inner_card.body, R"({"error":"Unauthorized"})");
    EXPECT_EQ(call(port(), "GET", "/agents/inner", rsa).status, 200);
    EXPECT_EQ(call(port(), "GET", "/agents/hidden", rsa).status, 404);
    EXPECT_EQ(get(port(), "/.well-known/agent-card.json").status, 200);
    // Invoking: require_auth makes even public agents 401 for anonymous callers.
    EXPECT_EQ(invoke("pub", ""), 401);
    EXPECT_EQ(invoke("inner", ""), 401);
    EXPECT_EQ(invoke("hidden", ""), 404);
    for (const auto& token : {rsa, ec, std::string("service-key-1")}) {
        EXPECT_EQ(invoke("pub", token), 200);
        EXPECT_EQ(invoke("inner", token), 200);
        EXPECT_EQ(invoke("hidden", token), 404);
    }
    // An invalid token makes the caller anonymous: fine where auth is optional, 401 where it is required.
    EXPECT_EQ(agent_names(port(), "invalid.token.here"), std::vector<std::string>{"Pub"});
    EXPECT_EQ(invoke("pub", "invalid.token.here"), 401);
    EXPECT_EQ(invoke("pub", "service-key-2"), 401);
}

TEST_F(ExternalJwt, TokensFailingAnyCheckAre401) {
    auto with = [](const char* key, json::value v) {
        auto c = idp_claims();
        c[key] = std::move(v);
        return idp_->sign("rsa-1", c);
    };
    EXPECT_EQ(invoke("pub", with("sub", "carol")), 200);  // the helper makes good tokens
    EXPECT_EQ(invoke("pub", with("iss", "https://other.test")), 401);
    EXPECT_EQ(invoke("pub", with("aud", "other-api")), 401);
    EXPECT_EQ(invoke("pub", with("aud", json::array{"x", "hector-api"})), 200);
    EXPECT_EQ(invoke("pub", with("exp", unix_seconds(Clock::now()) - 120)), 401);
    EXPECT_EQ(invoke("pub", with("exp", unix_seconds(Clock::now()) - 30)), 200);  // 60 s skew
    EXPECT_EQ(invoke("pub", with("nbf", unix_seconds(Clock::now()) + 600)), 401);
    EXPECT_EQ(invoke("pub", TestIdp::unsigned_token(idp_claims())), 401);
    EXPECT_EQ(invoke("pub", TestIdp::hs256_token(idp_claims(), idp_->jwks(), {{"kid", "rsa-1"}})), 401);
    TestIdp stranger;
    stranger.add_key("rsa-1", TestIdp::Alg::rs256);
    EXPECT_EQ(invoke("pub", stranger.sign("rsa-1", idp_claims())), 401);  // a key the IdP never published
}

TEST_F(ExternalJwt, AnUnknownKidRefetchesTheJwks) {
    // A key published after the server fetched the JWKS is picked up by the first token that names it.
    const auto before = jwks_->fetches();
    jwks_->set(idp_->jwks({"rsa-1", "ec-1", "late"}));
    EXPECT_EQ(invoke("pub", idp_->sign("late", idp_claims())), 200);
    EXPECT_EQ(jwks_->fetches(), before + 1);

    const std::string token = idp_->sign("rotated", idp_claims());
    EXPECT_EQ(invoke("pub", token), 401);  // not published yet
    const auto fetches = jwks_->fetches();
    for (int i = 0; i < 5; ++i) EXPECT_EQ(invoke("pub", token), 401);
    EXPECT_EQ(jwks_->fetches(), fetches);  // rate-limited: no fetch per request
    jwks_->set(idp_->jwks());              // the IdP rotates its keys
    bool accepted = false;
    for (int i = 0; i < 30 && !accepted; ++i) {  // the rate limit lets the next refetch through within seconds
        accepted = invoke("pub", token) == 200;
        if (!accepted) std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    EXPECT_TRUE(accepted);
    EXPECT_EQ(invoke("pub", idp_->sign("rsa-1", idp_claims())), 200);  // the other keys still work
}

TEST_F(ExternalJwt, ATenantClaimSelectsTheApp) {
    auto created = call(port(), "POST", "/admin/apps", kSecret,
                        json::serialize(json::object{{"name", "idp-tenant"}, {"config_json", kAppConfig}}));
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string id(body_of(created).at("app").at("id").as_string());
    auto c = idp_claims();
    c["tenant_id"] = id;
    EXPECT_EQ(agent_names(port(), idp_->sign("ec-1", c)), std::vector<std::string>{"Bot"});
    c["tenant_id"] = "no-such-app";
    EXPECT_EQ(call(port(), "GET", "/agents", idp_->sign("ec-1", c)).status, 401);
    // An IdP user is not the admin, whatever its role claims say.
    c = idp_claims();
    c["role"] = "admin";
    EXPECT_EQ(call(port(), "GET", "/admin/apps", idp_->sign("ec-1", c)).status, 403);
}

TEST_F(ExternalJwt, RequireAuthAppliesOutsideTheExclusions) {
    EXPECT_EQ(get(port(), "/health").status, 200);
    EXPECT_EQ(get(port(), "/schema").status, 200);
    EXPECT_EQ(get(port(), "/admin/jwks").status, 200);
    auto cancel = call(port(), "POST", "/tasks/t1/toolCalls/c1/cancel", "");
    EXPECT_EQ(cancel.status, 401);
    EXPECT_EQ(cancel.header("www-authenticate"), "Bearer");
    EXPECT_EQ(call(port(), "POST", "/tasks/t1/toolCalls/c1/cancel", "service-key-1").status, 404);
    EXPECT_EQ(get(port(), "/no-such-path").status, 401);
}

TEST_F(ExternalJwt, HealthAndCardsDescribeTheSetupWithoutSecrets) {
    auto r = get(port(), "/health");
    auto health = body_of(r);
    const auto& auth = health.at("auth").as_object();
    EXPECT_EQ(auth.at("enabled"), true);
    EXPECT_EQ(auth.at("type"), "jwt");
    EXPECT_EQ(auth.at("issuer"), "https://idp.test");
    EXPECT_EQ(auth.at("audience"), "hector-api");
    EXPECT_EQ(auth.at("client_id"), "hector-ui");
    EXPECT_EQ(auth.at("admin"), true);
    EXPECT_EQ(health.at("admin").at("enabled"), true);
    EXPECT_EQ(r.body.find(kSecret), std::string::npos);
    EXPECT_EQ(r.body.find("service-key-1"), std::string::npos);
    auto card = body_of(get(port(), "/agents/pub"));
    EXPECT_EQ(
        card.at("securitySchemes"),
        (json::object{{"BearerAuth", json::object{{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}}}));
    EXPECT_EQ(card.at("security"), (json::array{json::object{{"BearerAuth", json::array{}}}}));
}

// ---- other setups ------------------------------------------------------------------------------------------

constexpr const char* kVisibilityConfig = R"(
llms:
  default: {provider: echo}
agents:
  pub: {name: Pub}
  inner: {name: Inner, visibility: internal}
  hidden: {name: Hidden, visibility: private}
)";

int invoke_on(int port, const std::string& agent, const std::string& token) {
    return rpc(port, agent, token, "tasks/get", json::object{{"id", "no-such-task"}}).status;
}

TEST(Visibility, WithoutAuthInternalIsPublic) {
    HectorServer server({.config_yaml = kVisibilityConfig});
    EXPECT_EQ(agent_names(server.port(), ""), (std::vector<std::string>{"Pub", "Inner"}));
    EXPECT_EQ(get(server.port(), "/agents/inner").status, 200);
    EXPECT_EQ(invoke_on(server.port(), "pub", ""), 200);
    EXPECT_EQ(invoke_on(server.port(), "inner", ""), 200);
    EXPECT_EQ(invoke_on(server.port(), "hidden", ""), 404);
    EXPECT_FALSE(body_of(get(server.port(), "/agents/pub")).contains("securitySchemes"));
}

TEST(Visibility, AdminSecretAloneActivatesAuthButDoesNotRequireIt) {
    HectorServer server({.config_yaml = kVisibilityConfig, .args = {"--auth-secret", kSecret}});
    EXPECT_EQ(agent_names(server.port(), ""), std::vector<std::string>{"Pub"});
    EXPECT_EQ(agent_names(server.port(), kSecret), (std::vector<std::string>{"Pub", "Inner"}));
    EXPECT_EQ(invoke_on(server.port(), "pub", ""), 200);
    EXPECT_EQ(invoke_on(server.port(), "inner", ""), 401);
    EXPECT_EQ(invoke_on(server.port(), "inner", kSecret), 200);
    EXPECT_EQ(invoke_on(server.port(), "hidden", kSecret), 404);
    EXPECT_EQ(call(server.port(), "POST", "/tasks/t/toolCalls/c/cancel", "").status, 404);  // not required
    auto health = body_of(get(server.port(), "/health"));
    EXPECT_EQ(health.at("auth").at("issuer"), "hector");
}

TEST(ApiKeys, AloneAreAValidSetupAndExclusionsAreHonoured) {
    HectorServer server({.config_yaml = std::string(kVisibilityConfig) + R"(
server:
  auth:
    enabled: true
    api_keys: [k-one, k-two]
    excluded_paths: [/health, /tasks/*]
)"});
    EXPECT_EQ(invoke_on(server.port(), "pub", ""), 401);
    EXPECT_EQ(invoke_on(server.port(), "pub", "k-two"), 200);
    EXPECT_EQ(invoke_on(server.port(), "inner", "k-one"), 200);
    EXPECT_EQ(invoke_on(server.port(), "pub", "k-three"), 401);
    EXPECT_EQ(call(server.port(), "POST", "/tasks/t/toolCalls/c/cancel", "").status, 404);  // excluded
    auto health = get(server.port(), "/health");
    EXPECT_EQ(body_of(health).at("auth").at("type"), "api_key");
    EXPECT_EQ(health.body.find("k-one"), std::string::npos);
    EXPECT_FALSE(body_of(health).contains("admin"));
}

TEST(CliFlags, OverrideTheFileAndAPartialTripleWarns) {
    JwksServer jwks;
    TestIdp idp;
    idp.add_key("k", TestIdp::Alg::es256);
    jwks.set(idp.jwks());
    HectorServer full({.config_yaml = kVisibilityConfig,
                       .args = {"--auth-jwks-url", jwks.url(), "--auth-issuer", "https://idp.test", "--auth-audience",
                                "hector-api", "--auth-client-id", "cli", "--no-auth-required"}});
    auto auth = body_of(get(full.port(), "/health")).at("auth").as_object();
    EXPECT_EQ(auth.at("type"), "jwt");
    EXPECT_EQ(auth.at("issuer"), "https://idp.test");
    EXPECT_EQ(auth.at("client_id"), "cli");
    EXPECT_EQ(invoke_on(full.port(), "pub", ""), 200);  // --no-auth-required
    EXPECT_EQ(invoke_on(full.port(), "inner", ""), 401);
    EXPECT_EQ(invoke_on(full.port(), "inner", idp.sign("k", idp_claims())), 200);

    HectorServer partial({.config_yaml = kVisibilityConfig, .args = {"--auth-jwks-url", jwks.url()}});
    EXPECT_TRUE(partial.process().wait_for_output("JWT auth stays off", std::chrono::seconds(5)));
    EXPECT_FALSE(body_of(get(partial.port(), "/health")).contains("auth"));
    EXPECT_EQ(invoke_on(partial.port(), "inner", idp.sign("k", idp_claims())), 200);  // no auth: internal = public
}

}  // namespace
}  // namespace hector::test
