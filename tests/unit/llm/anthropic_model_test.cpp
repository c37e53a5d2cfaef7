// The Anthropic provider against a fake Messages API over real loopback HTTP.
#include "hector/llm/anthropic/anthropic_model.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/fake_anthropic.hpp"
#include "unit/llm/llm_test_util.hpp"

namespace hector::llm {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using test::FakeAnthropic;
using testing::llm_config;
using testing::user_request;

class AnthropicModelTest : public ::testing::Test {
  protected:
    AnthropicModel model(config::LlmConfig c) { return AnthropicModel(c, runtime_.http()); }
    AnthropicModel model() { return model(llm_config("anthropic", "claude-haiku-4-5", fake_.base_url(), "sk-ant")); }

    FakeAnthropic fake_;
    testing::ProviderRuntime runtime_;  // declared last: its HttpClient goes before the fake
};

TEST_F(AnthropicModelTest, RequestCarriesTheMessagesApiShapeAndHeaders) {
    auto m = model();
    auto out = runtime_.generate(m, user_request("hello"), false);
    ASSERT_TRUE(out->ok()) << out->error().message;
    EXPECT_EQ((*out)->text, "fake: hello");
    EXPECT_EQ((*out)->finish_reason, "stop");
    EXPECT_EQ((*out)->usage.prompt_tokens, 11);
    EXPECT_EQ((*out)->usage.completion_tokens, 7);

    auto reqs = fake_.requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].path, "/v1/messages");
    EXPECT_EQ(reqs[0].headers.at("x-api-key"), "sk-ant");
    EXPECT_EQ(reqs[0].headers.at("anthropic-version"), "2023-06-01");
    EXPECT_EQ(reqs[0].headers.at("content-type"), "application/json");
    EXPECT_EQ(reqs[0].headers.count("authorization"), 0u);
    const auto& body = reqs[0].body.as_object();
    EXPECT_EQ(body.at("model"), "claude-haiku-4-5");
    EXPECT_EQ(body.at("max_tokens"), 321);
    EXPECT_DOUBLE_EQ(body.at("temperature").to_number<double>(), 0.3);
    EXPECT_EQ(body.at("system"), "You are terse.");
    EXPECT_EQ(body.at("messages"), json::parse(R"([{"role":"user","content":"hello"}])"));
    EXPECT_FALSE(body.contains("stream"));
    EXPECT_FALSE(body.contains("thinking"));
    EXPECT_FALSE(body.contains("tools"));
}

TEST_F(AnthropicModelTest, StreamsTextInSeveralDeltas) {
    fake_.enqueue({.text = "one two three", .chunks = {"one ", "two ", "three"}, .completion_tokens = 3});
    auto m = model();
    auto out = runtime_.generate(m, user_request("count"), true);
    ASSERT_TRUE(out->ok()) << out->error().message;
    EXPECT_EQ(out.count(Delta::Kind::text), 3);
    EXPECT_EQ(out.joined(Delta::Kind::text), "one two three");
    EXPECT_EQ((*out)->text, "one two three");
    EXPECT_EQ((*out)->usage.prompt_tokens, 11);
    EXPECT_EQ((*out)->usage.completion_tokens, 3);
    const auto req = fake_.requests().at(0);
    EXPECT_EQ(req.body.at("stream"), true);
    EXPECT_EQ(req.headers.at("accept"), "text/event-stream");
}

// A content_block_delta event (one per streamed token) is read member by member: escapes are decoded, members
// elsewhere that share a delta's names are passed over, and an event of another shape under that name takes the
// general path.
TEST_F(AnthropicModelTest, DeltaEventsAreReadMemberByMember) {
    auto sse = [](std::string_view type, std::string_view data) {
        return "event: " + std::string(type) + "\ndata: " + std::string(data) + "\n\n";
    };
    test::FakeReply reply;
    reply.raw_events = {
        sse("message_start",
            R"({"type":"message_start","message":{"id":"m","usage":{"input_tokens":5,"output_tokens":1}}})"),
        sse("content_block_start",
            R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"),
        sse("content_block_delta",
            R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"caf\u00e9 \"q\" \\ \n"}})"),
        sse("content_block_delta", R"({"index":0,"extra":{"delta":{"type":"text_delta","text":"NO"}},)"
                                   R"("delta":{"text":"more","other":[1,{"text":"NO"}],"type":"text_delta"},)"
                                   R"("type":"content_block_delta"})"),
        sse("content_block_delta", R"({"type":"ping"})"),
        sse("content_block_stop", R"({"type":"content_block_stop","index":0})"),
        sse("content_block_start", R"({"type":"content_block_start","index":1,)"
                                   R"("content_block":{"type":"tool_use","id":"toolu_1","name":"calc","input":{}}})"),
        sse("content_block_delta",
            R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"x\":"}})"),
        sse("content_block_delta",
            R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"1}"}})"),
        sse("content_block_stop", R"({"type":"content_block_stop","index":1})"),
        sse("message_delta",
            R"({"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}})"),
        sse("message_stop", R"({"type":"message_stop"})")};
    fake_.enqueue(reply);
    auto m = model();
    auto out = runtime_.generate(m, user_request("go"), true);
    ASSERT_TRUE(out->ok()) << out->error().message;
    const auto& r = **out;
    EXPECT_EQ(r.text, "caf\xC3\xA9 \"q\" \\ \nmore");
    EXPECT_EQ(out.joined(Delta::Kind::text), r.text);
    ASSERT_EQ(r.tool_calls.size(), 1u);
    EXPECT_EQ(r.tool_calls[0].id, "toolu_1");
    EXPECT_EQ(r.tool_calls[0].name, "calc");
    EXPECT_EQ(r.tool_calls[0].arguments, R"({"x":1})");
    EXPECT_EQ(r.finish_reason, "tool_calls");
    EXPECT_EQ(r.usage.completion_tokens, 9);
}

