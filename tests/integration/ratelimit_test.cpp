// Rate limiting end to end (server.md §12): count and token limits, the X-RateLimit-* headers, 429 refusals on
// every invoking route and webhooks, session and user scope, exempt routes, and counters shared by two instances
// (sql backend).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <thread>

#include "support/http_client.hpp"
#include "support/process.hpp"

namespace hector::test {
namespace {

namespace json = boost::json;
using Headers = std::map<std::string, std::string>;

std::string config(const std::string& rate_limiting) {
    return R"(
llms:
  default: {provider: echo}
agents:
  assistant:
    description: Echoes
rate_limiting:
)" + rate_limiting;
}

std::string rpc_body(const std::string& method, const std::string& text, const std::string& context = "") {
    json::object m{{"role", "user"}, {"parts", json::array{json::object{{"kind", "text"}, {"text", text}}}}};
    if (!context.empty()) m["contextId"] = context;
    json::object req{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", json::object{{"message", m}}}};
    return json::serialize(req);
}

HttpResponse send(int port, const Headers& headers = {}, const std::string& context = "") {
    return post_json(port, "/agents/assistant", rpc_body("message/send", "hi", context), headers);
}

long header_number(const HttpResponse& r, const std::string& name) {
    auto v = r.header(name);
    return v.empty() ? -1 : std::stol(v);
}

/// A 429 as server.md §12 describes it; Retry-After runs to the end of the blocking window (at most its length).
void expect_refused(const HttpResponse& r, long window_seconds = 86400) {
    EXPECT_EQ(r.status, 429) << r.body;
    EXPECT_EQ(r.body, R"({"error":"Too Many Requests"})");
    EXPECT_EQ(r.header("x-ratelimit-remaining"), "0");
    const auto retry = header_number(r, "retry-after");
    EXPECT_GE(retry, 1);
    EXPECT_LE(retry, window_seconds);
}

TEST(RateLimit, TheThirdSendInAMinuteIsRefused) {
    HectorServer server({.config_yaml = config(R"(
  enabled: true
  limits:
    - {type: count, window: minute, limit: 2}
)")});
    // Three sends normally share one minute; if a minute boundary fell between them, run again on a fresh key.
    for (int attempt = 0; attempt < 3; ++attempt) {
        const Headers session{{"X-Session-ID", "minute-" + std::to_string(attempt)}};
        auto first = send(server.port(), session);
        auto second = send(server.port(), session);
        auto third = send(server.port(), session);
        if (first.header("x-ratelimit-reset") != third.header("x-ratelimit-reset")) continue;
        ASSERT_EQ(first.status, 200) << first.body;
        EXPECT_EQ(json::parse(first.body).at("result").at("status").at("state"), "completed");
        EXPECT_EQ(first.header("x-ratelimit-limit"), "2");
        EXPECT_EQ(first.header("x-ratelimit-remaining"), "1");
        EXPECT_EQ(header_number(first, "x-ratelimit-reset") % 60, 0);
        EXPECT_GT(header_number(first, "x-ratelimit-reset"), static_cast<long>(std::time(nullptr)) - 1);
        EXPECT_EQ(second.status, 200);
        EXPECT_EQ(second.header("x-ratelimit-remaining"), "0");
        expect_refused(third, 60);
        EXPECT_EQ(third.header("x-ratelimit-limit"), "2");
        EXPECT_EQ(third.header("x-ratelimit-reset"), first.header("x-ratelimit-reset"));
        // The refusal is an HTTP error, not a JSON-RPC one: no task was started.
        EXPECT_EQ(json::parse(third.body).as_object().count("jsonrpc"), 0u);
        return;
    }
    FAIL() << "every attempt straddled a minute boundary";
}

TEST(RateLimit, EveryInvokingRouteIsChargedAndRefused) {
    HectorServer server({.config_yaml = config(R"(
  enabled: true
  limits:
    - {type: count, window: day, limit: 1}
)")});
    const Headers s1{{"X-Session-ID", "routes-1"}};
    ASSERT_EQ(send(server.port(), s1).status, 200);
    expect_refused(post_json(server.port(), "/agents/assistant", rpc_body("message/stream", "hi"), s1));
    json::object rest{{"message", json::object{{"role", "user"},
                                               {"parts", json::array{json::object{{"kind", "text"}, {"text", "x"}}}}}}};
    expect_refused(post_json(server.port(), "/agents/assistant/message:send", json::serialize(rest), s1));
    expect_refused(post_json(server.port(), "/agents/assistant/message:stream", json::serialize(rest), s1));

    // The REST alias is charged too, and a stream carries the headers.
    const Headers s2{{"X-Session-ID", "routes-2"}};
    auto ok = post_json(server.port(), "/agents/assistant/message:send", json::serialize(rest), s2);
    EXPECT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(ok.header("x-ratelimit-remaining"), "0");
    expect_refused(send(server.port(), s2));
    const Headers s3{{"X-Session-ID", "routes-3"}};
    Connection c(server.port());
    ASSERT_TRUE(c.send(format_request("POST", "/agents/assistant", rpc_body("message/stream", "hi"),
                                      {{"Content-Type", "application/json"}, {"X-Session-ID", "routes-3"}})));
    auto head = c.read_headers();
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.header("content-type").rfind("text/event-stream", 0), 0u);
    EXPECT_EQ(head.header("x-ratelimit-remaining"), "0");
    expect_refused(send(server.port(), s3));
}

TEST(RateLimit, SessionScopeKeysOnTheHeaderThenTheContextThenTheAddress) {
    HectorServer server({.config_yaml = config(R"(
  enabled: true
  scope: session
  limits:
    - {type: count, window: day, limit: 1}
)")});
    EXPECT_EQ(send(server.port(), {{"X-Session-ID", "alice"}}).status, 200);
    EXPECT_EQ(send(server.port(), {{"X-Session-ID", "bob"}}).status, 200);
    expect_refused(send(server.port(), {{"X-Session-ID", "alice"}}, "some-context"));  // the header wins
    // Without the header, the message's contextId is the session.
    EXPECT_EQ(send(server.port(), {}, "ctx-1").status, 200);
    expect_refused(send(server.port(), {}, "ctx-1"));
    EXPECT_EQ(send(server.port(), {}, "ctx-2").status, 200);
    // Without either, the client's address.
    EXPECT_EQ(send(server.port()).status, 200);
    expect_refused(send(server.port()));
}

TEST(RateLimit, UserScopeKeysOnThePrincipalElseTheAddress) {
    HectorServer server({.config_yaml = config(R"(
  enabled: true
  scope: user
  limits:
    - {type: count, window: day, limit: 1}
)"),
                         .args = {"--auth-secret", "s3cret-admin"}});
    // Anonymous callers are keyed by address, whatever session they name.
    EXPECT_EQ(send(server.port(), {{"X-Session-ID", "one"}}).status, 200);
    expect_refused(send(server.port(), {{"X-Session-ID", "two"}}));
    // An authenticated caller has a budget of its own.
    const Headers admin{{"Authorization", "Bearer s3cret-admin"}};
    EXPECT_EQ(send(server.port(), admin).status, 200);
    expect_refused(send(server.port(), admin));
}

TEST(RateLimit, TokensAreCheckedBeforeARunAndChargedAfterIt) {
    HectorServer server({.config_yaml = config(R"(
  enabled: true
  limits:
    - {type: token, window: hour, limit: 5}
)")});
    const Headers session{{"X-Session-ID", "tokens"}};
    auto first =
        post_json(server.port(), "/agents/assistant", rpc_body("message/send", std::string(200, 'x')), session);
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(first.header("x-ratelimit-limit"), "5");
    EXPECT_EQ(first.header("x-ratelimit-remaining"), "5");  // checked before the run: nothing used yet
    // The run's tokens are charged once it ends; a task query on the same session shows them.
    const std::string query = R"({"jsonrpc":"2.0","id":2,"method":"tasks/get","params":{"id":"none"}})";
    std::string remaining;
    for (int i = 0; i < 250 && remaining != "0"; ++i) {
        auto r = post_json(server.port(), "/agents/assistant", query, session);
        remaining = r.header("x-ratelimit-remaining");
        if (remaining != "0") std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_EQ(remaining, "0");
    expect_refused(send(server.port(), session), 3600);
    // Another session still has its tokens.
    EXPECT_EQ(send(server.port(), {{"X-Session-ID", "other"}}).status, 200);
}

TEST(RateLimit, ExemptRoutesCarryNoHeadersAndAreNeverRefused) {
    HectorServer server({.config_yaml = config(R"(
  enabled: true
  limits:
    - {type: count, window: day, limit: 1}
observability:
  metrics: {enabled: true}
)")});
    ASSERT_EQ(send(server.port()).status, 200);
    expect_refused(send(server.port()));
    for (const char* path : {"/health", "/metrics", "/schema", "/api/schema", "/agents", "/agents/assistant",
                             "/.well-known/agent-card.json", "/agents/assistant/.well-known/agent-card.json"}) {
        auto r = get(server.port(), path);
        EXPECT_EQ(r.status, 200) << path;
        EXPECT_EQ(r.header("x-ratelimit-limit"), "") << path;
    }
    EXPECT_EQ(get(server.port(), "/admin/apps").header("x-ratelimit-limit"), "");
    // A limited route that invokes no agent still tells where the caller stands, and is not refused.
    auto query = post_json(server.port(), "/agents/assistant",
                           R"({"jsonrpc":"2.0","id":2,"method":"tasks/get","params":{"id":"none"}})");
    EXPECT_EQ(query.status, 200);
    EXPECT_EQ(query.header("x-ratelimit-limit"), "1");
    EXPECT_EQ(query.header("x-ratelimit-remaining"), "0");
}

TEST(RateLimit, TheSqlBackendSharesCountersBetweenInstances) {
    const auto yaml = config(R"(
  enabled: true
  backend: sql
  limits:
    - {type: count, window: day, limit: 2}
)");
    HectorServer first({.config_yaml = yaml});
    HectorServer second({.config_yaml = yaml, .cwd = first.cwd()});  // the same .hector/hector.db
    const Headers session{{"X-Session-ID", "shared"}};
    EXPECT_EQ(send(first.port(), session).status, 200);
    auto other = send(second.port(), session);
    EXPECT_EQ(other.status, 200);
    EXPECT_EQ(other.header("x-ratelimit-remaining"), "0");
    expect_refused(send(first.port(), session));
    expect_refused(send(second.port(), session));
}

TEST(RateLimit, WebhookDeliveriesAreChargedLikeInvocations) {
    HectorServer server({.config_yaml = R"(
llms:
  default: {provider: echo}
agents:
  hooked:
    trigger: {type: webhook, input: "ping"}
rate_limiting:
  enabled: true
  limits:
    - {type: count, window: day, limit: 1}
)"});
    const Headers session{{"X-Session-ID", "sender-1"}};
    auto first = post_json(server.port(), "/webhooks/hooked", "{}", session);
    EXPECT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(first.header("x-ratelimit-limit"), "1");
    EXPECT_EQ(first.header("x-ratelimit-remaining"), "0");
    expect_refused(post_json(server.port(), "/webhooks/hooked", "{}", session));
    EXPECT_EQ(post_json(server.port(), "/webhooks/hooked", "{}", {{"X-Session-ID", "sender-2"}}).status, 200);
}

TEST(RateLimit, OffByDefault) {
    HectorServer server({.config_yaml = config("  enabled: false\n")});
    for (int i = 0; i < 3; ++i) {
        auto r = send(server.port());
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.header("x-ratelimit-limit"), "");
    }
}

}  // namespace
}  // namespace hector::test
