// The admin API against the real binary (server.md §6, §7.3): access checks, the app lifecycle with its tokens,
// config validation, session listing with page tokens, and isolation between tenants.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>
#include <thread>

#include "support/process.hpp"
#include "tenancy_util.hpp"

namespace hector::test {
namespace {

using namespace tenancy;
using namespace std::chrono_literals;

constexpr const char* kSecret = "admin-secret-for-tests";

constexpr const char* kConfig = R"(
llms:
  default: {provider: echo}
agents:
  helper:
    name: Helper
  ops:
    visibility: internal
)";

// An app config as the admin API takes it: a JSON string holding a JSON object. No llms: the server's apply.
const std::string kAppConfig = R"({"agents":{"bot":{"name":"Bot","instruction":"Be brief"}}})";

class Admin : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        server_ = new HectorServer({.config_yaml = kConfig, .args = {"--auth-secret", kSecret}});
    }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }
    static int port() { return server_->port(); }
    static HttpResponse admin(const std::string& method, const std::string& path, const std::string& body = "") {
        return call(port(), method, path, kSecret, body);
    }
    /// POST /admin/apps; the 201 body.
    static json::object create_app(const std::string& name, const std::string& config = kAppConfig) {
        json::object req{{"name", name}, {"config_json", config}};
        auto r = admin("POST", "/admin/apps", json::serialize(req));
        EXPECT_EQ(r.status, 201) << r.body;
        return body_of(r);
    }
    static HectorServer* server_;
};
HectorServer* Admin::server_ = nullptr;

TEST_F(Admin, ChecksCredentialsThenRoleThenRoute) {
    for (const std::string token : {"", "wrong-secret"}) {
        auto r = call(port(), "GET", "/admin/apps", token);
        EXPECT_EQ(r.status, 401) << token;
        EXPECT_EQ(r.body, R"({"error":"Unauthorized"})");
        EXPECT_EQ(r.header("www-authenticate"), "Bearer");
        // Authentication comes before routing: unknown admin paths and methods are 401 too.
        EXPECT_EQ(call(port(), "GET", "/admin/nope", token).status, 401);
        EXPECT_EQ(call(port(), "DELETE", "/admin/apps", token).status, 401);
    }
    auto app = create_app("role-check");
    const std::string app_token(app.at("access_token").as_string());
    auto forbidden = call(port(), "GET", "/admin/apps", app_token);
    EXPECT_EQ(forbidden.status, 403);
    EXPECT_EQ(forbidden.body, R"({"error":"Forbidden"})");
    EXPECT_EQ(call(port(), "GET", "/admin/sessions", app_token).status, 403);
    EXPECT_EQ(call(port(), "GET", "/admin/nope", app_token).status, 403);

    EXPECT_EQ(admin("GET", "/admin/nope").status, 404);
    auto not_allowed = admin("DELETE", "/admin/apps");
    EXPECT_EQ(not_allowed.status, 405);
    EXPECT_NE(not_allowed.header("allow").find("POST"), std::string::npos);
    EXPECT_EQ(admin("PATCH", "/admin/apps/x").status, 405);
}

TEST_F(Admin, JwksIsPublicAndCacheable) {
    auto r = get(port(), "/admin/jwks");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("cache-control"), "public, max-age=300");
    auto keys = body_of(r).at("keys").as_array();
    ASSERT_EQ(keys.size(), 1u);
    const auto& k = keys[0].as_object();
    EXPECT_EQ(k.at("kty"), "EC");
    EXPECT_EQ(k.at("crv"), "P-256");
    EXPECT_EQ(k.at("kid"), "hector-key-1");
    EXPECT_EQ(k.at("use"), "sig");
    EXPECT_EQ(k.at("alg"), "ES256");
    for (auto c : {"x", "y"}) {
        std::string v(k.at(c).as_string());
        EXPECT_EQ(v.size(), 43u);  // 32 bytes, unpadded base64url
        EXPECT_EQ(v.find_first_of("+/="), std::string::npos);
    }
    EXPECT_FALSE(k.contains("d"));  // never the private part
}

