// The Gemini provider against a fake Gemini API over real loopback HTTP.
#include "hector/llm/gemini/gemini_model.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/fake_gemini.hpp"
#include "unit/llm/llm_test_util.hpp"

namespace hector::llm {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using test::FakeGemini;
using testing::llm_config;
using testing::user_request;

class GeminiModelTest : public ::testing::Test {
  protected:
    GeminiModel model() {
        return GeminiModel(llm_config("gemini", "gemini-2.5-pro", fake_.base_url(), "AIza-test"), runtime_.http());
    }

    FakeGemini fake_;
    testing::ProviderRuntime runtime_;
};

TEST_F(GeminiModelTest, RequestCarriesTheGenerateContentShapeAndKey) {
    auto m = model();
    auto out = runtime_.generate(m, user_request("hello"), false);
    ASSERT_TRUE(out->ok()) << out->error().message;
    EXPECT_EQ((*out)->text, "fake: hello");
    EXPECT_EQ((*out)->finish_reason, "stop");
    EXPECT_EQ((*out)->usage.prompt_tokens, 11);
    EXPECT_EQ((*out)->usage.completion_tokens, 7);

    auto reqs = fake_.requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].path, "/v1beta/models/gemini-2.5-pro:generateContent");
    EXPECT_EQ(reqs[0].query, "");
    EXPECT_EQ(reqs[0].headers.at("x-goog-api-key"), "AIza-test");
    EXPECT_EQ(reqs[0].headers.count("authorization"), 0u);
    EXPECT_EQ(reqs[0].body, json::parse(R"({
        "contents":[{"role":"user","parts":[{"text":"hello"}]}],
        "systemInstruction":{"parts":[{"text":"You are terse."}]},
        "generationConfig":{"temperature":0.3,"maxOutputTokens":321}})"));
}

TEST_F(GeminiModelTest, StreamsTextInSeveralDeltasOverSse) {
    fake_.enqueue({.text = "one two three", .chunks = {"one ", "two ", "three"}});
    auto m = model();
    auto out = runtime_.generate(m, user_request("count"), true);
    ASSERT_TRUE(out->ok()) << out->error().message;
    EXPECT_EQ(out.count(Delta::Kind::text), 3);
    EXPECT_EQ(out.joined(Delta::Kind::text), "one two three");
    EXPECT_EQ((*out)->text, "one two three");
    EXPECT_EQ((*out)->usage.prompt_tokens, 11);
    EXPECT_EQ((*out)->usage.completion_tokens, 7);
    const auto req = fake_.requests().at(0);
    EXPECT_EQ(req.path, "/v1beta/models/gemini-2.5-pro:streamGenerateContent");
    EXPECT_EQ(req.query, "alt=sse");
}

TEST_F(GeminiModelTest, ToolRoundTripUsesFunctionCallAndFunctionResponseParts) {
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
    // Whole calls, one delta each, carrying the same id as the final answer.
    ASSERT_EQ(first.count(Delta::Kind::tool_call), 2);
    EXPECT_EQ(first.deltas.back().id, calls[1].id);
    EXPECT_EQ(first.deltas.back().index, 1);
    EXPECT_EQ(json::parse(first.deltas.back().text), json::parse(R"({"city":"Rome"})"));

    EXPECT_EQ(fake_.requests().at(0).body.at("tools"), json::parse(R"([{"functionDeclarations":[
        {"name":"get_weather","description":"The weather in a city","parameters":{"type":"OBJECT",
         "properties":{"city":{"type":"STRING","description":"City name"}},"required":["city"]}}]}])"));

    request.messages.push_back({.role = ChatMessage::Role::assistant, .tool_calls = calls});
    request.messages.push_back(
        {.role = ChatMessage::Role::tool, .text = "18C", .tool_call_id = calls[0].id, .tool_name = "get_weather"});
    // No tool_name: the name is found through the call id.
    request.messages.push_back(
        {.role = ChatMessage::Role::tool, .text = "no data", .tool_call_id = calls[1].id, .is_error = true});
    auto second = runtime_.generate(m, request, false);
    ASSERT_TRUE(second->ok()) << second->error().message;
    const auto contents = fake_.requests().at(1).body.at("contents");
    EXPECT_EQ(contents, json::parse(R"([
        {"role":"user","parts":[{"text":"weather?"}]},
        {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}},
                                 {"functionCall":{"name":"get_weather","args":{"city":"Rome"}}}]},
        {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"result":"18C"}}},
                                {"functionResponse":{"name":"get_weather","response":{"error":"no data"}}}]}])"))
        << "made-up ids must not reach the API";
}

