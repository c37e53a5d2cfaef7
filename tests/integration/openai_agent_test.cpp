// An LLM agent on the OpenAI provider, against a fake chat-completions server speaking the real wire format:
// conversations, streaming, cancel mid-stream, resubscribe, concurrent subscribers, errors, retries, push.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <csignal>
#include <future>
#include <thread>

#include "support/fake_openai.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/receiver.hpp"
#include "support/sse_client.hpp"

namespace hector::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string config_for(const FakeOpenAi& fake) {
    return R"(
llms:
  gpt:
    provider: openai
    model: gpt-4o-mini
    api_key: sk-test-key
    base_url: )" +
           fake.base_url() +
           R"(
    temperature: 0.3
    max_tokens: 321
    max_retries: 2
agents:
  assistant:
    llm: gpt
    instruction: You are a terse test assistant.
  quiet:
    llm: gpt
    streaming: false
server:
  outbound:
    allow_private_networks: true
)";
}

class OpenAiAgent : public ::testing::Test {
  protected:
    void SetUp() override {
        server_ = std::make_unique<HectorServer>(HectorServer::Options{.config_yaml = config_for(fake_)});
    }
    int port() const { return server_->port(); }

    json::value call(const std::string& method, const json::value& params, const std::string& agent = "assistant") {
        json::object req{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
        auto r = post_json(port(), "/agents/" + agent, json::serialize(req));
        EXPECT_EQ(r.status, 200) << r.body;
        return json::parse(r.body);
    }
    static json::object message(const std::string& text, const std::string& context = "") {
        json::object m{{"role", "user"}, {"parts", json::array{json::object{{"kind", "text"}, {"text", text}}}}};
        if (!context.empty()) m["contextId"] = context;
        return m;
    }
    SseCall stream(const std::string& text) {
        json::object req{{"jsonrpc", "2.0"},
                         {"id", 1},
                         {"method", "message/stream"},
                         {"params", json::object{{"message", message(text)}}}};
        return open_sse(port(), "/agents/assistant", json::serialize(req));
    }
    SseCall resubscribe(const std::string& task_id) {
        json::object req{
            {"jsonrpc", "2.0"}, {"id", 2}, {"method", "tasks/resubscribe"}, {"params", json::object{{"id", task_id}}}};
        return open_sse(port(), "/agents/assistant", json::serialize(req));
    }
    static json::value result_of(const SseEvent& e) { return json::parse(e.data).at("result"); }

    FakeOpenAi fake_;
    std::unique_ptr<HectorServer> server_;
};

TEST_F(OpenAiAgent, RequestsCarryTheConfiguredParameters) {
    auto r = call("message/send", json::object{{"message", message("ping")}});
    EXPECT_EQ(r.at("result").at("status").at("state"), "completed");
    EXPECT_EQ(r.at("result").at("artifacts").at(0).at("parts").at(0).at("text"), "fake: ping");
    auto reqs = fake_.requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].path, "/v1/chat/completions");
    EXPECT_EQ(reqs[0].headers.at("authorization"), "Bearer sk-test-key");
    const auto& body = reqs[0].body.as_object();
    EXPECT_EQ(body.at("model"), "gpt-4o-mini");
    EXPECT_EQ(body.at("max_tokens"), 321);
    EXPECT_DOUBLE_EQ(body.at("temperature").to_number<double>(), 0.3);
    EXPECT_EQ(body.at("stream"), true);
    const auto& msgs = body.at("messages").as_array();
    EXPECT_EQ(msgs.at(0).at("role"), "system");
    EXPECT_EQ(msgs.at(0).at("content"), "You are a terse test assistant.");
    EXPECT_EQ(msgs.back().at("content"), "ping");
}