TEST_F(Admin, AppLifecycleFromCreationToDeletion) {
    // Create: 201 with the full record and a token.
    auto created = create_app("customer-support");
    const auto& app = created.at("app").as_object();
    const std::string id(app.at("id").as_string());
    EXPECT_TRUE(std::regex_match(id, std::regex("[a-z0-9]{12,}"))) << id;
    EXPECT_EQ(app.at("name"), "customer-support");
    EXPECT_EQ(app.at("config_json"), json::value(kAppConfig));
    EXPECT_TRUE(std::regex_match(std::string(app.at("created_at").as_string()),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
    EXPECT_EQ(app.at("updated_at"), app.at("created_at"));
    EXPECT_FALSE(app.contains("token_version"));
    EXPECT_EQ(created.at("token_type"), "bearer");
    EXPECT_EQ(created.at("issuer"), "hector");
    const std::string token(created.at("access_token").as_string());
    auto header = jwt_segment(token, 0);
    EXPECT_EQ(header, (json::object{{"alg", "ES256"}, {"typ", "JWT"}, {"kid", "hector-key-1"}}));
    auto claims = jwt_segment(token, 1);
    EXPECT_EQ(claims.at("iss"), "hector");
    EXPECT_EQ(claims.at("sub"), json::value(id));
    EXPECT_EQ(claims.at("tenant_id"), json::value(id));
    EXPECT_FALSE(claims.contains("exp"));

    // The token scopes discovery to the app's agents; anonymous callers still see the default app.
    EXPECT_EQ(agent_names(port(), token), std::vector<std::string>{"Bot"});
    EXPECT_EQ(agent_names(port(), ""), std::vector<std::string>{"Helper"});
    auto card = call(port(), "GET", "/.well-known/agent-card.json", token);
    ASSERT_EQ(card.status, 200);
    EXPECT_EQ(body_of(card).at("name"), "Bot");
    EXPECT_TRUE(body_of(card).contains("securitySchemes"));  // auth is active (admin secret)

    // Listed and readable.
    auto listed = body_of(admin("GET", "/admin/apps")).at("apps").as_array();
    EXPECT_TRUE(
        std::any_of(listed.begin(), listed.end(), [&](const json::value& a) { return a.at("id").as_string() == id; }));
    auto got = admin("GET", "/admin/apps/" + id);
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(body_of(got), app);

    // Partial updates: a rename keeps the config; a new config is served at once.
    std::this_thread::sleep_for(1100ms);  // timestamps have second precision
    auto renamed = admin("PUT", "/admin/apps/" + id, R"({"name":"support-2"})");
    ASSERT_EQ(renamed.status, 200) << renamed.body;
    EXPECT_EQ(body_of(renamed).at("name"), "support-2");
    EXPECT_EQ(body_of(renamed).at("config_json"), json::value(kAppConfig));
    EXPECT_EQ(body_of(renamed).at("created_at"), app.at("created_at"));
    EXPECT_GT(body_of(renamed).at("updated_at").as_string(), app.at("updated_at").as_string());
    const std::string new_config = R"({"agents":{"bot":{"name":"Bot"},"writer":{"name":"Writer"}}})";
    auto reconfigured = admin("PUT", "/admin/apps/" + id, json::serialize(json::object{{"config_json", new_config}}));
    ASSERT_EQ(reconfigured.status, 200) << reconfigured.body;
    EXPECT_EQ(body_of(reconfigured).at("name"), "support-2");
    EXPECT_EQ(agent_names(port(), token), (std::vector<std::string>{"Bot", "Writer"}));

    // Regenerating revokes the old token.
    auto regenerated = admin("POST", "/admin/apps/" + id + "/token");
    ASSERT_EQ(regenerated.status, 200);
    auto fresh = body_of(regenerated);
    EXPECT_EQ(fresh.at("token_type"), "bearer");
    EXPECT_EQ(fresh.at("issuer"), "hector");
    const std::string new_token(fresh.at("access_token").as_string());
    EXPECT_EQ(agent_names(port(), new_token), (std::vector<std::string>{"Bot", "Writer"}));
    auto old = call(port(), "GET", "/agents", token);
    EXPECT_EQ(old.status, 401);
    EXPECT_EQ(old.body, R"({"error":"Unauthorized"})");

    // Delete: 204 with no body, then 404, and the token is dead.
    auto deleted = admin("DELETE", "/admin/apps/" + id);
    EXPECT_EQ(deleted.status, 204);
    EXPECT_TRUE(deleted.body.empty());
    EXPECT_EQ(admin("GET", "/admin/apps/" + id).status, 404);
    EXPECT_EQ(admin("DELETE", "/admin/apps/" + id).status, 404);
    EXPECT_EQ(admin("PUT", "/admin/apps/" + id, R"({"name":"x"})").status, 404);
    EXPECT_EQ(admin("POST", "/admin/apps/" + id + "/token").status, 404);
    EXPECT_EQ(call(port(), "GET", "/agents", new_token).status, 401);
    EXPECT_EQ(call(port(), "GET", "/.well-known/agent-card.json", new_token).status, 401);
}

TEST_F(Admin, RefusesBadAppRequestsNamingTheProblem) {
    auto expect_400 = [](const HttpResponse& r, const std::string& mention) {
        EXPECT_EQ(r.status, 400) << r.body;
        auto body = body_of(r);
        EXPECT_EQ(body.at("error"), "Bad Request");
        std::string message(body.contains("message") ? body.at("message").as_string() : "");
        EXPECT_NE(message.find(mention), std::string::npos) << message;
    };
    expect_400(admin("POST", "/admin/apps", "not json"), "JSON object");
    expect_400(admin("POST", "/admin/apps", R"({"config_json":"{}"})"), "name");
    expect_400(admin("POST", "/admin/apps", R"({"name":""})"), "name");
    expect_400(admin("POST", "/admin/apps", R"({"name":7})"), "name");
    // config_json must be a string holding a JSON object, not the object itself.
    expect_400(admin("POST", "/admin/apps", R"({"name":"a","config_json":{"agents":{}}})"), "config_json");
    expect_400(admin("POST", "/admin/apps", R"({"name":"a","config_json":"{not json"})"), "config_json");
    expect_400(admin("POST", "/admin/apps", R"({"name":"a","config_json":"[1,2]"})"), "JSON object");
    expect_400(admin("POST", "/admin/apps", R"({"name":"a","config_json":"{\"server\":{\"port\":1}}"})"), "server");
    // The config file's validator: unknown LLM, bad visibility.
    expect_400(admin("POST", "/admin/apps", R"({"name":"a","config_json":"{\"agents\":{\"x\":{\"llm\":\"gpt9\"}}}"})"),
               "agents.x.llm");
    expect_400(admin("POST", "/admin/apps",
                     R"({"name":"a","config_json":"{\"agents\":{\"x\":{\"visibility\":\"secret\"}}}"})"),
               "visibility");

    // A bad update leaves the app as it was.
    auto app = create_app("keeps-its-config");
    const std::string id(app.at("app").at("id").as_string());
    const std::string token(app.at("access_token").as_string());
    expect_400(admin("PUT", "/admin/apps/" + id, R"({"config_json":"{\"agents\":{\"x\":{\"llm\":\"nope\"}}}"})"),
               "llm");
    expect_400(admin("PUT", "/admin/apps/" + id, R"({"name":""})"), "name");
    EXPECT_EQ(body_of(admin("GET", "/admin/apps/" + id)).at("config_json"), json::value(kAppConfig));
    EXPECT_EQ(agent_names(port(), token), std::vector<std::string>{"Bot"});
    // config_json may be left out: an app without agents.
    auto empty = admin("POST", "/admin/apps", R"({"name":"empty"})");
    ASSERT_EQ(empty.status, 201) << empty.body;
    EXPECT_EQ(body_of(empty).at("app").at("config_json"), "{}");
    EXPECT_TRUE(agent_names(port(), std::string(body_of(empty).at("access_token").as_string())).empty());
}

TEST_F(Admin, TenantsCannotReachEachOther) {
    auto a = create_app("tenant-a");
    auto b = create_app("tenant-b");
    const std::string token_a(a.at("access_token").as_string());
    const std::string token_b(b.at("access_token").as_string());

    auto in_a = send(port(), "bot", token_a, "hello from a", "shared-context");
    ASSERT_TRUE(in_a.contains("result")) << json::serialize(in_a);
    EXPECT_EQ(in_a.at("result").at("status").at("state"), "completed");
    const std::string task_a(in_a.at("result").at("id").as_string());
    auto in_default = send(port(), "helper", "", "hello from default", "shared-context");
    ASSERT_TRUE(in_default.contains("result")) << json::serialize(in_default);
    const std::string task_default(in_default.at("result").at("id").as_string());

    // Another app's task is "not found", through every task method.
    for (const auto& [agent, token, task] :
         {std::tuple{"bot", token_b, task_a}, std::tuple{"helper", std::string(), task_a},
          std::tuple{"bot", token_a, task_default}}) {
        for (auto method : {"tasks/get", "tasks/cancel", "tasks/pushNotificationConfig/get"})
            EXPECT_EQ(rpc_error(body_of(rpc(port(), agent, token, method, json::object{{"id", task}}))), -32001)
                << method << " " << agent;
    }
    EXPECT_EQ(rpc_error(body_of(rpc(port(), "bot", token_a, "tasks/get", json::object{{"id", task_a}}))), 0);

    // Another app's agents do not exist for the caller.
    EXPECT_EQ(call(port(), "GET", "/agents/helper", token_a).status, 404);
    EXPECT_EQ(rpc(port(), "helper", token_a, "tasks/get", json::object{{"id", task_default}}).status, 404);
    EXPECT_EQ(call(port(), "GET", "/agents/bot", "").status, 404);

    // Tool-call cancel is scoped too.
    EXPECT_EQ(call(port(), "POST", "/tasks/" + task_a + "/toolCalls/c1/cancel", token_b).status, 404);
    EXPECT_EQ(call(port(), "POST", "/tasks/" + task_a + "/toolCalls/c1/cancel", "").status, 404);
    auto own = call(port(), "POST", "/tasks/" + task_a + "/toolCalls/tool_c1/cancel", token_a);
    EXPECT_EQ(own.status, 200) << own.body;
    EXPECT_EQ(body_of(own).at("cancelled"), false);

    // The same contextId is two separate conversations.
    const std::string app_a(a.at("app").at("id").as_string());
    auto session_a = body_of(admin("GET", "/admin/sessions/shared-context?app_id=" + app_a));
    auto session_default = body_of(admin("GET", "/admin/sessions/shared-context"));
    EXPECT_EQ(session_a.at("app_name"), json::value(app_a));
    EXPECT_EQ(session_default.at("app_name"), "default");
    auto texts = [](const json::object& s) {
        std::string all;
        for (const auto& e : s.at("events").as_array())
            if (e.at("message").is_object())
                for (const auto& p : e.at("message").at("parts").as_array())
                    if (p.as_object().contains("text")) all += std::string(p.at("text").as_string()) + "|";
        return all;
    };
    EXPECT_NE(texts(session_a).find("hello from a"), std::string::npos);
    EXPECT_EQ(texts(session_a).find("hello from default"), std::string::npos);
    EXPECT_EQ(texts(session_default).find("hello from a"), std::string::npos);
    const std::string app_b(b.at("app").at("id").as_string());
    EXPECT_EQ(admin("GET", "/admin/sessions/shared-context?app_id=" + app_b).status, 404);

    // Deleting an app removes its tasks and sessions.
    ASSERT_EQ(admin("DELETE", "/admin/apps/" + app_a).status, 204);
    EXPECT_EQ(admin("GET", "/admin/sessions/shared-context?app_id=" + app_a).status, 404);
    EXPECT_EQ(admin("GET", "/admin/sessions/shared-context").status, 200);
}

// ---- sessions (server.md §7.3) ----------------------------------------------------------------------------

/// Walks GET /admin/sessions for (app, user) with the page size; every page's ids in order.
std::vector<std::vector<std::string>> walk(int port, const std::string& query, const std::string& page_size) {
    std::vector<std::vector<std::string>> pages;
    std::string token;
    for (int guard = 0; guard < 50; ++guard) {
        std::string path = "/admin/sessions?" + query + "&page_size=" + page_size;
        if (!token.empty()) path += "&page_token=" + token;
        auto r = call(port, "GET", path, kSecret);
        EXPECT_EQ(r.status, 200) << r.body;
        if (r.status != 200) break;
        auto body = body_of(r);
        std::vector<std::string> ids;
        for (const auto& s : body.at("sessions").as_array()) ids.emplace_back(s.at("id").as_string());
        pages.push_back(ids);
        if (!body.contains("next_page_token")) break;
        token = std::string(body.at("next_page_token").as_string());
        EXPECT_FALSE(token.empty());
    }
    return pages;
}

TEST_F(Admin, SessionsArePagedWithTamperEvidentTokens) {
    auto app = create_app("sessions");
    const std::string id(app.at("app").at("id").as_string());
    const std::string token(app.at("access_token").as_string());
    std::vector<std::string> contexts;
    for (int i = 0; i < 5; ++i) {
        contexts.push_back("ctx-" + std::to_string(i));
        ASSERT_TRUE(send(port(), "bot", token, "message " + std::to_string(i), contexts.back()).contains("result"));
    }
    ASSERT_TRUE(send(port(), "bot", token, "again", "ctx-0").contains("result"));  // ctx-0 becomes the newest
    const std::string query = "app_id=" + id + "&user_id=default";

    auto all = walk(port(), query, "100");
    ASSERT_EQ(all.size(), 1u);
    ASSERT_EQ(all[0].size(), 5u);
    EXPECT_EQ(all[0].front(), "ctx-0");  // last_update descending
    EXPECT_EQ(std::set<std::string>(all[0].begin(), all[0].end()),
              std::set<std::string>(contexts.begin(), contexts.end()));
    for (auto [size, pages] : {std::pair{"1", 5u}, std::pair{"2", 3u}, std::pair{"500", 1u}}) {
        auto walked = walk(port(), query, size);
        EXPECT_EQ(walked.size(), pages) << "page_size " << size;
        std::vector<std::string> flat;
        for (const auto& p : walked) {
            EXPECT_LE(p.size(), size == std::string("1") ? 1u : size == std::string("2") ? 2u : 100u);
            flat.insert(flat.end(), p.begin(), p.end());
        }
        EXPECT_EQ(flat, all[0]) << "page_size " << size;  // same order, no gap, no duplicate
    }

    // Each listed session: the summary fields.
    auto first = body_of(admin("GET", "/admin/sessions?" + query)).at("sessions").at(0).as_object();
    EXPECT_EQ(first.at("id"), "ctx-0");
    EXPECT_EQ(first.at("app_name"), json::value(id));
    EXPECT_EQ(first.at("user_id"), "default");
    EXPECT_GE(first.at("event_count").as_int64(), 4);
    EXPECT_TRUE(std::regex_match(std::string(first.at("last_update").as_string()),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));

    // page_size: default 50, ≤ 0 → 50, non-numeric → 400.
    EXPECT_EQ(walk(port(), query, "0").size(), 1u);
    EXPECT_EQ(walk(port(), query, "-4").size(), 1u);
    auto bad_size = admin("GET", "/admin/sessions?" + query + "&page_size=ten");
    EXPECT_EQ(bad_size.status, 400);
    EXPECT_NE(bad_size.body.find("page_size"), std::string::npos);

    // Page tokens: tampered, garbage, or moved to another listing → 400.
    auto page = body_of(admin("GET", "/admin/sessions?" + query + "&page_size=2"));
    std::string next(page.at("next_page_token").as_string());
    auto tampered = next;
    tampered[2] = tampered[2] == 'A' ? 'B' : 'A';
    EXPECT_EQ(admin("GET", "/admin/sessions?" + query + "&page_token=" + tampered).status, 400);
    EXPECT_EQ(admin("GET", "/admin/sessions?" + query + "&page_token=garbage").status, 400);
    EXPECT_EQ(admin("GET", "/admin/sessions?app_id=default&page_token=" + next).status, 400);
    EXPECT_EQ(admin("GET", "/admin/sessions?" + query + "&page_token=" + next).status, 200);
    // Other users and apps have their own (here: no) sessions.
    EXPECT_TRUE(
        body_of(admin("GET", "/admin/sessions?app_id=" + id + "&user_id=alice")).at("sessions").as_array().empty());
}

TEST_F(Admin, OneSessionWithItsNewestEventsThenDeleted) {
    auto app = create_app("one-session");
    const std::string id(app.at("app").at("id").as_string());
    const std::string token(app.at("access_token").as_string());
    ASSERT_TRUE(send(port(), "bot", token, "first", "conv").contains("result"));
    ASSERT_TRUE(send(port(), "bot", token, "second", "conv").contains("result"));

    auto full = admin("GET", "/admin/sessions/conv?app_id=" + id);
    ASSERT_EQ(full.status, 200) << full.body;
    auto s = body_of(full);
    EXPECT_EQ(s.at("id"), "conv");
    EXPECT_EQ(s.at("app_name"), json::value(id));
    EXPECT_EQ(s.at("user_id"), "default");
    EXPECT_TRUE(s.contains("last_update"));
    const auto count = s.at("event_count").as_int64();
    EXPECT_GE(count, 4);
    const auto& events = s.at("events").as_array();
    ASSERT_EQ(static_cast<std::int64_t>(events.size()), count);
    const auto& e = events[0].as_object();
    for (auto field : {"id", "timestamp", "invocation_id", "author", "branch", "partial", "turn_complete", "message",
                       "tool_calls", "tool_results", "actions", "error_code", "error_message"})
        EXPECT_TRUE(e.contains(field)) << field;
    EXPECT_EQ(e.at("author"), "user");
    EXPECT_EQ(e.at("message").at("role"), "user");
    EXPECT_EQ(e.at("message").at("parts").at(0).at("text"), "first");
    EXPECT_TRUE(e.at("actions").as_object().contains("state_delta"));

    // limit: the newest events, oldest first; event_count stays the total.
    auto last = body_of(admin("GET", "/admin/sessions/conv?app_id=" + id + "&limit=1"));
    ASSERT_EQ(last.at("events").as_array().size(), 1u);
    EXPECT_EQ(last.at("events").at(0), events.back());
    EXPECT_EQ(last.at("event_count").as_int64(), count);
    auto two = body_of(admin("GET", "/admin/sessions/conv?app_id=" + id + "&limit=2")).at("events").as_array();
    ASSERT_EQ(two.size(), 2u);
    EXPECT_EQ(two[0], events[events.size() - 2]);
    EXPECT_EQ(admin("GET", "/admin/sessions/conv?app_id=" + id + "&limit=lots").status, 400);
    EXPECT_EQ(admin("GET", "/admin/sessions/conv?app_id=" + id + "&limit=5000").status, 200);

    EXPECT_EQ(admin("GET", "/admin/sessions/conv").status, 404);  // app_id defaults to default
    EXPECT_EQ(admin("GET", "/admin/sessions/nope?app_id=" + id).status, 404);
    auto deleted = admin("DELETE", "/admin/sessions/conv?app_id=" + id);
    EXPECT_EQ(deleted.status, 204);
    EXPECT_TRUE(deleted.body.empty());
    EXPECT_EQ(admin("GET", "/admin/sessions/conv?app_id=" + id).status, 404);
    EXPECT_EQ(admin("DELETE", "/admin/sessions/conv?app_id=" + id).status, 404);
}

TEST(AdminDisabled, WithoutASecretOnlyJwksExists) {
    HectorServer server({.config_yaml = kConfig});
    for (auto path : {"/admin/apps", "/admin/sessions", "/admin/apps/x", "/admin/nope"}) {
        auto r = get(server.port(), path);
        EXPECT_EQ(r.status, 404) << path;
    }
    EXPECT_EQ(post_json(server.port(), "/admin/apps", R"({"name":"a"})").status, 404);
    EXPECT_EQ(get(server.port(), "/admin/jwks").status, 200);
    auto health = body_of(get(server.port(), "/health"));
    EXPECT_FALSE(health.contains("admin"));
    EXPECT_FALSE(health.contains("auth"));
}

TEST(AdminSecretFromEnv, HectorAuthSecretTurnsTheApiOn) {
    HectorServer server({.config_yaml = kConfig, .env = {{"HECTOR_AUTH_SECRET", "from-env"}}});
    EXPECT_EQ(call(server.port(), "GET", "/admin/apps", "from-env").status, 200);
    EXPECT_EQ(call(server.port(), "GET", "/admin/apps", "other").status, 401);
    auto health = get(server.port(), "/health");
    auto body = body_of(health);
    EXPECT_EQ(body.at("admin").at("enabled"), true);
    EXPECT_EQ(body.at("auth").at("admin"), true);
    EXPECT_EQ(health.body.find("from-env"), std::string::npos);  // never the secret itself
}

/// Polls until `done` or about 15 s (instances read the app store every 5 s).
template <class F>
bool eventually(F done) {
    for (int i = 0; i < 60; ++i) {
        if (done()) return true;
        std::this_thread::sleep_for(250ms);
    }
    return done();
}

TEST(AdminAcrossInstances, OtherInstancesPickUpCreatedChangedAndDeletedApps) {
    // Two processes on one database (the SQLite file in the shared working directory), as replicas would share
    // PostgreSQL: same admin secret, same signing key.
    TempDir dir;
    HectorServer a({.config_yaml = kConfig, .args = {"--auth-secret", kSecret}, .cwd = dir.path()});
    HectorServer b({.config_yaml = kConfig, .args = {"--auth-secret", kSecret}, .cwd = dir.path()});
    EXPECT_EQ(get(a.port(), "/admin/jwks").body, get(b.port(), "/admin/jwks").body);

    auto created = call(a.port(), "POST", "/admin/apps", kSecret,
                        json::serialize(json::object{{"name", "replicated"}, {"config_json", kAppConfig}}));
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string id(body_of(created).at("app").at("id").as_string());
    const std::string token(body_of(created).at("access_token").as_string());
    EXPECT_TRUE(eventually([&] { return agent_names(b.port(), token) == std::vector<std::string>{"Bot"}; }));

    auto changed = call(a.port(), "PUT", "/admin/apps/" + id, kSecret,
                        json::serialize(json::object{{"config_json", R"({"agents":{"other":{"name":"Other"}}})"}}));
    ASSERT_EQ(changed.status, 200) << changed.body;
    EXPECT_TRUE(eventually([&] { return agent_names(b.port(), token) == std::vector<std::string>{"Other"}; }));

    auto regenerated = call(b.port(), "POST", "/admin/apps/" + id + "/token", kSecret);
    ASSERT_EQ(regenerated.status, 200);
    EXPECT_EQ(call(b.port(), "GET", "/agents", token).status, 401);
    EXPECT_TRUE(eventually([&] { return call(a.port(), "GET", "/agents", token).status == 401; }));
    const std::string fresh(body_of(regenerated).at("access_token").as_string());
    EXPECT_EQ(agent_names(a.port(), fresh), std::vector<std::string>{"Other"});

    ASSERT_EQ(call(a.port(), "DELETE", "/admin/apps/" + id, kSecret).status, 204);
    EXPECT_TRUE(eventually([&] { return call(b.port(), "GET", "/agents", fresh).status == 401; }));
    EXPECT_EQ(call(b.port(), "GET", "/admin/apps/" + id, kSecret).status, 404);
}

}  // namespace
}  // namespace hector::test