TEST_F(GeminiModelTest, CallIdsTheApiGaveAreSentBack) {
    fake_.enqueue({.tool_calls = {{"fc-7", "get_weather", R"({"city":"Lima"})"}}});
    auto m = model();
    auto request = user_request("weather?");
    request.tools.push_back(testing::weather_tool());
    auto first = runtime_.generate(m, request, false);
    ASSERT_TRUE(first->ok()) << first->error().message;
    ASSERT_EQ((*first)->tool_calls.size(), 1u);
    EXPECT_EQ((*first)->tool_calls[0].id, "fc-7");
    request.messages.push_back({.role = ChatMessage::Role::assistant, .tool_calls = (*first)->tool_calls});
    request.messages.push_back(
        {.role = ChatMessage::Role::tool, .text = "20C", .tool_call_id = "fc-7", .tool_name = "get_weather"});
    auto second = runtime_.generate(m, request, false);
    ASSERT_TRUE(second->ok()) << second->error().message;
    const auto contents = fake_.requests().at(1).body.at("contents");
    EXPECT_EQ(contents.at(1).at("parts").at(0).at("functionCall").at("id"), "fc-7");
    EXPECT_EQ(contents.at(2).at("parts").at(0).at("functionResponse").at("id"), "fc-7");
}

TEST_F(GeminiModelTest, ThoughtPartsStreamAsThinkingAndTheSignatureIsReplayed) {
    fake_.enqueue({.thinking = "The user wants weather.",
                   .signature = "c2lnLTE=",
                   .tool_calls = {{"", "get_weather", R"({"city":"Oslo"})"}}});
    auto m = model();
    auto request = user_request("weather in Oslo?");
    request.tools.push_back(testing::weather_tool());
    request.thinking = {true, 2048};
    auto first = runtime_.generate(m, request, true);
    ASSERT_TRUE(first->ok()) << first->error().message;
    EXPECT_GE(first.count(Delta::Kind::thinking), 2);
    EXPECT_EQ(first.joined(Delta::Kind::thinking), "The user wants weather.");
    EXPECT_EQ(first.count(Delta::Kind::text), 0);
    EXPECT_EQ((*first)->text, "");
    EXPECT_EQ((*first)->thinking, "The user wants weather.");
    EXPECT_EQ((*first)->thinking_signature, "c2lnLTE=");
    EXPECT_EQ((*first)->usage.completion_tokens, 7 + 5) << "thoughtsTokenCount counts as output";
    EXPECT_EQ(fake_.requests().at(0).body.at("generationConfig"), json::parse(R"({"temperature":0.3,
        "maxOutputTokens":321,"thinkingConfig":{"includeThoughts":true,"thinkingBudget":2048}})"));

    request.messages.push_back({.role = ChatMessage::Role::assistant,
                                .tool_calls = (*first)->tool_calls,
                                .thinking = (*first)->thinking,
                                .thinking_signature = (*first)->thinking_signature});
    request.messages.push_back(
        {.role = ChatMessage::Role::tool, .text = "-3C", .tool_call_id = (*first)->tool_calls[0].id});
    auto second = runtime_.generate(m, request, false);
    ASSERT_TRUE(second->ok()) << second->error().message;
    EXPECT_EQ(fake_.requests().at(1).body.at("contents").at(1), json::parse(R"({"role":"model","parts":[
        {"functionCall":{"name":"get_weather","args":{"city":"Oslo"}},"thoughtSignature":"c2lnLTE="}]})"));
}