TEST_F(AnthropicModelTest, ToolRoundTripUsesToolUseAndToolResultBlocks) {
    fake_.enqueue({.text = "Checking.",
                   .tool_calls = {{"toolu_01", "get_weather", R"({"city":"Paris"})"},
                                  {"toolu_02", "get_weather", R"({"city":"Rome"})"}}});
    auto m = model();
    auto request = user_request("weather?");
    request.tools.push_back(testing::weather_tool());
    auto first = runtime_.generate(m, request, true);
    ASSERT_TRUE(first->ok()) << first->error().message;
    const auto& calls = (*first)->tool_calls;
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].id, "toolu_01");
    EXPECT_EQ(calls[0].name, "get_weather");
    EXPECT_EQ(json::parse(calls[0].arguments), json::parse(R"({"city":"Paris"})"));
    EXPECT_EQ(json::parse(calls[1].arguments), json::parse(R"({"city":"Rome"})"));
    EXPECT_EQ((*first)->finish_reason, "tool_calls");
    EXPECT_EQ((*first)->text, "Checking.");
    // The first tool-call delta names the call; argument fragments follow under its index.
    std::string args0;
    int named = 0;
    for (const auto& d : first.deltas) {
        if (d.kind != Delta::Kind::tool_call) continue;
        if (!d.id.empty()) {
            ++named;
            EXPECT_EQ(d.name, "get_weather");
        }
        if (d.index == 0) args0 += d.text;
    }
    EXPECT_EQ(named, 2);
    EXPECT_EQ(args0, R"({"city":"Paris"})");
    EXPECT_GE(first.count(Delta::Kind::tool_call), 4) << "arguments should stream in fragments";

    auto tools = fake_.requests().at(0).body.at("tools");
    EXPECT_EQ(tools, json::parse(R"([{"name":"get_weather","description":"The weather in a city","input_schema":
        {"type":"object","properties":{"city":{"type":"string","description":"City name"}},"required":["city"]}}])"));

    ChatMessage call_turn;
    call_turn.role = ChatMessage::Role::assistant;
    call_turn.text = (*first)->text;
    call_turn.tool_calls = calls;
    request.messages.push_back(call_turn);
    ChatMessage paris{.role = ChatMessage::Role::tool, .text = "18C", .tool_call_id = "toolu_01"};
    ChatMessage rome{.role = ChatMessage::Role::tool, .text = "no data", .tool_call_id = "toolu_02", .is_error = true};
    request.messages.push_back(paris);
    request.messages.push_back(rome);
    fake_.enqueue({.text = "Paris is 18C."});
    auto second = runtime_.generate(m, request, true);
    ASSERT_TRUE(second->ok()) << second->error().message;
    EXPECT_EQ((*second)->text, "Paris is 18C.");
    EXPECT_EQ(fake_.requests().at(1).body.at("messages"), json::parse(R"([
        {"role":"user","content":"weather?"},
        {"role":"assistant","content":[
            {"type":"text","text":"Checking."},
            {"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris"}},
            {"type":"tool_use","id":"toolu_02","name":"get_weather","input":{"city":"Rome"}}]},
        {"role":"user","content":[
            {"type":"tool_result","tool_use_id":"toolu_01","content":"18C"},
            {"type":"tool_result","tool_use_id":"toolu_02","content":"no data","is_error":true}]}])"));
}

