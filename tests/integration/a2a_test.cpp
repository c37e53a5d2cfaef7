// The A2A JSON-RPC binding end to end against the real binary and the offline echo model.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <thread>

#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/sse_client.hpp"

namespace hector::test {
namespace {

namespace json = boost::json;

constexpr const char* kConfig = R"(
llms:
  default: {provider: echo}
agents:
  assistant:
    description: Echoes
  other:
    description: Another agent
  hidden:
    visibility: private
)";

class A2a : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { server_ = new HectorServer({.config_yaml = kConfig}); }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }
    static int port() { return server_->port(); }

    static json::value rpc(const std::string& body, const std::string& agent = "assistant") {
        auto r = post_json(port(), "/agents/" + agent, body);
        EXPECT_EQ(r.status, 200) << r.body;
        EXPECT_EQ(r.header("content-type"), "application/json");
        return json::parse(r.body);
    }
    static json::value call(const std::string& method, const json::value& params,
                            const std::string& agent = "assistant", json::value id = 1) {
        json::object req{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
        return rpc(json::serialize(req), agent);
    }
    static json::object user_message(const std::string& text, const std::string& context = "") {
        json::object m{{"role", "user"}, {"parts", json::array{json::object{{"kind", "text"}, {"text", text}}}}};
        if (!context.empty()) m["contextId"] = context;
        return m;
    }
    static json::value send(const std::string& text, bool blocking = true, const std::string& context = "") {
        return call("message/send", json::object{{"message", user_message(text, context)},
                                                 {"configuration", json::object{{"blocking", blocking}}}});
    }
    static int error_code(const json::value& response) {
        return static_cast<int>(response.at("error").at("code").as_int64());
    }
    static HectorServer* server_;
};
HectorServer* A2a::server_ = nullptr;

TEST_F(A2a, BlockingSendCompletesWithAnswerArtifactAndHistory) {
    auto r = send("hello there");
    EXPECT_EQ(r.at("jsonrpc"), "2.0");
    EXPECT_EQ(r.at("id"), 1);
    const auto& task = r.at("result").as_object();
    EXPECT_EQ(task.at("kind"), "task");
    EXPECT_FALSE(task.at("id").as_string().empty());
    EXPECT_FALSE(task.at("contextId").as_string().empty());
    EXPECT_EQ(task.at("status").at("state"), "completed");
    EXPECT_FALSE(task.at("status").at("timestamp").as_string().empty());
    EXPECT_EQ(task.at("status").at("message").at("parts").at(0).at("text"), "Echo: hello there");
    const auto& artifact = task.at("artifacts").at(0).as_object();
    EXPECT_FALSE(artifact.at("artifactId").as_string().empty());
    EXPECT_EQ(artifact.at("parts").at(0).at("kind"), "text");
    EXPECT_EQ(artifact.at("parts").at(0).at("type"), "text");
    EXPECT_EQ(artifact.at("parts").at(0).at("text"), "Echo: hello there");
    ASSERT_EQ(task.at("history").as_array().size(), 2u);
    EXPECT_EQ(task.at("history").at(0).at("role"), "user");
    EXPECT_EQ(task.at("history").at(1).at("role"), "agent");
}

TEST_F(A2a, ContextIdIsEchoedAndIdsKeepTheirType) {
    auto r = call("message/send", json::object{{"message", user_message("x", "ctx-echo-1")}}, "assistant", "req-7");
    EXPECT_EQ(r.at("id"), "req-7");
    EXPECT_EQ(r.at("result").at("contextId"), "ctx-echo-1");
    auto big = rpc(R"({"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"tasks/get","params":{"id":"x"}})");
    (void)big;
    auto raw =
        post_json(port(), "/agents/assistant",
                  R"({"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"tasks/get","params":{"id":"x"}})");
    EXPECT_NE(raw.body.find("\"id\":123456789012345678901234567890"), std::string::npos) << raw.body;
}