TEST_F(OpenAiAgent, TheSecondTurnSeesTheFirst) {
    call("message/send", json::object{{"message", message("my name is Ada", "conv-1")}});
    call("message/send", json::object{{"message", message("what is my name?", "conv-1")}});
    auto reqs = fake_.requests();
    ASSERT_EQ(reqs.size(), 2u);
    const auto& msgs = reqs[1].body.at("messages").as_array();
    ASSERT_EQ(msgs.size(), 4u);  // system, turn 1 user, turn 1 answer, turn 2 user
    EXPECT_EQ(msgs[1].at("content"), "my name is Ada");
    EXPECT_EQ(msgs[2].at("role"), "assistant");
    EXPECT_EQ(msgs[2].at("content"), "fake: my name is Ada");
    EXPECT_EQ(msgs[3].at("content"), "what is my name?");
    // Another conversation does not see it.
    call("message/send", json::object{{"message", message("hello", "conv-2")}});
    EXPECT_EQ(fake_.requests()[2].body.at("messages").as_array().size(), 2u);
}

TEST_F(OpenAiAgent, StreamingDeliversSeveralArtifactChunksBeforeTheFinalEvent) {
    fake_.enqueue({.text = "one two three four five", .chunks = {"one ", "two ", "three ", "four ", "five"}});
    auto s = stream("count");
    auto events = s.reader->rest();
    int artifacts = 0;
    std::string text;
    for (const auto& e : events) {
        auto r = result_of(e);
        if (r.at("kind") == "artifact-update") {
            ++artifacts;
            for (const auto& p : r.at("artifact").at("parts").as_array()) text += std::string(p.at("text").as_string());
        }
    }
    EXPECT_GE(artifacts, 5);
    EXPECT_EQ(text, "one two three four five");
    EXPECT_EQ(result_of(events.back()).at("status").at("state"), "completed");
}

// Every chunk's artifact-update event has the same shape whatever its text holds: quotes, backslashes, controls,
// non-ASCII. (Chunks after the first are written from a template the codec made on the first.)
TEST_F(OpenAiAgent, StreamedChunksWithAwkwardTextKeepTheEventShape) {
    const std::vector<std::string> chunks = {"first \"quoted\" ",
                                             "back\\slash ",
                                             "line\nbreak\ttab ",
                                             std::string("ctl\x01\x1f "),
                                             "\xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80",
                                             ""};
    std::string all;
    for (const auto& c : chunks) all += c;
    fake_.enqueue({.text = all, .chunks = chunks});
    // A client's contextId may hold any printable ASCII: here what the event template looks for (the text marker's
    // and the append flag's spelling), which must not confuse it.
    const std::string context = R"(c"append":false,"x\u0001")";
    json::object req{{"jsonrpc", "2.0"},
                     {"id", 1},
                     {"method", "message/stream"},
                     {"params", json::object{{"message", message("awkward", context)}}}};
    auto s = open_sse(port(), "/agents/assistant", json::serialize(req));
    auto events = s.reader->rest();
    ASSERT_GE(events.size(), 3u);
    const auto task = result_of(events.front());
    ASSERT_EQ(task.at("kind"), "task");
    std::string text, artifact_id;
    int seen = 0;
    for (const auto& e : events) {
        auto r = result_of(e).as_object();
        if (r.at("kind") != "artifact-update") continue;
        EXPECT_EQ(r.at("taskId"), task.at("id"));
        EXPECT_EQ(r.at("contextId"), task.at("contextId"));
        EXPECT_EQ(r.at("contextId"), context.c_str());
        const auto& a = r.at("artifact").as_object();
        if (artifact_id.empty()) artifact_id = std::string(a.at("artifactId").as_string());
        EXPECT_EQ(a.at("artifactId"), artifact_id.c_str());
        EXPECT_EQ(a.at("name"), "answer");
        EXPECT_EQ(r.at("append"), seen > 0) << e.data;
        const bool last = r.at("lastChunk").as_bool();
        const auto& parts = a.at("parts").as_array();
        if (!last) {
            ASSERT_EQ(parts.size(), 1u) << e.data;
            EXPECT_EQ(parts[0].at("kind"), "text");
            EXPECT_EQ(parts[0].at("type"), "text");
        }
        for (const auto& p : parts) text += std::string(p.at("text").as_string());
        EXPECT_EQ(r.size(), 6u) << e.data;  // kind, taskId, contextId, artifact, append, lastChunk
        ++seen;
    }
    EXPECT_GE(seen, 5);
    EXPECT_EQ(text, all);
    EXPECT_EQ(result_of(events.back()).at("status").at("state"), "completed");
}