TEST_F(GeminiModelTest, NonStreamingThoughtsStayOutOfTheText) {
    fake_.enqueue({.text = "42", .thinking = "six times seven"});
    auto m = model();
    auto request = user_request("answer?");
    request.thinking = {true, 0};
    auto out = runtime_.generate(m, request, false);
    ASSERT_TRUE(out->ok()) << out->error().message;
    EXPECT_EQ((*out)->text, "42");
    EXPECT_EQ((*out)->thinking, "six times seven");
    EXPECT_EQ(fake_.requests().at(0).body.at("generationConfig").at("thinkingConfig"),
              json::parse(R"({"includeThoughts":true})"));
}

TEST_F(GeminiModelTest, AnHttpErrorCarriesTheProvidersMessageAndA400IsNotRetried) {
    fake_.enqueue({.status = 400, .error_message = "API key not valid. Please pass a valid API key."});
    auto m = model();
    auto out = runtime_.generate(m, user_request("hi"), true);
    ASSERT_FALSE(out->ok());
    EXPECT_EQ(out->error().code, Errc::invalid_argument);
    EXPECT_NE(out->error().message.find("API key not valid"), std::string::npos) << out->error().message;
    EXPECT_EQ(fake_.request_count(), 1u);
}

TEST_F(GeminiModelTest, A429IsRetriedAfterTheRetryInfoDelay) {
    fake_.enqueue({.status = 429, .error_message = "Resource has been exhausted", .retry_delay = "1s"});
    auto m = model();
    const auto start = std::chrono::steady_clock::now();
    auto out = runtime_.generate(m, user_request("again"), true);
    ASSERT_TRUE(out->ok()) << out->error().message;
    EXPECT_EQ((*out)->text, "fake: again");
    EXPECT_EQ(fake_.request_count(), 2u);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 950ms) << "retryDelay: 1s was not honoured";
}

TEST_F(GeminiModelTest, AnErrorInTheStreamAfterOutputFailsWithoutARetry) {
    fake_.enqueue({.text = "partial answer", .error_message = "internal error", .stream_error = true});
    auto m = model();
    auto out = runtime_.generate(m, user_request("hi"), true);
    ASSERT_FALSE(out->ok());
    EXPECT_NE(out->error().message.find("internal error"), std::string::npos) << out->error().message;
    EXPECT_EQ(fake_.request_count(), 1u);
}

// Text chunks are read without a JSON value of their own; every other chunk takes the general path. Both must read
// the same: escapes, thought parts, members hector does not read (also nested ones that reuse the names it reads),
// later candidates, usage on every chunk, a function call with its signature, the finish reason.
TEST_F(GeminiModelTest, RawChunksOfEveryShapeReadAsTheGeneralPathWould) {
    auto sse = [](std::string_view data) { return "data: " + std::string(data) + "\r\n\r\n"; };
    test::FakeReply reply;
    reply.raw_events = {
        sse(R"({"candidates":[{"content":{"parts":[{"text":"hm \u00e9","thought":true}],"role":"model"},"index":0}],)"
            R"("usageMetadata":{"promptTokenCount":4,"totalTokenCount":4,"promptTokensDetails":[{"tokenCount":4}]},)"
            R"("modelVersion":"gemini-2.5-flash"})"),
        sse(R"({"candidates":[{"content":{"parts":[{"text":"caf\u00e9 \"q\" \\ \n"},{"text":"!","thought":"yes"}]},)"
            R"("safetyRatings":[{"finishReason":"NO"}]},{"content":{"parts":[{"text":"NO"}]}}],)"
            R"("extra":{"candidates":[{"content":{"parts":[{"text":"NO"}]}}],"error":{"code":1}}})"),
        sse(R"({"candidates":[{"content":{"parts":[{"text":7},{"other":{"text":"NO"}}]}}],)"
            R"("usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":2,"thoughtsTokenCount":1}})"),
        sse(R"({"candidates":[{"content":{"parts":[{"functionCall":{"name":"calc","args":{"x":1}},)"
            R"("thoughtSignature":"c2ln"}]}}]})"),
        sse(R"({"candidates":[{"content":{"parts":[{"text":" more"}]},"finishReason":"STOP"}],)"
            R"("usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":6,"thoughtsTokenCount":3}})")};
    fake_.enqueue(reply);
    auto m = model();
    auto out = runtime_.generate(m, user_request("go"), true);
    expect_answer_with_one_call(out, "caf\xC3\xA9 \"q\" \\ \n! more", "hm \xC3\xA9", "calc", R"({"x":1})");
    const auto& r = **out;
    EXPECT_EQ(r.thinking_signature, "c2ln");
    EXPECT_EQ(r.usage.prompt_tokens, 5);
    EXPECT_EQ(r.usage.completion_tokens, 9);
}

