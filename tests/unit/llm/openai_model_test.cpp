// The OpenAI provider in-process against the fake chat-completions API (the end-to-end tests drive it through the
// hector binary; these pin the provider's own contract).
#include "hector/llm/openai/openai_model.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/fake_openai.hpp"
#include "unit/llm/llm_test_util.hpp"

namespace hector::llm {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using test::FakeOpenAi;
using testing::llm_config;
using testing::user_request;

class OpenAiModelTest : public ::testing::Test {
  protected:
    OpenAiModel model() {
        return OpenAiModel(llm_config("openai", "gpt-4o-mini", fake_.base_url(), "sk-test"), runtime_.http());
    }

    FakeOpenAi fake_;
    testing::ProviderRuntime runtime_;
};

TEST_F(OpenAiModelTest, RequestCarriesTheChatCompletionsShape) {
    auto m = model();
    auto out = runtime_.generate(m, user_request("hello"), false);
    ASSERT_TRUE(out->ok()) << out->error().message;
    EXPECT_EQ((*out)->text, "fake: hello");
    EXPECT_EQ((*out)->usage.prompt_tokens, 11);
    EXPECT_EQ((*out)->usage.completion_tokens, 7);
    const auto req = fake_.requests().at(0);
    EXPECT_EQ(req.path, "/v1/chat/completions");
    EXPECT_EQ(req.headers.at("authorization"), "Bearer sk-test");
    EXPECT_EQ(req.body, json::parse(R"({"model":"gpt-4o-mini","max_tokens":321,"temperature":0.3,
        "messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"hello"}]})"));
}

TEST_F(OpenAiModelTest, StreamsTextInSeveralDeltasWithUsage) {
    fake_.enqueue({.text = "one two three", .chunks = {"one ", "two ", "three"}, .completion_tokens = 3});
    auto m = model();
    auto out = runtime_.generate(m, user_request("count"), true);
    ASSERT_TRUE(out->ok()) << out->error().message;
    EXPECT_EQ(out.count(Delta::Kind::text), 3);
    EXPECT_EQ((*out)->text, "one two three");
    EXPECT_EQ((*out)->usage.completion_tokens, 3);
    EXPECT_EQ(fake_.requests().at(0).body.at("stream_options"), json::parse(R"({"include_usage":true})"));
}

// A long answer arrives as thousands of chunks: every one is parsed and forwarded, in order, whatever the provider
// reuses from one chunk to the next.
TEST_F(OpenAiModelTest, ALongAnswerInThousandsOfChunksArrivesWhole) {
    const auto reply = FakeOpenAi::Reply::chunked(3000);
    fake_.enqueue(reply);
    auto m = model();
    auto out = runtime_.generate(m, user_request("a long one"), true);
    ASSERT_TRUE(out->ok()) << out->error().message;
    EXPECT_EQ(out.count(Delta::Kind::text), 3000);
    EXPECT_EQ((*out)->text, reply.text);
}

// Streamed chunks are read member by member (no JSON value is built): every member the provider uses is found
// wherever the API puts it, escapes are decoded, what is not for it (other choices, unknown members, a chunk that
// is not JSON, a choice that is not an object) is passed over.
TEST_F(OpenAiModelTest, StreamedChunksAreReadMemberByMember) {
    FakeOpenAi::Reply reply;
    reply.raw_events = {
        R"({"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})",
        R"({"choices":[{"index":0,"delta":{"reasoning_content":"think \"hard\" "}}]})",
        R"({"choices":[{"index":0,"delta":{"reasoning":"then more"}}]})",
        "not json at all",
        R"({"choices":[{"index":0,"delta":{"content":"caf\u00e9 \"q\" \\ \n"},"logprobs":null,"finish_reason":null},)"
        R"({"index":1,"delta":{"content":"OTHER CHOICE"}}],"extra":{"content":"NOT A DELTA"}})",
        R"({"choices":["not an object"]})",
        R"({"choices":[{"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"b",)"
        R"("arguments":"{\"x\":"}},{"index":0,"id":"call_a","function":{"name":"a","arguments":"{}"}}]}}]})",
        R"({"choices":[{"delta":{"tool_calls":[{"index":1,"function":{"arguments":"1}"}}]}}]})",
        R"({"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":null})",
        R"({"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46}})",
        "[DONE]"};
    fake_.enqueue(reply);
    auto m = model();
    auto out = runtime_.generate(m, user_request("go"), true);
    ASSERT_TRUE(out->ok()) << out->error().message;
    const auto& r = **out;
    EXPECT_EQ(r.text, "caf\xC3\xA9 \"q\" \\ \n");
    EXPECT_EQ(out.joined(Delta::Kind::text), r.text);
    EXPECT_EQ(r.thinking, "think \"hard\" then more");
    EXPECT_EQ(out.count(Delta::Kind::thinking), 2);
    ASSERT_EQ(r.tool_calls.size(), 2u);
    EXPECT_EQ(r.tool_calls[0].id, "call_a");
    EXPECT_EQ(r.tool_calls[0].name, "a");
    EXPECT_EQ(r.tool_calls[0].arguments, "{}");
    EXPECT_EQ(r.tool_calls[1].id, "call_b");
    EXPECT_EQ(r.tool_calls[1].name, "b");
    EXPECT_EQ(r.tool_calls[1].arguments, R"({"x":1})");
    EXPECT_EQ(out.count(Delta::Kind::tool_call), 3);
    EXPECT_EQ(r.finish_reason, "tool_calls");
    EXPECT_EQ(r.usage.prompt_tokens, 12);
    EXPECT_EQ(r.usage.completion_tokens, 34);
}