// A model that sends thousands of chunks at once (a fast local model) must not outrun a client that reads as fast
// as it can: every chunk and the final event reach it. (Each subscriber may queue 1,024 events; the run lets the
// stream's writer drain between batches instead of dropping a subscriber that is not slow.)
TEST_F(OpenAiAgent, AStreamOfThousandsOfChunksReachesTheClientWhole) {
    const auto burst = FakeOpenAi::Reply::chunked(3000);
    fake_.enqueue(burst);
    auto s = stream("a long one");
    auto events = s.reader->rest();
    ASSERT_FALSE(events.empty());
    std::string text;
    for (const auto& e : events) {
        auto r = result_of(e);
        if (r.at("kind") == "artifact-update")
            for (const auto& p : r.at("artifact").at("parts").as_array()) text += std::string(p.at("text").as_string());
    }
    EXPECT_TRUE(text == burst.text) << "received " << text.size() << " of " << burst.text.size() << " bytes";
    EXPECT_EQ(result_of(events.back()).at("status").at("state"), "completed");
}

TEST_F(OpenAiAgent, NonStreamingAgentsAnswerInOnePiece) {
    json::object req{{"jsonrpc", "2.0"},
                     {"id", 1},
                     {"method", "message/stream"},
                     {"params", json::object{{"message", message("hi")}}}};
    auto s = open_sse(port(), "/agents/quiet", json::serialize(req));
    auto events = s.reader->rest();
    int artifacts = 0;
    for (const auto& e : events)
        if (result_of(e).at("kind") == "artifact-update") ++artifacts;
    EXPECT_EQ(artifacts, 2);  // the whole answer, then the closing lastChunk
    EXPECT_FALSE(fake_.requests().at(0).body.as_object().contains("stream"));
}

TEST_F(OpenAiAgent, CancelWhileStreamingStopsTheModelRequest) {
    FakeOpenAi::Reply slow;
    slow.text = std::string(200, 'x');
    for (int i = 0; i < 200; ++i) slow.chunks.push_back("x");
    slow.chunk_delay = 100ms;
    fake_.enqueue(slow);
    auto s = stream("long story");
    auto first = s.reader->next();
    ASSERT_TRUE(first);
    const std::string task_id(result_of(*first).at("id").as_string());
    // Wait until text is flowing, then cancel.
    for (int i = 0; i < 10; ++i) {
        auto e = s.reader->next();
        ASSERT_TRUE(e);
        if (result_of(*e).at("kind") == "artifact-update") break;
    }
    auto canceled = call("tasks/cancel", json::object{{"id", task_id}});
    EXPECT_EQ(canceled.at("result").at("status").at("state"), "canceled");
    auto rest = s.reader->rest();
    ASSERT_FALSE(rest.empty());
    auto last = result_of(rest.back());
    EXPECT_EQ(last.at("final"), true);
    EXPECT_EQ(last.at("status").at("state"), "canceled");
    EXPECT_TRUE(fake_.wait_for_disconnect(5s));  // the provider saw the request go away
    EXPECT_EQ(call("tasks/get", json::object{{"id", task_id}}).at("result").at("status").at("state"), "canceled");
}