TEST_F(A2a, NonBlockingSendReturnsAtOnceAndCompletesInTheBackground) {
    auto r = send("later", false);
    const auto& task = r.at("result").as_object();
    auto state = std::string(task.at("status").at("state").as_string());
    EXPECT_TRUE(state == "submitted" || state == "working" || state == "completed") << state;
    const std::string id(task.at("id").as_string());
    std::string final_state;
    for (int i = 0; i < 100 && final_state != "completed"; ++i) {
        auto g = call("tasks/get", json::object{{"id", id}});
        final_state = std::string(g.at("result").at("status").at("state").as_string());
        if (final_state != "completed") std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(final_state, "completed");
}

TEST_F(A2a, GetHonoursHistoryLength) {
    const std::string id(send("h").at("result").at("id").as_string());
    auto full = call("tasks/get", json::object{{"id", id}});
    EXPECT_EQ(full.at("result").at("history").as_array().size(), 2u);
    auto last = call("tasks/get", json::object{{"id", id}, {"historyLength", 1}});
    ASSERT_EQ(last.at("result").at("history").as_array().size(), 1u);
    EXPECT_EQ(last.at("result").at("history").at(0).at("role"), "agent");
    auto none = call("tasks/get", json::object{{"id", id}, {"historyLength", 0}});
    EXPECT_TRUE(none.at("result").at("history").as_array().empty());
    EXPECT_EQ(error_code(call("tasks/get", json::object{{"id", id}, {"historyLength", -1}})), -32602);
}

TEST_F(A2a, StreamSendsSnapshotArtifactsAndFinalStatus) {
    json::object req{{"jsonrpc", "2.0"},
                     {"id", 5},
                     {"method", "message/stream"},
                     {"params", json::object{{"message", user_message("stream this answer please")}}}};
    auto s = open_sse(port(), "/agents/assistant", json::serialize(req));
    ASSERT_EQ(s.headers.status, 200);
    EXPECT_EQ(s.headers.header("content-type"), "text/event-stream");
    EXPECT_EQ(s.headers.header("cache-control"), "no-cache");
    EXPECT_EQ(s.headers.header("x-accel-buffering"), "no");
    auto events = s.reader->rest();
    ASSERT_GE(events.size(), 4u);
    auto first = json::parse(events.front().data);
    EXPECT_EQ(events.front().event, "task");
    EXPECT_EQ(first.at("id"), 5);
    EXPECT_EQ(first.at("result").at("kind"), "task");
    std::string text;
    long last_id = -1;
    for (const auto& e : events) {
        long id = std::stol(e.id);
        EXPECT_GT(id, last_id);  // ids strictly increase
        last_id = id;
        auto v = json::parse(e.data);
        const auto& result = v.at("result");
        if (result.at("kind") == "artifact-update") {
            EXPECT_EQ(e.event, "artifact");
            for (const auto& p : result.at("artifact").at("parts").as_array())
                text += std::string(p.at("text").as_string());
        } else {
            EXPECT_EQ(e.event, "task");
        }
    }
    EXPECT_EQ(text, "Echo: stream this answer please");
    auto last = json::parse(events.back().data).at("result");
    EXPECT_EQ(last.at("kind"), "status-update");
    EXPECT_EQ(last.at("final"), true);
    EXPECT_EQ(last.at("status").at("state"), "completed");
}

TEST_F(A2a, ResubscribeToAFinishedTaskSendsTheSnapshotAndCloses) {
    const std::string id(send("done").at("result").at("id").as_string());
    json::object req{
        {"jsonrpc", "2.0"}, {"id", 9}, {"method", "tasks/resubscribe"}, {"params", json::object{{"id", id}}}};
    auto s = open_sse(port(), "/agents/assistant", json::serialize(req));
    auto events = s.reader->rest();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(json::parse(events[0].data).at("result").at("status").at("state"), "completed");
    // With Last-Event-ID 1 (the working status), the logged events after it are replayed instead.
    auto replay = open_sse(port(), "/agents/assistant", json::serialize(req), {{"Last-Event-ID", "1"}});
    auto logged = replay.reader->rest();
    ASSERT_GE(logged.size(), 2u);
    EXPECT_EQ(json::parse(logged.front().data).at("result").at("kind"), "artifact-update");
    EXPECT_EQ(json::parse(logged.back().data).at("result").at("final"), true);
}

TEST_F(A2a, ResubscribeToAnUnknownTaskIsAnErrorEventOnAStream) {
    json::object req{
        {"jsonrpc", "2.0"}, {"id", 3}, {"method", "tasks/resubscribe"}, {"params", json::object{{"id", "nope"}}}};
    auto s = open_sse(port(), "/agents/assistant", json::serialize(req));
    EXPECT_EQ(s.headers.status, 200);
    EXPECT_EQ(s.headers.header("content-type"), "text/event-stream");
    auto events = s.reader->rest();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].event, "error");
    EXPECT_EQ(json::parse(events[0].data).at("error").at("code"), -32001);
}