TEST_F(AnthropicModelTest, ThinkingStreamsApartAndItsSignatureIsReplayed) {
    fake_.enqueue({.thinking = "The user wants weather.",
                   .signature = "sig-abc==",
                   .tool_calls = {{"toolu_09", "get_weather", R"({"city":"Oslo"})"}}});
    auto m = model();
    auto request = user_request("weather in Oslo?");
    request.tools.push_back(testing::weather_tool());
    request.thinking = {true, 2000};
    auto first = runtime_.generate(m, request, true);
    ASSERT_TRUE(first->ok()) << first->error().message;
    EXPECT_EQ(first.joined(Delta::Kind::thinking), "The user wants weather.");
    EXPECT_GE(first.count(Delta::Kind::thinking), 2);
    EXPECT_EQ(first.count(Delta::Kind::text), 0);
    EXPECT_EQ((*first)->text, "");
    EXPECT_EQ((*first)->thinking, "The user wants weather.");
    EXPECT_EQ((*first)->thinking_signature, "sig-abc==");

    const auto body = fake_.requests().at(0).body.as_object();
    EXPECT_EQ(body.at("thinking"), json::parse(R"({"type":"enabled","budget_tokens":2000})"));
    EXPECT_EQ(body.at("temperature").to_number<double>(), 1.0);
    EXPECT_EQ(body.at("max_tokens"), 2321) << "the budget must stay below max_tokens";

    ChatMessage call_turn{.role = ChatMessage::Role::assistant,
                          .tool_calls = (*first)->tool_calls,
                          .thinking = (*first)->thinking,
                          .thinking_signature = (*first)->thinking_signature};
    request.messages.push_back(call_turn);
    request.messages.push_back({.role = ChatMessage::Role::tool, .text = "-3C", .tool_call_id = "toolu_09"});
    auto second = runtime_.generate(m, request, false);
    ASSERT_TRUE(second->ok()) << second->error().message;
    EXPECT_EQ(fake_.requests().at(1).body.at("messages").at(1), json::parse(R"({"role":"assistant","content":[
        {"type":"thinking","thinking":"The user wants weather.","signature":"sig-abc=="},
        {"type":"tool_use","id":"toolu_09","name":"get_weather","input":{"city":"Oslo"}}]})"));
}

TEST_F(AnthropicModelTest, NonStreamingThinkingStaysOutOfTheText) {
    fake_.enqueue({.text = "42", .thinking = "six times seven", .signature = "s1"});
    auto m = model();
    auto request = user_request("answer?");
    request.thinking = {true, 0};
    auto out = runtime_.generate(m, request, false);
    ASSERT_TRUE(out->ok()) << out->error().message;
    EXPECT_EQ((*out)->text, "42");
    EXPECT_EQ((*out)->thinking, "six times seven");
    EXPECT_EQ((*out)->thinking_signature, "s1");
    EXPECT_EQ(fake_.requests().at(0).body.at("thinking").at("budget_tokens"), 1024);
}

TEST(AnthropicThinkingBudget, StaysWithinTheApiLimits) {
    EXPECT_EQ(anthropic_thinking_budget(0, 4096), std::make_pair(1024, 4096));
    EXPECT_EQ(anthropic_thinking_budget(500, 4096), std::make_pair(1024, 4096));
    EXPECT_EQ(anthropic_thinking_budget(3000, 4096), std::make_pair(3000, 4096));
    EXPECT_EQ(anthropic_thinking_budget(8000, 4096), std::make_pair(8000, 12096));
    EXPECT_EQ(anthropic_thinking_budget(0, 1024), std::make_pair(1024, 2048));
}

TEST_F(AnthropicModelTest, AnHttpErrorCarriesTheProvidersMessageAndA400IsNotRetried) {
    fake_.enqueue({.status = 400, .error_message = "messages: roles must alternate"});
    auto m = model();
    auto out = runtime_.generate(m, user_request("hi"), true);
    ASSERT_FALSE(out->ok());
    EXPECT_EQ(out->error().code, Errc::invalid_argument);
    EXPECT_NE(out->error().message.find("messages: roles must alternate"), std::string::npos) << out->error().message;
    EXPECT_NE(out->error().message.find("400"), std::string::npos);
    EXPECT_EQ(fake_.request_count(), 1u);
}

TEST_F(AnthropicModelTest, A429IsRetriedAfterRetryAfter) {
    fake_.enqueue({.status = 429, .error_message = "rate limited", .headers = {{"retry-after", "1"}}});
    auto m = model();
    const auto start = std::chrono::steady_clock::now();
    auto out = runtime_.generate(m, user_request("again"), false);
    ASSERT_TRUE(out->ok()) << out->error().message;
    EXPECT_EQ((*out)->text, "fake: again");
    EXPECT_EQ(fake_.request_count(), 2u);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 950ms) << "Retry-After: 1 was not honoured";
}

TEST_F(AnthropicModelTest, AnOverloadedAnswerIsRetriedUntilTheRetriesRunOut) {
    for (int i = 0; i < 3; ++i)
        fake_.enqueue({.status = 529, .error_message = "Overloaded", .headers = {{"retry-after", "0"}}});
    auto m = model();
    auto out = runtime_.generate(m, user_request("hi"), false);
    ASSERT_FALSE(out->ok());
    EXPECT_NE(out->error().message.find("Overloaded"), std::string::npos);
    EXPECT_EQ(fake_.request_count(), 3u) << "one try and max_retries (2) retries";
}

