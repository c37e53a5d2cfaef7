// Hector's metrics: agent runs from task states, the model and tool decorators, and the config they are named by.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <optional>

#include "hector/net/io.hpp"
#include "hector/observability/metered.hpp"
#include "hector/observability/metrics.hpp"
#include "support/promtool.hpp"

namespace hector::observability {
namespace {

namespace asio = boost::asio;

/// Runs an awaitable to completion on a private io_context; rethrows what it threw.
template <class T>
T sync(asio::awaitable<T> a) {
    return hector::net::run_to_completion(std::move(a));
}

std::unique_ptr<Metrics> make(config::MetricsConfig c = {}) {
    auto m = Metrics::create(c);
    EXPECT_TRUE(m.ok());
    return std::move(m).value();
}

bool contains(const std::string& text, const std::string& line) {
    return text.find(line) != std::string::npos;
}

TEST(RunMetrics, ARunCountsFromWorkingToItsEnd) {
    auto m = make();
    auto& runs = m->runs();
    runs.on_status("t1", "assistant", a2a::TaskState::submitted);
    EXPECT_EQ(m->requests.with({"assistant"}).value(), 0u);
    runs.on_status("t1", "assistant", a2a::TaskState::working);
    EXPECT_EQ(m->requests.with({"assistant"}).value(), 1u);
    runs.on_status("t1", "assistant", a2a::TaskState::completed);
    runs.on_status("t1", "assistant", a2a::TaskState::completed);  // a second report of the end counts nothing
    EXPECT_EQ(m->agent_requests.with({"assistant", "success"}).value(), 1u);
    EXPECT_EQ(m->agent_request_duration.with({"assistant"}).snapshot().count, 1u);

    runs.on_status("t2", "assistant", a2a::TaskState::working);
    runs.on_status("t2", "assistant", a2a::TaskState::failed);
    EXPECT_EQ(m->agent_requests.with({"assistant", "error"}).value(), 1u);
    EXPECT_EQ(m->errors.with({"agent", "run_failed"}).value(), 1u);

    // Waiting for an approval ends the agent's part successfully; the answer starts a second run.
    runs.on_status("t3", "helper", a2a::TaskState::working);
    runs.on_status("t3", "helper", a2a::TaskState::input_required);
    runs.on_status("t3", "helper", a2a::TaskState::working);
    runs.on_status("t3", "helper", a2a::TaskState::canceled);
    EXPECT_EQ(m->requests.with({"helper"}).value(), 2u);
    EXPECT_EQ(m->agent_requests.with({"helper", "success"}).value(), 1u);
    EXPECT_EQ(m->agent_requests.with({"helper", "error"}).value(), 1u);

    // Canceled while queued: it never ran, so it is no agent request.
    runs.on_status("t4", "helper", a2a::TaskState::canceled);
    EXPECT_EQ(m->agent_requests.with({"helper", "error"}).value(), 1u);
}

TEST(RunMetrics, TokensAreCountedByType) {
    auto m = make();
    m->runs().on_usage("assistant", 12, 5);
    m->runs().on_usage("assistant", 3, 0);
    EXPECT_EQ(m->llm_tokens.with({"assistant", "prompt"}).value(), 15u);
    EXPECT_EQ(m->llm_tokens.with({"assistant", "completion"}).value(), 5u);
}

TEST(Metrics, HttpUsesTheRoutePatternAndCountsServerErrors) {
    auto m = make();
    m->observe_http("POST", "/agents/{name}", 200, 0.01);
    m->observe_http("GET", "", 404, 0.001);
    m->observe_http("GET", "/health", 503, 0.001);
    const auto text = m->expose();
    EXPECT_TRUE(contains(text, "hector_http_requests_total{method=\"POST\",route=\"/agents/{name}\",code=\"200\"} 1"));
    EXPECT_TRUE(contains(text, "hector_http_requests_total{method=\"GET\",route=\"other\",code=\"404\"} 1"));
    EXPECT_TRUE(contains(text, "hector_http_request_duration_seconds_count{route=\"/agents/{name}\"} 1"));
    EXPECT_TRUE(contains(text, "hector_errors_total{component=\"http\",error_type=\"503\"} 1")) << text;
    EXPECT_TRUE(contains(text, "hector_open_streams 0\n")) << text;
}

TEST(Metrics, ConfigNamesEverySeriesAndBadNamesAreErrors) {
    config::MetricsConfig c;
    c.namespace_ = "acme";
    c.subsystem = "ai";
    c.const_labels["env"] = "test";
    auto m = make(c);
    m->requests.with({"a"}).inc();
    m->set_active_tasks_source([] { return std::size_t{4}; });
    m->set_queue_source([] { return std::vector<Metrics::QueueCount>{{"default", "pending", 2}}; });
    const auto text = m->expose();
    EXPECT_TRUE(contains(text, "acme_ai_requests_total{agent=\"a\",env=\"test\"} 1\n")) << text;
    EXPECT_TRUE(contains(text, "acme_ai_active_tasks{env=\"test\"} 4\n")) << text;
    EXPECT_TRUE(contains(text, "acme_ai_queue_tasks{app=\"default\",state=\"pending\",env=\"test\"} 2\n")) << text;
    EXPECT_EQ(text.find("hector_"), std::string::npos);
    auto check = hector::test::promtool_check(text);
    EXPECT_EQ(check.exit_code, 0) << check.output;

    config::MetricsConfig bad;
    bad.const_labels["agent"] = "x";  // clashes with a label of the metrics
    auto refused = Metrics::create(bad);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("observability.metrics"), std::string::npos);
    config::MetricsConfig bad_ns;
    bad_ns.namespace_ = "my-app";
    EXPECT_FALSE(Metrics::create(bad_ns).ok());
}

class FakeModel : public llm::Model {
  public:
    explicit FakeModel(Result<llm::ChatResponse> answer) : answer_(std::move(answer)) {}
    asio::awaitable<Result<llm::ChatResponse>> generate(const llm::ChatRequest&, const llm::DeltaSink*) override {
        co_return answer_;
    }
    const std::string& provider() const override { return provider_; }
    const std::string& model_name() const override { return model_; }