TEST_F(A2a, CancelErrors) {
    const std::string id(send("x").at("result").at("id").as_string());
    EXPECT_EQ(error_code(call("tasks/cancel", json::object{{"id", id}})), -32002);
    EXPECT_EQ(error_code(call("tasks/cancel", json::object{{"id", "no-such-task"}})), -32001);
}

TEST_F(A2a, TasksAreOwnedByTheirAgent) {
    const std::string id(send("mine").at("result").at("id").as_string());
    EXPECT_EQ(error_code(call("tasks/get", json::object{{"id", id}}, "other")), -32001);
    EXPECT_EQ(call("tasks/get", json::object{{"id", id}}).at("result").at("id").as_string(), id);
}

TEST_F(A2a, EnvelopeErrorsInTheSpecOrder) {
    auto parse = rpc("{not json");
    EXPECT_EQ(error_code(parse), -32700);
    EXPECT_TRUE(parse.at("id").is_null());
    EXPECT_EQ(error_code(rpc("[]")), -32600);
    EXPECT_EQ(error_code(rpc(R"({"jsonrpc":"1.0","id":1,"method":"tasks/get","params":{"id":"x"}})")), -32600);
    EXPECT_EQ(error_code(rpc(R"({"jsonrpc":"2.0","id":{},"method":"tasks/get"})")), -32600);
    auto unknown = rpc(R"({"jsonrpc":"2.0","method":"message/ssend","params":{}})");
    EXPECT_EQ(error_code(unknown), -32601);
    EXPECT_TRUE(unknown.at("id").is_null());
    auto missing = call("message/send", json::object{});
    EXPECT_EQ(error_code(missing), -32602);
    EXPECT_NE(json::serialize(missing.at("error")).find("message"), std::string::npos);
    EXPECT_EQ(error_code(call("message/send", json::object{{"message", json::object{{"kind", "message"}}}})), -32602);
    EXPECT_EQ(error_code(call("agent/getAuthenticatedExtendedCard", json::object{})), -32007);
}

// A blocking send waits for the end only: however many events the run makes before it, none queues up for the
// caller, so a subscriber queue of one event never drops the caller before the answer (JSON-RPC and REST alike).
TEST(A2aBlocking, ASendWaitsForTheEndWhateverTheEventsBeforeIt) {
    HectorServer server({.config_yaml = std::string(kConfig) + "server:\n  limits: {subscriber_queue: 1}\n"});
    const std::string text(400, 'x');  // the echo model answers in several chunks: several events
    auto params = [&](const std::string& message_id) {
        json::object message{{"role", "user"}, {"messageId", message_id}};
        message["parts"] = json::array{json::object{{"kind", "text"}, {"text", text}}};
        return json::object{{"message", message}};
    };
    for (int i = 0; i < 10; ++i) {
        json::object req{{"jsonrpc", "2.0"}, {"id", i}, {"method", "message/send"}};
        req["params"] = params("m" + std::to_string(i));
        auto r = post_json(server.port(), "/agents/assistant", json::serialize(req));
        ASSERT_EQ(r.status, 200) << r.body;
        auto task = json::parse(r.body).at("result");
        EXPECT_EQ(task.at("status").at("state"), "completed") << r.body;
        EXPECT_EQ(task.at("artifacts").at(0).at("parts").at(0).at("text").as_string(), "Echo: " + text);
        auto rest = post_json(server.port(), "/agents/assistant/message:send",
                              json::serialize(params("r" + std::to_string(i))));
        ASSERT_EQ(rest.status, 200) << rest.body;
        EXPECT_EQ(json::parse(rest.body).at("status").at("state"), "completed") << rest.body;
    }
}

