// The foundation's HTTP surface over real HTTP against the real binary: health, schema, discovery and cards,
// visibility, CORS, routing errors.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/http_client.hpp"
#include "support/process.hpp"

namespace hector::test {
namespace {

namespace json = boost::json;

constexpr const char* kConfig = R"(
llms:
  default: {provider: echo}
agents:
  helper:
    name: Helper
    description: Helps with things
    visibility: public
    skills:
      - {id: summarise, name: Summarise, description: Summarises text, tags: [text, summary], examples: ["Summarise this"]}
    input_modes: [text/plain, application/json]
  ops:
    visibility: internal
  secret:
    visibility: private
server:
  cors:
    allowed_origins: ["https://app.example.com"]
)";

json::value parse(const std::string& s) {
    return json::parse(s);
}

class Discovery : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { server_ = new HectorServer({.config_yaml = kConfig}); }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }
    static int port() { return server_->port(); }
    static HectorServer* server_;
};
HectorServer* Discovery::server_ = nullptr;

TEST_F(Discovery, HealthAnswersOk) {
    auto r = get(port(), "/health");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type"), "application/json");
    auto body = parse(r.body).as_object();
    EXPECT_EQ(body.at("status"), "ok");
    EXPECT_FALSE(body.at("version").as_string().empty());
    EXPECT_EQ(body.at("studio_mode"), false);  // server.md §14.1
    // Feature objects only when the feature is on: no auth, admin secret, studio or document stores here.
    for (const auto* absent : {"auth", "admin", "studio", "rag"}) EXPECT_FALSE(body.contains(absent)) << absent;
    EXPECT_FALSE(r.header("x-request-id").empty());
}

TEST_F(Discovery, RequestIdIsEchoedOrReplaced) {
    EXPECT_EQ(get(port(), "/health", {{"X-Request-ID", "trace-123"}}).header("x-request-id"), "trace-123");
    auto r = get(port(), "/health", {{"X-Request-ID", std::string(300, 'a')}});
    EXPECT_EQ(r.header("x-request-id").size(), 36u);  // a fresh UUID instead of the oversized one
}

TEST_F(Discovery, AgentsListsVisibleAgentsWithTotal) {
    auto r = get(port(), "/agents");
    ASSERT_EQ(r.status, 200);
    auto body = parse(r.body).as_object();
    const auto& agents = body.at("agents").as_array();
    EXPECT_EQ(body.at("total").as_int64(), static_cast<std::int64_t>(agents.size()));
    std::vector<std::string> names;
    for (const auto& a : agents) names.emplace_back(a.at("name").as_string());
    // Without any auth configured, internal agents behave like public ones; private ones are never listed.
    EXPECT_EQ(names, (std::vector<std::string>{"Helper", "ops"}));
}

TEST_F(Discovery, CardIsAnExactA2aAgentCard) {
    auto r = get(port(), "/agents/helper");
    ASSERT_EQ(r.status, 200) << r.body;
    auto card = parse(r.body).as_object();
    EXPECT_EQ(card.at("protocolVersion"), "0.3.0");
    EXPECT_EQ(card.at("name"), "Helper");
    EXPECT_EQ(card.at("description"), "Helps with things");
    EXPECT_EQ(card.at("url"), "http://127.0.0.1/agents/helper");
    EXPECT_EQ(card.at("version"), "1.0.0");
    EXPECT_EQ(card.at("preferredTransport"), "JSONRPC");
    EXPECT_EQ(card.at("capabilities").at("streaming"), true);
    EXPECT_EQ(card.at("capabilities").at("pushNotifications"), true);
    EXPECT_EQ(card.at("defaultInputModes"), (json::array{"text/plain", "application/json"}));
    EXPECT_EQ(card.at("defaultOutputModes"), (json::array{"text/plain"}));
    const auto& skill = card.at("skills").as_array().at(0).as_object();
    EXPECT_EQ(skill.at("id"), "summarise");
    EXPECT_EQ(skill.at("tags"), (json::array{"text", "summary"}));
    EXPECT_EQ(skill.at("examples"), (json::array{"Summarise this"}));
    EXPECT_EQ(card.at("provider").at("organization"), "Hector");
    EXPECT_FALSE(card.contains("securitySchemes"));
    // The well-known variant serves the same card.
    EXPECT_EQ(parse(get(port(), "/agents/helper/.well-known/agent-card.json").body), json::value(card));
}

TEST_F(Discovery, AgentWithoutSkillsGetsOneAutomaticSkill) {
    auto card = parse(get(port(), "/agents/ops").body).as_object();
    const auto& skills = card.at("skills").as_array();
    ASSERT_EQ(skills.size(), 1u);
    EXPECT_EQ(skills[0].at("id"), "ops");
    EXPECT_EQ(skills[0].at("tags"), (json::array{"general", "assistant"}));
}