  private:
    Result<llm::ChatResponse> answer_;
    std::string provider_ = "openai";
    std::string model_ = "gpt-x";
};

TEST(Metered, ModelCallsAreCountedPerAgentWithProviderAndModel) {
    auto m = make();
    auto ok = meter_model(std::make_shared<FakeModel>(llm::ChatResponse{}), *m, "assistant");
    auto failing = meter_model(std::make_shared<FakeModel>(Error{Errc::rate_limited, "slow down"}), *m, "other");
    EXPECT_EQ(ok->provider(), "openai");
    EXPECT_EQ(ok->model_name(), "gpt-x");
    llm::ChatRequest req;
    EXPECT_TRUE(sync(ok->generate(req, nullptr)).ok());
    EXPECT_TRUE(sync(ok->generate(req, nullptr)).ok());
    EXPECT_FALSE(sync(failing->generate(req, nullptr)).ok());
    EXPECT_EQ(m->llm_requests.with({"assistant", "openai", "gpt-x"}).value(), 2u);
    EXPECT_EQ(m->llm_requests.with({"other", "openai", "gpt-x"}).value(), 1u);
    EXPECT_EQ(m->llm_request_duration.with({"assistant"}).snapshot().count, 2u);
    EXPECT_EQ(m->errors.with({"llm", "rate_limited"}).value(), 1u);
}

class FakeTool : public tools::Tool {
  public:
    const std::string& name() const override { return name_; }
    const std::string& description() const override { return name_; }
    const boost::json::value& parameters() const override { return params_; }
    bool approval_by_default() const override { return true; }
    asio::awaitable<tools::ToolResult> call(const boost::json::object& args, tools::ToolContext&) override {
        if (args.contains("throw")) throw std::runtime_error("boom");
        if (args.contains("fail")) co_return tools::ToolResult::error("no such file");
        co_return tools::ToolResult{"ok", false, {}};
    }

  private:
    std::string name_ = "grep_search";
    boost::json::value params_ = boost::json::object{{"type", "object"}};
};

TEST(Metered, ToolCallsAreCountedByOutcome) {
    auto m = make();
    auto tool = meter_tool(std::make_shared<FakeTool>(), *m, "assistant", "search");
    EXPECT_EQ(tool->name(), "grep_search");
    EXPECT_TRUE(tool->approval_by_default());
    tools::ToolContext ctx;
    EXPECT_FALSE(sync(tool->call({}, ctx)).is_error);
    EXPECT_TRUE(sync(tool->call({{"fail", true}}, ctx)).is_error);
    EXPECT_THROW(sync(tool->call({{"throw", true}}, ctx)), std::runtime_error);
    EXPECT_EQ(m->tool_calls.with({"assistant", "search", "success"}).value(), 1u);
    EXPECT_EQ(m->tool_calls.with({"assistant", "search", "error"}).value(), 2u);
    EXPECT_EQ(m->tool_call_duration.with({"assistant", "search"}).snapshot().count, 3u);
    EXPECT_EQ(m->errors.with({"tool", "tool_error"}).value(), 1u);
    EXPECT_EQ(m->errors.with({"tool", "internal"}).value(), 1u);
}

}  // namespace
}  // namespace hector::observability
