// The Ollama provider against a fake Ollama chat API over real loopback HTTP.
#include "hector/llm/ollama/ollama_model.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/fake_ollama.hpp"
#include "unit/llm/llm_test_util.hpp"

namespace hector::llm {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using test::FakeOllama;
using testing::llm_config;
using testing::user_request;

class OllamaModelTest : public ::testing::Test {
  protected:
    OllamaModel model() { return OllamaModel(llm_config("ollama", "qwen3", fake_.base_url(), ""), runtime_.http()); }

    FakeOllama fake_;
    testing::ProviderRuntime runtime_;
};

TEST_F(OllamaModelTest, RequestCarriesTheChatShapeWithoutAKey) {
    auto m = model();
    auto out = runtime_.generate(m, user_request("hello"), false);
    ASSERT_TRUE(out->ok()) << out->error().message;
    EXPECT_EQ((*out)->text, "fake: hello");
    EXPECT_EQ((*out)->finish_reason, "stop");
    EXPECT_EQ((*out)->usage.prompt_tokens, 11);
    EXPECT_EQ((*out)->usage.completion_tokens, 7);

    auto reqs = fake_.requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].path, "/api/chat");
    EXPECT_EQ(reqs[0].headers.count("authorization"), 0u);
    EXPECT_EQ(reqs[0].body, json::parse(R"({"model":"qwen3","stream":false,
        "messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"hello"}],
        "options":{"temperature":0.3,"num_predict":321}})"));
}

TEST_F(OllamaModelTest, StreamsNdjsonInSeveralDeltas) {
    fake_.enqueue(
        {.text = "one two three", .chunks = {"one ", "two ", "three"}, .prompt_tokens = 20, .completion_tokens = 3});
    auto m = model();
    auto out = runtime_.generate(m, user_request("count"), true);
    ASSERT_TRUE(out->ok()) << out->error().message;
    EXPECT_EQ(out.count(Delta::Kind::text), 3);
    EXPECT_EQ(out.joined(Delta::Kind::text), "one two three");
    EXPECT_EQ((*out)->text, "one two three");
    EXPECT_EQ((*out)->usage.prompt_tokens, 20);
    EXPECT_EQ((*out)->usage.completion_tokens, 3);
    EXPECT_EQ(fake_.requests().at(0).body.at("stream"), true);
}

TEST_F(OllamaModelTest, ToolRoundTripUsesObjectArgumentsAndToolMessages) {
    fake_.enqueue(
        {.tool_calls = {{"", "get_weather", R"({"city":"Paris"})"}, {"", "get_weather", R"({"city":"Rome"})"}}});
    auto m = model();
    auto request = user_request("weather?");
    request.tools.push_back(testing::weather_tool());
    auto first = runtime_.generate(m, request, true);
    ASSERT_TRUE(first->ok()) << first->error().message;
    const auto calls = (*first)->tool_calls;
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].name, "get_weather");
    EXPECT_EQ(json::parse(calls[0].arguments), json::parse(R"({"city":"Paris"})"));
    EXPECT_FALSE(calls[0].id.empty());
    EXPECT_NE(calls[0].id, calls[1].id);
    EXPECT_EQ((*first)->finish_reason, "tool_calls");
    ASSERT_EQ(first.count(Delta::Kind::tool_call), 2);
    EXPECT_EQ(first.deltas[0].id, calls[0].id);
    EXPECT_EQ(first.deltas[0].name, "get_weather");
    EXPECT_EQ(json::parse(first.deltas[0].text), json::parse(R"({"city":"Paris"})"));

    EXPECT_EQ(fake_.requests().at(0).body.at("tools"), json::parse(R"([{"type":"function","function":{
        "name":"get_weather","description":"The weather in a city","parameters":{"type":"object",
        "properties":{"city":{"type":"string","description":"City name"}},"required":["city"]}}}])"));

    request.messages.push_back({.role = ChatMessage::Role::assistant, .tool_calls = calls});
    request.messages.push_back(
        {.role = ChatMessage::Role::tool, .text = "18C", .tool_call_id = calls[0].id, .tool_name = "get_weather"});
    request.messages.push_back({.role = ChatMessage::Role::tool,
                                .text = "no data",
                                .tool_call_id = calls[1].id,
                                .tool_name = "get_weather",
                                .is_error = true});
    auto second = runtime_.generate(m, request, false);
    ASSERT_TRUE(second->ok()) << second->error().message;
    auto expected = json::parse(R"([
        {"role":"system","content":"You are terse."},
        {"role":"user","content":"weather?"},
        {"role":"assistant","content":"","tool_calls":[
            {"id":"ID0","function":{"name":"get_weather","arguments":{"city":"Paris"}}},
            {"id":"ID1","function":{"name":"get_weather","arguments":{"city":"Rome"}}}]},
        {"role":"tool","content":"18C","tool_name":"get_weather","tool_call_id":"ID0"},
        {"role":"tool","content":"no data","tool_name":"get_weather","tool_call_id":"ID1"}])");
    auto& msgs = expected.as_array();
    msgs[2].at("tool_calls").as_array()[0].as_object()["id"] = calls[0].id;
    msgs[2].at("tool_calls").as_array()[1].as_object()["id"] = calls[1].id;
    msgs[3].as_object()["tool_call_id"] = calls[0].id;
    msgs[4].as_object()["tool_call_id"] = calls[1].id;
    EXPECT_EQ(fake_.requests().at(1).body.at("messages"), expected);
}