TEST_F(AnthropicModelTest, AnErrorEventAfterStreamedOutputFailsWithoutARetry) {
    fake_.enqueue({.text = "partial answer", .error_message = "Overloaded", .stream_error = true});
    auto m = model();
    auto out = runtime_.generate(m, user_request("hi"), true);
    ASSERT_FALSE(out->ok());
    EXPECT_NE(out->error().message.find("Overloaded"), std::string::npos) << out->error().message;
    EXPECT_GE(out.count(Delta::Kind::text), 1);
    EXPECT_EQ(fake_.request_count(), 1u);
}

TEST_F(AnthropicModelTest, CancellingMidStreamClosesTheConnection) {
    fake_.enqueue({.text = "abcdef", .chunks = {"a", "b", "c", "d", "e", "f"}, .chunk_delay = 150ms});
    auto m = model();
    auto out = runtime_.generate_and_cancel(m, user_request("hi"), 1);
    ASSERT_FALSE(out->ok());
    EXPECT_EQ(out->error().code, Errc::cancelled);
    EXPECT_LT(out.deltas.size(), 6u);
    EXPECT_TRUE(fake_.wait_for_disconnect(5s)) << "the fake kept streaming into a live connection";
    EXPECT_EQ(fake_.request_count(), 1u);
}

TEST_F(AnthropicModelTest, ASilentServerTimesOut) {
    fake_.enqueue({.hang = true});
    auto c = llm_config("anthropic", "claude-haiku-4-5", fake_.base_url(), "sk-ant");
    c.timeout = 300ms;
    c.max_retries = 0;
    auto m = model(c);
    auto out = runtime_.generate(m, user_request("hi"), false);
    ASSERT_FALSE(out->ok());
    EXPECT_EQ(out->error().code, Errc::timeout) << out->error().message;
}

TEST_F(AnthropicModelTest, StructuredOutputIsAForcedToolWhoseInputIsTheAnswer) {
    fake_.enqueue({.tool_calls = {{"toolu_r", "response", R"({"answer":"42"})"}}});
    auto m = model();
    auto request = user_request("answer as JSON");
    request.response_schema = json::parse(R"({"type":"object","properties":{"answer":{"type":"string"}}})");
    auto out = runtime_.generate(m, request, true);
    ASSERT_TRUE(out->ok()) << out->error().message;
    EXPECT_EQ(json::parse((*out)->text), json::parse(R"({"answer":"42"})"));
    EXPECT_TRUE((*out)->tool_calls.empty());
    EXPECT_EQ((*out)->finish_reason, "stop");
    EXPECT_EQ(out.joined(Delta::Kind::text), R"({"answer":"42"})");
    const auto body = fake_.requests().at(0).body.as_object();
    EXPECT_EQ(body.at("tool_choice"), json::parse(R"({"type":"tool","name":"response"})"));
    EXPECT_EQ(body.at("tools").at(0).at("input_schema"), request.response_schema);
}

TEST_F(AnthropicModelTest, SplitTurnsMergeIntoAlternatingMessagesWithThinkingFirst) {
    auto m = model();
    ChatRequest request;
    request.messages.push_back({.text = "weather?"});
    request.messages.push_back({.role = ChatMessage::Role::assistant, .text = "Let me check."});
    request.messages.push_back({.role = ChatMessage::Role::assistant,
                                .tool_calls = {{"toolu_1", "get_weather", ""}},
                                .thinking = "hmm",
                                .thinking_signature = "sig"});
    request.messages.push_back({.role = ChatMessage::Role::tool, .text = "18C", .tool_call_id = "toolu_1"});
    request.messages.push_back({.text = "and tomorrow?"});
    auto body = json::parse(m.request_body(request, false));
    EXPECT_EQ(body.at("messages"), json::parse(R"([
        {"role":"user","content":"weather?"},
        {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"sig"},
            {"type":"text","text":"Let me check."},
            {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}]},
        {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"18C"},
            {"type":"text","text":"and tomorrow?"}]}])"));
}

TEST_F(AnthropicModelTest, ImagesAreBase64SourceBlocks) {
    auto m = model();
    ChatRequest request;
    request.messages.push_back(
        {.text = "what is this?", .attachments = {{.mime_type = "image/png", .data = "iVBORw0KGgo="}}});
    auto body = json::parse(m.request_body(request, false));
    EXPECT_EQ(body.at("messages").at(0).at("content"), json::parse(R"([{"type":"text","text":"what is this?"},
        {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}])"));
}

}  // namespace
}  // namespace hector::llm