TEST_F(OpenAiAgent, ResubscribeWhileRunningAndConcurrentSubscribersSeeTheSameEvents) {
    FakeOpenAi::Reply slow;
    slow.text = "abcdefghij";
    slow.chunks = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
    slow.chunk_delay = 60ms;
    fake_.enqueue(slow);
    auto r = call("message/send",
                  json::object{{"message", message("go")}, {"configuration", json::object{{"blocking", false}}}});
    const std::string task_id(r.at("result").at("id").as_string());
    auto a = resubscribe(task_id);
    auto b = resubscribe(task_id);
    auto ea = a.reader->rest();
    auto eb = b.reader->rest();
    ASSERT_FALSE(ea.empty());
    EXPECT_EQ(result_of(ea.front()).at("kind"), "task");  // a snapshot first
    EXPECT_EQ(result_of(ea.back()).at("final"), true);
    // After their snapshots, both subscribers received the same events with the same ids.
    auto tail = [](const std::vector<SseEvent>& v, long after) {
        std::vector<std::string> out;
        for (const auto& e : v)
            if (std::stol(e.id) > after) out.push_back(e.id + "|" + e.data);
        return out;
    };
    long after = std::max(std::stol(ea.front().id), std::stol(eb.front().id));
    EXPECT_EQ(tail(ea, after), tail(eb, after));
    EXPECT_FALSE(tail(ea, after).empty());
}

TEST_F(OpenAiAgent, AResubscriptionWithNothingToSendYetGetsItsHeadAtOnce) {
    // The head of a stream waits for the body's first write, so that both go out together; a stream with nothing
    // to write yet (no snapshot after Last-Event-ID, no new event) must still answer its head before it waits.
    FakeOpenAi::Reply slow;
    slow.text = "late";
    slow.delay = 4s;
    fake_.enqueue(slow);
    auto r = call("message/send",
                  json::object{{"message", message("go")}, {"configuration", json::object{{"blocking", false}}}});
    const std::string task_id(r.at("result").at("id").as_string());
    // Once it runs, its log holds one event (working); resuming after it leaves nothing to send.
    for (int i = 0; i < 200 && fake_.request_count() == 0; ++i) std::this_thread::sleep_for(10ms);
    ASSERT_EQ(fake_.request_count(), 1u);
    json::object req{
        {"jsonrpc", "2.0"}, {"id", 2}, {"method", "tasks/resubscribe"}, {"params", json::object{{"id", task_id}}}};
    auto s = open_sse(port(), "/agents/assistant", json::serialize(req), {{"Last-Event-ID", "1"}});
    EXPECT_EQ(s.headers.status, 200);
    EXPECT_EQ(s.headers.header("content-type"), "text/event-stream");
    // The head came while the model was still silent: the task has no answer yet.
    auto task = call("tasks/get", json::object{{"id", task_id}});
    EXPECT_EQ(task.at("result").at("status").at("state"), "working");
    EXPECT_FALSE(task.at("result").as_object().contains("artifacts") &&
                 !task.at("result").at("artifacts").as_array().empty());
    auto events = s.reader->rest();
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(result_of(events.front()).at("kind"), "artifact-update");  // no snapshot: the events after 1
    EXPECT_EQ(result_of(events.back()).at("final"), true);
}

TEST_F(OpenAiAgent, ProviderErrorsFailTheTaskWithTheirMessage) {
    fake_.enqueue({.status = 400, .error_message = "context length exceeded"});
    auto r = call("message/send", json::object{{"message", message("too long")}});
    const auto& status = r.at("result").at("status");
    EXPECT_EQ(status.at("state"), "failed");
    auto text = std::string(status.at("message").at("parts").at(0).at("text").as_string());
    EXPECT_NE(text.find("context length exceeded"), std::string::npos) << text;
    EXPECT_EQ(fake_.request_count(), 1u);  // a 400 is not retried
}

TEST_F(OpenAiAgent, RateLimitsAndServerErrorsAreRetried) {
    fake_.enqueue({.status = 429, .error_message = "slow down", .headers = {{"Retry-After", "0"}}});
    fake_.enqueue({.status = 503, .error_message = "overloaded"});
    auto r = call("message/send", json::object{{"message", message("persist")}});
    EXPECT_EQ(r.at("result").at("status").at("state"), "completed");
    EXPECT_EQ(fake_.request_count(), 3u);
}