TEST_F(OllamaModelTest, CallIdsOllamaGaveAreKept) {
    fake_.enqueue({.tool_calls = {{"call_abc", "get_weather", R"({"city":"Lima"})"}}});
    auto m = model();
    auto out = runtime_.generate(m, user_request("weather?"), false);
    ASSERT_TRUE(out->ok()) << out->error().message;
    ASSERT_EQ((*out)->tool_calls.size(), 1u);
    EXPECT_EQ((*out)->tool_calls[0].id, "call_abc");
    EXPECT_EQ((*out)->finish_reason, "tool_calls");
}

TEST_F(OllamaModelTest, ThinkingStreamsApartFromTheAnswer) {
    fake_.enqueue({.text = "It is 42.", .thinking = "six times seven", .thinking_chunks = {"six ", "times seven"}});
    auto m = model();
    auto request = user_request("answer?");
    request.thinking = {true, 0};
    auto out = runtime_.generate(m, request, true);
    ASSERT_TRUE(out->ok()) << out->error().message;
    EXPECT_EQ(out.count(Delta::Kind::thinking), 2);
    EXPECT_EQ(out.joined(Delta::Kind::thinking), "six times seven");
    EXPECT_EQ(out.joined(Delta::Kind::text), "It is 42.");
    EXPECT_EQ((*out)->text, "It is 42.");
    EXPECT_EQ((*out)->thinking, "six times seven");
    EXPECT_EQ(fake_.requests().at(0).body.at("think"), true);
}

TEST_F(OllamaModelTest, NonStreamingThinkingStaysOutOfTheText) {
    fake_.enqueue({.text = "42", .thinking = "six times seven"});
    auto m = model();
    auto out = runtime_.generate(m, user_request("answer?"), false);
    ASSERT_TRUE(out->ok()) << out->error().message;
    EXPECT_EQ((*out)->text, "42");
    EXPECT_EQ((*out)->thinking, "six times seven");
    EXPECT_FALSE(fake_.requests().at(0).body.as_object().contains("think")) << "thinking is off in this request";
}

TEST_F(OllamaModelTest, AnHttpErrorCarriesTheProvidersMessageAndA400IsNotRetried) {
    fake_.enqueue({.status = 404, .error_message = "model \"qwen3\" not found, try pulling it first"});
    auto m = model();
    auto out = runtime_.generate(m, user_request("hi"), true);
    ASSERT_FALSE(out->ok());
    EXPECT_NE(out->error().message.find("try pulling it first"), std::string::npos) << out->error().message;
    EXPECT_EQ(fake_.request_count(), 1u);

    fake_.enqueue({.status = 400, .error_message = "invalid options"});
    out = runtime_.generate(m, user_request("hi"), false);
    ASSERT_FALSE(out->ok());
    EXPECT_EQ(out->error().code, Errc::invalid_argument);
    EXPECT_NE(out->error().message.find("invalid options"), std::string::npos);
    EXPECT_EQ(fake_.request_count(), 2u);
}

TEST_F(OllamaModelTest, A503IsRetriedAfterRetryAfter) {
    fake_.enqueue({.status = 503, .error_message = "server busy", .headers = {{"Retry-After", "1"}}});
    auto m = model();
    const auto start = std::chrono::steady_clock::now();
    auto out = runtime_.generate(m, user_request("again"), true);
    ASSERT_TRUE(out->ok()) << out->error().message;
    EXPECT_EQ((*out)->text, "fake: again");
    EXPECT_EQ(fake_.request_count(), 2u);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 950ms);
}

TEST_F(OllamaModelTest, A429IsRetried) {
    fake_.enqueue({.status = 429, .error_message = "too many requests", .headers = {{"Retry-After", "0"}}});
    auto m = model();
    auto out = runtime_.generate(m, user_request("again"), false);
    ASSERT_TRUE(out->ok()) << out->error().message;
    EXPECT_EQ(fake_.request_count(), 2u);
}