// An error object in the stream ends the call with its message, after what was streamed before it.
TEST_F(OpenAiModelTest, AnErrorChunkEndsTheStreamWithItsMessage) {
    FakeOpenAi::Reply reply;
    reply.raw_events = {R"({"choices":[{"index":0,"delta":{"content":"partial "}}]})",
                        R"({"choices":[],"error":{"type":"server_error","message":"the model is \"overloaded\""}})",
                        R"({"choices":[{"index":0,"delta":{"content":"never"}}]})", "[DONE]"};
    fake_.enqueue(reply);
    auto m = model();
    auto out = runtime_.generate(m, user_request("go"), true);
    ASSERT_FALSE(out->ok());
    EXPECT_EQ(out->error().message, "openai: the model is \"overloaded\"");
    EXPECT_EQ(out.joined(Delta::Kind::text), "partial ");
}

TEST_F(OpenAiModelTest, ToolRoundTripUsesToolCallsAndToolMessages) {
    fake_.enqueue({.tool_calls = {{"call_1", "get_weather", R"({"city":"Paris"})"}}});
    auto m = model();
    auto request = user_request("weather?");
    request.tools.push_back(testing::weather_tool());
    auto first = runtime_.generate(m, request, true);
    ASSERT_TRUE(first->ok()) << first->error().message;
    ASSERT_EQ((*first)->tool_calls.size(), 1u);
    EXPECT_EQ((*first)->tool_calls[0].arguments, R"({"city":"Paris"})");
    EXPECT_GE(first.count(Delta::Kind::tool_call), 2);
    EXPECT_EQ(fake_.requests().at(0).body.at("tools").at(0).at("function").at("parameters"),
              testing::weather_tool().parameters);

    request.messages.push_back({.role = ChatMessage::Role::assistant, .tool_calls = (*first)->tool_calls});
    request.messages.push_back({.role = ChatMessage::Role::tool, .text = "18C", .tool_call_id = "call_1"});
    auto second = runtime_.generate(m, request, false);
    ASSERT_TRUE(second->ok()) << second->error().message;
    const auto msgs = fake_.requests().at(1).body.at("messages").as_array();
    EXPECT_EQ(msgs.at(2), json::parse(R"({"role":"assistant","content":null,"tool_calls":[{"id":"call_1",
        "type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]})"));
    EXPECT_EQ(msgs.at(3), json::parse(R"({"role":"tool","tool_call_id":"call_1","content":"18C"})"));
}

TEST_F(OpenAiModelTest, A429IsRetriedAndA400IsNot) {
    fake_.enqueue({.status = 429, .error_message = "slow down", .headers = {{"Retry-After", "0"}}});
    auto m = model();
    auto out = runtime_.generate(m, user_request("again"), true);
    ASSERT_TRUE(out->ok()) << out->error().message;
    EXPECT_EQ(fake_.request_count(), 2u);

    fake_.enqueue({.status = 400, .error_message = "Invalid 'messages'"});
    out = runtime_.generate(m, user_request("bad"), false);
    ASSERT_FALSE(out->ok());
    EXPECT_EQ(out->error().code, Errc::invalid_argument);
    EXPECT_NE(out->error().message.find("Invalid 'messages'"), std::string::npos) << out->error().message;
    EXPECT_EQ(fake_.request_count(), 3u);
}

TEST_F(OpenAiModelTest, CancellingMidStreamClosesTheConnection) {
    fake_.enqueue({.text = "abcdef", .chunks = {"a", "b", "c", "d", "e", "f"}, .chunk_delay = 150ms});
    auto m = model();
    auto out = runtime_.generate_and_cancel(m, user_request("hi"), 1);
    ASSERT_FALSE(out->ok());
    EXPECT_EQ(out->error().code, Errc::cancelled);
    EXPECT_TRUE(fake_.wait_for_disconnect(5s));
    EXPECT_EQ(fake_.request_count(), 1u);
}

}  // namespace
}  // namespace hector::llm