// A stream whose subscriber falls too far behind is dropped, never the task (DECISIONS 27), and says so: its last
// event is an error naming tasks/resubscribe, and the task still completes. A queue of one event guarantees it.
TEST(A2aStreams, ADroppedStreamEndsWithAnErrorAndTheTaskGoesOn) {
    HectorServer server({.config_yaml = std::string(kConfig) + "server:\n  limits: {subscriber_queue: 1}\n"});
    json::object message{{"role", "user"}, {"messageId", "dropped-1"}};
    message["parts"] = json::array{json::object{{"kind", "text"}, {"text", std::string(400, 'x')}}};
    json::object req{{"jsonrpc", "2.0"}, {"id", 7}, {"method", "message/stream"}};
    req["params"] = json::object{{"message", message}};
    auto s = open_sse(server.port(), "/agents/assistant", json::serialize(req));
    ASSERT_EQ(s.headers.status, 200);
    auto events = s.reader->rest();
    ASSERT_GE(events.size(), 2u);
    EXPECT_EQ(events.front().event, "task");
    const std::string task_id(json::parse(events.front().data).at("result").at("id").as_string());
    ASSERT_EQ(events.back().event, "error");
    auto error = json::parse(events.back().data);
    EXPECT_EQ(error.at("id"), 7);
    EXPECT_EQ(error.at("error").at("code"), -32603);
    EXPECT_NE(json::serialize(error).find("tasks/resubscribe"), std::string::npos) << events.back().data;

    // The REST alias ends the same way, with the error in its own shape.
    auto rest = open_sse(
        server.port(), "/agents/assistant/message:stream",
        json::serialize(json::object{
            {"message", json::object{{"role", "user"}, {"messageId", "dropped-2"}, {"parts", message["parts"]}}}}));
    auto rest_events = rest.reader->rest();
    ASSERT_FALSE(rest_events.empty());
    EXPECT_EQ(rest_events.back().event, "error");

    // The task went on without the stream.
    std::string state;
    for (int i = 0; i < 100 && state != "completed"; ++i) {
        json::object get{{"jsonrpc", "2.0"}, {"id", 8}, {"method", "tasks/get"}};
        get["params"] = json::object{{"id", task_id}};
        auto r = post_json(server.port(), "/agents/assistant", json::serialize(get));
        state = std::string(json::parse(r.body).at("result").at("status").at("state").as_string());
        if (state != "completed") std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(state, "completed");
}

TEST_F(A2a, AliasesReachTheSameHandlers) {
    auto r = call("message:send", json::object{{"message", user_message("alias")}});
    EXPECT_EQ(r.at("result").at("status").at("state"), "completed");
    const std::string id(r.at("result").at("id").as_string());
    auto set =
        call("tasks/pushNotification/set",
             json::object{{"id", id}, {"pushNotificationConfig", json::object{{"url", "https://example.com/hook"}}}});
    EXPECT_EQ(set.at("result").at("taskId").as_string(), id);
    auto get = call("tasks/pushNotification/get", json::object{{"id", id}});
    EXPECT_EQ(get.at("result").at("pushNotificationConfig").at("url"), "https://example.com/hook");
}

TEST_F(A2a, PushConfigLifecycle) {
    const std::string id(send("p").at("result").at("id").as_string());
    auto set =
        call("tasks/pushNotificationConfig/set",
             json::object{{"taskId", id},
                          {"pushNotificationConfig",
                           json::object{{"id", "hook-a"},
                                        {"url", "https://example.com/a"},
                                        {"authentication", json::object{{"type", "bearer"}, {"token", "t0k"}}}}}});
    const auto& cfg = set.at("result").at("pushNotificationConfig");
    EXPECT_EQ(cfg.at("id"), "hook-a");
    EXPECT_EQ(cfg.at("authentication").at("schemes").at(0), "Bearer");
    EXPECT_EQ(cfg.at("authentication").at("credentials"), "t0k");
    call("tasks/pushNotificationConfig/set",
         json::object{{"taskId", id},
                      {"pushNotificationConfig", json::object{{"id", "hook-b"}, {"url", "https://example.com/b"}}}});
    auto list = call("tasks/pushNotificationConfig/list", json::object{{"id", id}});
    EXPECT_EQ(list.at("result").as_array().size(), 2u);
    auto b = call("tasks/pushNotificationConfig/get", json::object{{"id", id}, {"pushNotificationConfigId", "hook-b"}});
    EXPECT_EQ(b.at("result").at("pushNotificationConfig").at("url"), "https://example.com/b");
    auto del =
        call("tasks/pushNotificationConfig/delete", json::object{{"id", id}, {"pushNotificationConfigId", "hook-a"}});
    EXPECT_TRUE(del.at("result").is_null());
    EXPECT_EQ(call("tasks/pushNotificationConfig/list", json::object{{"id", id}}).at("result").as_array().size(), 1u);
    EXPECT_EQ(error_code(call("tasks/pushNotificationConfig/delete",
                              json::object{{"id", id}, {"pushNotificationConfigId", "hook-a"}})),
              -32001);
    EXPECT_EQ(
        error_code(call("tasks/pushNotificationConfig/set",
                        json::object{{"taskId", id}, {"pushNotificationConfig", json::object{{"url", "ftp://x"}}}})),
        -32602);
    EXPECT_EQ(error_code(call("tasks/pushNotificationConfig/set",
                              json::object{{"taskId", "ghost"},
                                           {"pushNotificationConfig", json::object{{"url", "https://example.com"}}}})),
              -32001);
}

TEST_F(A2a, SameMessageIdReturnsTheSameTask) {
    auto m = user_message("once", "ctx-idem");
    m["messageId"] = "msg-42";
    auto a = call("message/send", json::object{{"message", m}});
    auto b = call("message/send", json::object{{"message", m}});
    EXPECT_EQ(a.at("result").at("id"), b.at("result").at("id"));
}

TEST_F(A2a, FilePartsAreCheckedAgainstInputModes) {
    json::object m{
        {"role", "user"},
        {"parts", json::array{json::object{{"kind", "file"},
                                           {"file", json::object{{"mimeType", "image/png"}, {"bytes", "aGk="}}}}}}};
    auto r = call("message/send", json::object{{"message", m}});
    EXPECT_EQ(error_code(r), -32005);
    EXPECT_NE(json::serialize(r).find("parts[0]"), std::string::npos);
}

TEST_F(A2a, UnknownAndPrivateAgentsAreHttp404) {
    std::string body = R"({"jsonrpc":"2.0","id":1,"method":"tasks/get","params":{"id":"x"}})";
    EXPECT_EQ(post_json(port(), "/agents/nobody", body).status, 404);
    EXPECT_EQ(post_json(port(), "/agents/hidden", body).status, 404);
}

TEST_F(A2a, RestAliasesAnswerBareObjects) {
    auto r = post_json(port(), "/agents/assistant/message:send",
                       json::serialize(json::object{{"message", user_message("rest")}, {"session_id", "rest-ctx"}}));
    ASSERT_EQ(r.status, 200) << r.body;
    auto task = json::parse(r.body);
    EXPECT_EQ(task.at("kind"), "task");
    EXPECT_EQ(task.at("contextId"), "rest-ctx");
    EXPECT_EQ(task.at("status").at("state"), "completed");
    auto bad = post_json(port(), "/agents/assistant/message:send", "{}");
    EXPECT_GE(bad.status, 400);
    EXPECT_LT(bad.status, 500);
    EXPECT_TRUE(json::parse(bad.body).at("code").is_int64());
    auto s = open_sse(port(), "/agents/assistant/message:stream",
                      json::serialize(json::object{{"message", user_message("rest stream")}}));
    auto events = s.reader->rest();
    ASSERT_GE(events.size(), 3u);
    EXPECT_EQ(json::parse(events.front().data).at("kind"), "task");
    EXPECT_EQ(json::parse(events.back().data).at("final"), true);
}

TEST_F(A2a, HostileRequestsGetErrorsAndTheServerKeepsServing) {
    EXPECT_EQ(error_code(rpc(std::string(10000, '[') + std::string(10000, ']'))), -32700);
    EXPECT_EQ(error_code(rpc("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tasks/get\",\"params\":{\"id\":\"\xff\"}}")),
              -32700);
    EXPECT_EQ(error_code(call("tasks/get", json::object{{"id", 5}})), -32602);
    EXPECT_EQ(error_code(call("tasks/get", json::object{{"id", std::string(300, 'a')}})), -32602);
    EXPECT_EQ(error_code(call("message/send", json::object{{"message", "not an object"}})), -32602);
    json::array many;
    for (int i = 0; i < 101; ++i) many.push_back(json::object{{"kind", "text"}, {"text", "x"}});
    EXPECT_EQ(
        error_code(call("message/send", json::object{{"message", json::object{{"role", "user"}, {"parts", many}}}})),
        -32602);
    // A large but allowed text is answered normally.
    auto big = send(std::string(2 * 1024 * 1024, 'z'));
    EXPECT_EQ(big.at("result").at("status").at("state"), "completed");
    EXPECT_EQ(get(port(), "/health").status, 200);
}

}  // namespace
}  // namespace hector::test