TEST_F(OllamaModelTest, AnErrorLineAfterOutputFailsWithoutARetry) {
    fake_.enqueue({.text = "partial answer",
                   .error_message = "an error was encountered while running the model",
                   .stream_error = true});
    auto m = model();
    auto out = runtime_.generate(m, user_request("hi"), true);
    ASSERT_FALSE(out->ok());
    EXPECT_NE(out->error().message.find("an error was encountered"), std::string::npos) << out->error().message;
    EXPECT_EQ(fake_.request_count(), 1u);
}

// Token lines are read without a JSON value of their own; every other line takes the general path. Both must read
// the same: escapes, members hector does not read (where an "error" or "content" key nested elsewhere means
// nothing), a tool call, the final line with its counts.
TEST_F(OllamaModelTest, RawLinesOfEveryShapeReadAsTheGeneralPathWould) {
    test::FakeReply reply;
    reply.raw_events = {
        R"({"model":"qwen3","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"",)"
        R"("thinking":"hm \u00e9"},"done":false})"
        "\n",
        R"({"message":{"role":"assistant","content":"caf\u00e9 \"q\" \\ \n"},"done":false})"
        "\n",
        R"({"options":{"error":"not this"},"message":{"images":[{"content":"NO"}],"content":"more",)"
        R"("extra":{"thinking":"NO"}},"done":false,"n":1.5,"m":null})"
        "\n",
        R"({"message":{"role":"assistant","content":7},"done":false})"
        "\n",
        R"({"message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"calc",)"
        R"("arguments":{"x":1}}}]},"done":false})"
        "\n",
        R"({"message":{"role":"assistant","content":"!"},"done":true,"done_reason":"stop",)"
        R"("prompt_eval_count":5,"eval_count":9})"
        "\n"};
    fake_.enqueue(reply);
    auto m = model();
    auto out = runtime_.generate(m, user_request("go"), true);
    expect_answer_with_one_call(out, "caf\xC3\xA9 \"q\" \\ \nmore!", "hm \xC3\xA9", "calc", R"({"x":1})");
    const auto& r = **out;
    EXPECT_EQ(r.usage.prompt_tokens, 5);
    EXPECT_EQ(r.usage.completion_tokens, 9);
}

TEST_F(OllamaModelTest, AnErrorMemberOrABrokenLineMidStreamFails) {
    for (const std::string bad : {R"({"error":"model crashed","message":{"content":"NO"},"done":false})",
                                  R"({"error":{"message":"model crashed"}})", R"({"message":{"content":"x")"}) {
        test::FakeReply reply;
        reply.raw_events = {R"({"message":{"role":"assistant","content":"partial"},"done":false})"
                            "\n",
                            bad + "\n"};
        fake_.enqueue(reply);
        auto m = model();
        auto out = runtime_.generate(m, user_request("go"), true);
        ASSERT_FALSE(out->ok()) << bad;
        EXPECT_EQ(out.joined(Delta::Kind::text), "partial") << bad;
        if (bad.find("error") != std::string::npos) {
            EXPECT_NE(out->error().message.find("model crashed"), std::string::npos) << out->error().message;
        }
    }
}

TEST_F(OllamaModelTest, CancellingMidStreamClosesTheConnection) {
    fake_.enqueue({.text = "abcdef", .chunks = {"a", "b", "c", "d", "e", "f"}, .chunk_delay = 150ms});
    auto m = model();
    auto out = runtime_.generate_and_cancel(m, user_request("hi"), 1);
    ASSERT_FALSE(out->ok());
    EXPECT_EQ(out->error().code, Errc::cancelled);
    EXPECT_LT(out.deltas.size(), 6u);
    EXPECT_TRUE(fake_.wait_for_disconnect(5s));
    EXPECT_EQ(fake_.request_count(), 1u);
}

TEST_F(OllamaModelTest, StructuredOutputUsesFormatAndImagesAreBase64) {
    auto m = model();
    ChatRequest request;
    request.messages.push_back(
        {.text = "what is this?", .attachments = {{.mime_type = "image/png", .data = "iVBORw0KGgo="}}});
    request.response_schema = json::parse(R"({"type":"object","properties":{"answer":{"type":"string"}}})");
    auto body = json::parse(m.request_body(request, false));
    EXPECT_EQ(body.at("format"), request.response_schema);
    EXPECT_EQ(body.at("messages").at(0),
              json::parse(R"({"role":"user","content":"what is this?","images":["iVBORw0KGgo="]})"));
}

}  // namespace
}  // namespace hector::llm