TEST_F(Discovery, WellKnownCardIsTheFirstNonPrivateAgent) {
    for (auto path : {"/.well-known/agent-card.json", "/.well-known/agent.json"}) {
        auto r = get(port(), path);
        ASSERT_EQ(r.status, 200);
        EXPECT_EQ(parse(r.body).at("name"), "Helper");
    }
}

TEST_F(Discovery, CardUrlFollowsHostAndTrustedForwardedHeaders) {
    auto direct = parse(get(port(), "/agents/helper", {{"Host", "agents.local:9000"}}).body);
    EXPECT_EQ(direct.at("url"), "http://agents.local:9000/agents/helper");
    // The test client is on loopback, which is a trusted proxy by default.
    auto proxied = parse(
        get(port(), "/agents/helper", {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "hector.example.com"}})
            .body);
    EXPECT_EQ(proxied.at("url"), "https://hector.example.com/agents/helper");
    // A Host header that could inject into the URL is not used.
    auto hostile = parse(get(port(), "/agents/helper", {{"Host", "evil.com/\"><script>"}}).body);
    EXPECT_EQ(hostile.at("url"), "http://localhost/agents/helper");
}

TEST_F(Discovery, UnknownAndPrivateAgentsAreNotFound) {
    for (auto path : {"/agents/nobody", "/agents/secret", "/agents/secret/.well-known/agent-card.json"}) {
        auto r = get(port(), path);
        EXPECT_EQ(r.status, 404) << path;
        EXPECT_EQ(parse(r.body), (json::value{{"error", "Not Found"}})) << path;
    }
}

TEST_F(Discovery, PathTraversalAndBadEncodingInName) {
    EXPECT_EQ(get(port(), "/agents/..%2F..%2Fetc%2Fpasswd").status, 404);
    EXPECT_EQ(get(port(), "/agents/../health").status, 404);
    EXPECT_EQ(get(port(), "/agents/%zz").status, 400);
    EXPECT_EQ(get(port(), "/agents/%C3%28").status, 404);  // invalid UTF-8 once decoded
}

TEST_F(Discovery, UnknownPathAndWrongMethod) {
    auto r = get(port(), "/nope");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(parse(r.body), (json::value{{"error", "Not Found"}}));
    auto m = request(port(), "DELETE", "/health");
    EXPECT_EQ(m.status, 405);
    EXPECT_NE(m.header("allow").find("GET"), std::string::npos);
    EXPECT_EQ(parse(m.body), (json::value{{"error", "Method Not Allowed"}}));
}

TEST_F(Discovery, SchemaIsServedOnBothPaths) {
    for (auto path : {"/schema", "/api/schema"}) {
        auto r = get(port(), path);
        ASSERT_EQ(r.status, 200) << path;
        auto s = parse(r.body).as_object();
        EXPECT_EQ(s.at("$schema"), "http://json-schema.org/draft-07/schema#");
        EXPECT_TRUE(s.at("properties").as_object().contains("agents"));
    }
}

TEST_F(Discovery, CorsPreflightAndDecoration) {
    auto pre = request(port(), "OPTIONS", "/agents", "",
                       {{"Origin", "https://app.example.com"}, {"Access-Control-Request-Method", "POST"}});
    EXPECT_EQ(pre.status, 204);
    EXPECT_EQ(pre.header("access-control-allow-origin"), "https://app.example.com");
    EXPECT_NE(pre.header("access-control-allow-headers").find("Last-Event-ID"), std::string::npos);
    auto other = request(port(), "OPTIONS", "/agents", "",
                         {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
    EXPECT_EQ(other.status, 204);
    EXPECT_EQ(other.header("access-control-allow-origin"), "");
    auto simple = get(port(), "/agents", {{"Origin", "https://app.example.com"}});
    EXPECT_EQ(simple.header("access-control-allow-origin"), "https://app.example.com");
    EXPECT_NE(simple.header("access-control-expose-headers").find("X-Request-ID"), std::string::npos);
}

TEST_F(Discovery, KeepAliveServesSeveralRequestsOnOneConnection) {
    Connection c(port());
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(c.send(format_request("GET", "/health", "", {})));
        auto r = c.read_response();
        EXPECT_EQ(r.status, 200) << i;
    }
}

TEST_F(Discovery, HeadRequestsGetHeadersOnly) {
    Connection c(port());
    ASSERT_TRUE(c.send(format_request("HEAD", "/health", "", {})));
    auto r = c.read_headers();
    EXPECT_EQ(r.status, 200);
    ASSERT_TRUE(c.send(format_request("GET", "/health", "", {})));
    EXPECT_EQ(c.read_response().status, 200);  // no stray body bytes were left on the connection
}

}  // namespace
}  // namespace hector::test