TEST_F(OpenAiAgent, PushNotificationsReachTheReceiverWithTheBearerToken) {
    Receiver receiver;
    FakeOpenAi::Reply slow;
    slow.text = "done";
    slow.delay = 300ms;
    fake_.enqueue(slow);
    auto r = call(
        "message/send",
        json::object{{"message", message("notify me")},
                     {"configuration",
                      json::object{{"blocking", false},
                                   {"pushNotificationConfig",
                                    json::object{{"url", receiver.url()},
                                                 {"token", "opaque-123"},
                                                 {"authentication", json::object{{"schemes", json::array{"Bearer"}},
                                                                                 {"credentials", "s3cret"}}}}}}}});
    const std::string task_id(r.at("result").at("id").as_string());
    ASSERT_TRUE(receiver.wait_for(2, 10s));  // working, then completed
    auto got = receiver.requests();
    for (const auto& req : got) {
        EXPECT_EQ(req.method, "POST");
        EXPECT_EQ(req.headers.at("authorization"), "Bearer s3cret");
        EXPECT_EQ(req.headers.at("x-a2a-notification-token"), "opaque-123");
        EXPECT_EQ(json::parse(req.body).at("id").as_string(), task_id);
    }
    bool saw_completed = false;
    for (int i = 0; i < 50 && !saw_completed; ++i) {
        for (const auto& req : receiver.requests())
            saw_completed = saw_completed || json::parse(req.body).at("status").at("state") == "completed";
        if (!saw_completed) std::this_thread::sleep_for(100ms);
    }
    EXPECT_TRUE(saw_completed);
}

TEST_F(OpenAiAgent, FailingPushReceiversNeverFailTheTask) {
    Receiver receiver;
    receiver.script({500, 500, 500, 500, 500, 500});
    auto r = call("message/send",
                  json::object{{"message", message("x")},
                               {"configuration",
                                json::object{{"pushNotificationConfig", json::object{{"url", receiver.url()}}}}}});
    EXPECT_EQ(r.at("result").at("status").at("state"), "completed");
    ASSERT_TRUE(receiver.wait_for(2, 10s));  // retried
}

}  // namespace
}  // namespace hector::test

namespace hector::test {
namespace {

// DECISIONS 33: during the drain /health and new requests answer 503 while open streams go on; streams still open
// at the end of the drain get a final `failed` event; the process exits 0.
TEST(Shutdown, DrainRefusesNewWorkAndFailsRunsStillGoingAtTheEnd) {
    FakeOpenAi fake;
    FakeOpenAi::Reply hang;
    hang.hang = true;
    fake.enqueue(hang);
    std::string config = config_for(fake) + "  shutdown_timeout: 2s\n";
    HectorServer server({.config_yaml = config});
    json::object req{
        {"jsonrpc", "2.0"},
        {"id", 1},
        {"method", "message/stream"},
        {"params",
         json::object{
             {"message", json::object{{"role", "user"},
                                      {"parts", json::array{json::object{{"kind", "text"}, {"text", "wait"}}}}}}}}};
    auto s = open_sse(server.port(), "/agents/assistant", json::serialize(req));
    ASSERT_TRUE(s.reader->next());  // the task snapshot: the run is going
    ASSERT_TRUE(fake.wait_for_requests(1, 5s));
    server.process().signal(SIGTERM);
    ASSERT_TRUE(server.process().wait_for_output("draining", 5s));
    auto health = get(server.port(), "/health");
    EXPECT_EQ(health.status, 503);
    EXPECT_EQ(json::parse(health.body).at("status"), "shutting_down");
    auto refused = get(server.port(), "/agents");
    EXPECT_EQ(refused.status, 503);
    EXPECT_FALSE(refused.header("retry-after").empty());
    auto rest = s.reader->rest();
    ASSERT_FALSE(rest.empty());
    auto last = json::parse(rest.back().data).at("result");
    EXPECT_EQ(last.at("final"), true);
    EXPECT_EQ(last.at("status").at("state"), "failed");
    EXPECT_NE(json::serialize(last).find("server shutting down"), std::string::npos);
    EXPECT_EQ(server.process().wait(10s), 0);
}

}  // namespace
}  // namespace hector::test
