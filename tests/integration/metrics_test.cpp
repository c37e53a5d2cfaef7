// /metrics end to end (server.md §14.2, DECISIONS 14): what the real binary counts for sends, LLM calls, tokens and
// tool calls, how the config names the series, the switches, and the exposition through promtool.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <thread>

#include "support/fake_openai.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/promtool.hpp"
#include "support/sse_client.hpp"

namespace hector::test {
namespace {

namespace json = boost::json;

constexpr const char* kEchoConfig = R"(
llms:
  default: {provider: echo}
agents:
  assistant:
    description: Echoes
observability:
  metrics:
    enabled: true
)";

std::string send_body(const std::string& text, const std::string& method = "message/send") {
    json::object m{{"role", "user"}, {"parts", json::array{json::object{{"kind", "text"}, {"text", text}}}}};
    json::object req{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", json::object{{"message", m}}}};
    return json::serialize(req);
}

std::string metrics_text(int port, const std::string& path = "/metrics") {
    auto r = get(port, path);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.body;
}

/// The run's final state reaches the metrics just after the reply: wait (bounded) until `line` shows up.
std::string wait_for_line(int port, const std::string& line, const std::string& path = "/metrics") {
    std::string text;
    for (int i = 0; i < 250; ++i) {
        text = metrics_text(port, path);
        if (text.find(line) != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return text;
}

/// The value of the one sample line starting with `series` followed by a space; -1 when absent.
double sample(const std::string& text, const std::string& series) {
    auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    auto start = at + series.size() + 2;
    return std::stod(text.substr(start, text.find('\n', start) - start));
}

TEST(Metrics, ASendIsCountedForTheAgentTheModelAndHttp) {
    HectorServer server({.config_yaml = kEchoConfig});
    auto r = post_json(server.port(), "/agents/assistant", send_body("hello metrics"));
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(json::parse(r.body).at("result").at("status").at("state"), "completed") << r.body;

    auto text = wait_for_line(server.port(), "hector_agent_requests_total{agent=\"assistant\",status=\"success\"} 1\n");
    EXPECT_NE(text.find("hector_agent_requests_total{agent=\"assistant\",status=\"success\"} 1\n"), std::string::npos)
        << text;
    EXPECT_EQ(sample(text, "hector_requests_total{agent=\"assistant\"}"), 1) << text;
    EXPECT_EQ(sample(text, "hector_agent_request_duration_seconds_count{agent=\"assistant\"}"), 1) << text;
    EXPECT_EQ(sample(text, "hector_llm_requests_total{agent=\"assistant\",provider=\"echo\",model=\"echo\"}"), 1)
        << text;
    EXPECT_EQ(sample(text, "hector_llm_request_duration_seconds_count{agent=\"assistant\"}"), 1) << text;
    text = wait_for_line(server.port(), "hector_llm_tokens_total{agent=\"assistant\",type=\"completion\"}");
    EXPECT_GT(sample(text, "hector_llm_tokens_total{agent=\"assistant\",type=\"prompt\"}"), 0) << text;
    EXPECT_GT(sample(text, "hector_llm_tokens_total{agent=\"assistant\",type=\"completion\"}"), 0) << text;
    // HTTP by route pattern, never the raw path; unrouted paths are "other".
    get(server.port(), "/no/such/path/12345");
    text = metrics_text(server.port());
    EXPECT_EQ(sample(text, "hector_http_requests_total{method=\"POST\",route=\"/agents/{name}\",code=\"200\"}"), 1)
        << text;
    EXPECT_EQ(text.find("/agents/assistant"), std::string::npos) << text;
    EXPECT_EQ(text.find("12345"), std::string::npos) << text;
    EXPECT_EQ(sample(text, "hector_http_requests_total{method=\"GET\",route=\"other\",code=\"404\"}"), 1) << text;
    EXPECT_EQ(sample(text, "hector_open_streams"), 0) << text;
    // The send went through the (default SQLite) store: its transactions were timed, none failed, and the writer
    // and the readers are open.
    EXPECT_GT(sample(text, "hector_db_query_duration_seconds_count"), 3) << text;
    EXPECT_EQ(sample(text, "hector_db_errors_total"), 0) << text;
    EXPECT_GE(sample(text, "hector_db_connections_open"), 2) << text;
    EXPECT_GE(sample(text, "hector_db_connections_idle"), 1) << text;

    auto check = promtool_check(text);
    EXPECT_EQ(check.exit_code, 0) << check.output << "\n" << text;
    EXPECT_EQ(check.output, "");
}

TEST(Metrics, QueueTasksCountTheStoredTasksByAppAndState) {
    HectorServer server({.config_yaml = kEchoConfig});
    for (int i = 0; i < 2; ++i)
        ASSERT_EQ(post_json(server.port(), "/agents/assistant", send_body("count me")).status, 200);
    // The counts are refreshed from the store every few seconds: wait (bounded) for the next refresh.
    const std::string line = "hector_queue_tasks{app=\"default\",state=\"completed\"} 2\n";
    std::string text;
    for (int i = 0; i < 60 && text.find(line) == std::string::npos; ++i) {
        if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
        text = metrics_text(server.port());
    }
    EXPECT_NE(text.find(line), std::string::npos) << text;
    EXPECT_EQ(text.find("hector_queue_tasks{app=\"default\",state=\"failed\"}"), std::string::npos) << text;
    auto check = promtool_check(text);
    EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST(Metrics, TheEndpointServesTheTextFormat) {
    HectorServer server({.config_yaml = kEchoConfig});
    auto r = get(server.port(), "/metrics");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type").rfind("text/plain; version=0.0.4", 0), 0u) << r.header("content-type");
    EXPECT_NE(r.body.find("# TYPE hector_agent_requests_total counter\n"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("# TYPE hector_llm_request_duration_seconds histogram\n"), std::string::npos);
}

TEST(Metrics, NamespaceSubsystemAndConstLabelsNameEverySeries) {
    HectorServer server({.config_yaml = R"(
llms:
  default: {provider: echo}
agents:
  assistant: {}
observability:
  metrics:
    enabled: true
    endpoint: /internal/prom
    namespace: acme
    subsystem: ai
    const_labels:
      env: test
      team: "a \"quoted\" name"
)"});
    ASSERT_EQ(post_json(server.port(), "/agents/assistant", send_body("x")).status, 200);
    EXPECT_EQ(get(server.port(), "/metrics").status, 404);
    const std::string line =
        "acme_ai_agent_requests_total{agent=\"assistant\",status=\"success\",env=\"test\",team=\"a \\\"quoted\\\" "
        "name\"} 1\n";
    auto text = wait_for_line(server.port(), line, "/internal/prom");
    EXPECT_NE(text.find(line), std::string::npos) << text;
    EXPECT_EQ(text.find("hector_"), std::string::npos) << text;
    auto check = promtool_check(text);
    EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST(Metrics, OffMeansNotFoundAndTheFlagTurnsThemOn) {
    const char* off = R"(
llms:
  default: {provider: echo}
agents:
  assistant: {}
)";
    {
        HectorServer server({.config_yaml = off});
        auto r = get(server.port(), "/metrics");
        EXPECT_EQ(r.status, 404);
        EXPECT_EQ(json::parse(r.body).at("error"), "Not Found");
    }
    {
        HectorServer server({.config_yaml = off, .args = {"--metrics"}});
        auto r = get(server.port(), "/metrics");
        EXPECT_EQ(r.status, 200);
        EXPECT_NE(r.body.find("hector_requests_total"), std::string::npos);
    }
}

TEST(Metrics, ToolCallsAndTokensCountWhatTheModelDid) {
    FakeOpenAi fake;
    TempDir work;
    FakeOpenAi::Reply call;
    call.tool_calls.push_back({"call_1", "shell", R"({"command":"echo hi"})"});
    call.prompt_tokens = 100;
    call.completion_tokens = 20;
    FakeOpenAi::Reply answer;
    answer.text = "done";
    answer.prompt_tokens = 130;
    answer.completion_tokens = 5;
    fake.enqueue(call);
    fake.enqueue(answer);
    HectorServer server({.config_yaml = R"(
llms:
  gpt: {provider: openai, model: gpt-4o, api_key: sk-test, base_url: )" +
                                        fake.base_url() + R"(}
tools:
  shell: {type: command, working_directory: )" +
                                        work.path() + R"(, require_approval: false}
agents:
  worker: {llm: gpt, tools: [shell]}
observability:
  metrics: {enabled: true}
)"});
    auto r = post_json(server.port(), "/agents/worker", send_body("run it"));
    ASSERT_EQ(r.status, 200);
    ASSERT_EQ(json::parse(r.body).at("result").at("status").at("state"), "completed") << r.body;
    auto text = wait_for_line(server.port(), "hector_llm_tokens_total{agent=\"worker\",type=\"completion\"}");
    EXPECT_EQ(sample(text, "hector_llm_requests_total{agent=\"worker\",provider=\"openai\",model=\"gpt-4o\"}"), 2)
        << text;
    EXPECT_EQ(sample(text, "hector_llm_tokens_total{agent=\"worker\",type=\"prompt\"}"), 230) << text;
    EXPECT_EQ(sample(text, "hector_llm_tokens_total{agent=\"worker\",type=\"completion\"}"), 25) << text;
    EXPECT_EQ(sample(text, "hector_tool_calls_total{agent=\"worker\",tool=\"shell\",status=\"success\"}"), 1) << text;
    EXPECT_EQ(sample(text, "hector_tool_call_duration_seconds_count{agent=\"worker\",tool=\"shell\"}"), 1) << text;
    auto check = promtool_check(text);
    EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST(Metrics, ProviderErrorsAreCounted) {
    FakeOpenAi fake;
    FakeOpenAi::Reply bad;
    bad.status = 400;
    bad.error_message = "bad request";
    fake.set_default([bad](const std::string&) { return bad; });
    HectorServer server({.config_yaml = R"(
llms:
  gpt: {provider: openai, model: gpt-4o, api_key: sk-test, base_url: )" +
                                        fake.base_url() + R"(, max_retries: 0}
agents:
  worker: {llm: gpt, tools: []}
observability:
  metrics: {enabled: true}
)"});
    auto r = post_json(server.port(), "/agents/worker", send_body("fail please"));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(json::parse(r.body).at("result").at("status").at("state"), "failed") << r.body;
    // The provider refused the request (HTTP 400): an invalid_argument error of the llm component.
    auto text = wait_for_line(server.port(), "hector_agent_requests_total{agent=\"worker\",status=\"error\"} 1\n");
    EXPECT_EQ(sample(text, "hector_agent_requests_total{agent=\"worker\",status=\"error\"}"), 1) << text;
    EXPECT_EQ(sample(text, "hector_errors_total{component=\"llm\",error_type=\"invalid_argument\"}"), 1) << text;
    EXPECT_EQ(sample(text, "hector_errors_total{component=\"agent\",error_type=\"run_failed\"}"), 1) << text;
}

TEST(Metrics, OpenStreamsAreCountedWhileTheyAreWritten) {
    FakeOpenAi fake;
    FakeOpenAi::Reply slow;
    slow.text = "finally";
    slow.delay = std::chrono::milliseconds(3000);  // keeps the stream open while the test looks
    fake.enqueue(slow);
    HectorServer server({.config_yaml = R"(
llms:
  gpt: {provider: openai, model: gpt-4o, api_key: sk-test, base_url: )" +
                                        fake.base_url() + R"(}
agents:
  worker: {llm: gpt, tools: []}
observability:
  metrics: {enabled: true}
)"});
    auto call = open_sse(server.port(), "/agents/worker", send_body("stream it", "message/stream"));
    ASSERT_EQ(call.headers.status, 200);
    auto text = wait_for_line(server.port(), "\nhector_open_streams 1\n");
    EXPECT_EQ(sample(text, "hector_open_streams"), 1) << text;
    auto events = call.reader->rest();
    ASSERT_FALSE(events.empty());
    text = wait_for_line(server.port(), "\nhector_open_streams 0\n");
    EXPECT_EQ(sample(text, "hector_open_streams"), 0) << text;
    EXPECT_EQ(sample(text, "hector_http_requests_total{method=\"POST\",route=\"/agents/{name}\",code=\"200\"}"), 1)
        << text;
}

}  // namespace
}  // namespace hector::test