TEST_F(GeminiModelTest, AnErrorOrABlockedPromptOrABrokenChunkMidStreamFails) {
    auto sse = [](std::string_view data) { return "data: " + std::string(data) + "\r\n\r\n"; };
    const std::string cases[] = {
        R"({"error":{"code":500,"message":"model crashed","status":"INTERNAL"},"candidates":[{"content":{"parts":[{"text":"NO"}]}}]})",
        R"({"candidates":[],"promptFeedback":{"blockReason":"model crashed"}})",
        R"({"candidates":[{"content":{"parts":[{"text":"x"}]}})"};
    for (const auto& bad : cases) {
        test::FakeReply reply;
        reply.raw_events = {sse(R"({"candidates":[{"content":{"parts":[{"text":"partial"}]}}]})"), sse(bad)};
        fake_.enqueue(reply);
        auto m = model();
        auto out = runtime_.generate(m, user_request("go"), true);
        ASSERT_FALSE(out->ok()) << bad;
        EXPECT_EQ(out.joined(Delta::Kind::text), "partial") << bad;
        if (bad.find("crashed") != std::string::npos) {
            EXPECT_NE(out->error().message.find("model crashed"), std::string::npos) << out->error().message;
        }
    }
}

TEST_F(GeminiModelTest, CancellingMidStreamClosesTheConnection) {
    fake_.enqueue({.text = "abcdef", .chunks = {"a", "b", "c", "d", "e", "f"}, .chunk_delay = 150ms});
    auto m = model();
    auto out = runtime_.generate_and_cancel(m, user_request("hi"), 1);
    ASSERT_FALSE(out->ok());
    EXPECT_EQ(out->error().code, Errc::cancelled);
    EXPECT_LT(out.deltas.size(), 6u);
    EXPECT_TRUE(fake_.wait_for_disconnect(5s));
    EXPECT_EQ(fake_.request_count(), 1u);
}

TEST_F(GeminiModelTest, StructuredOutputUsesResponseSchema) {
    fake_.enqueue({.text = R"({"answer":"42"})"});
    auto m = model();
    auto request = user_request("answer as JSON");
    request.response_schema =
        json::parse(R"({"type":"object","properties":{"answer":{"type":"string"}},"additionalProperties":false})");
    auto out = runtime_.generate(m, request, false);
    ASSERT_TRUE(out->ok()) << out->error().message;
    EXPECT_EQ((*out)->text, R"({"answer":"42"})");
    const auto config = fake_.requests().at(0).body.at("generationConfig");
    EXPECT_EQ(config.at("responseMimeType"), "application/json");
    EXPECT_EQ(config.at("responseSchema"),
              json::parse(R"({"type":"OBJECT","properties":{"answer":{"type":"STRING"}}})"));
}

TEST_F(GeminiModelTest, ImagesAreInlineData) {
    auto m = model();
    ChatRequest request;
    request.messages.push_back(
        {.text = "what is this?", .attachments = {{.mime_type = "image/png", .data = "iVBORw0KGgo="}}});
    auto body = json::parse(m.request_body(request));
    EXPECT_EQ(body.at("contents").at(0).at("parts"), json::parse(R"([{"text":"what is this?"},
        {"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}}])"));
}

}  // namespace
}  // namespace hector::llm
