#include "hector/observability/metered.hpp"

#include <boost/system/system_error.hpp>

#include <chrono>

namespace hector::observability {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class MeteredModel final : public llm::Model {
  public:
    MeteredModel(std::shared_ptr<llm::Model> inner, Metrics& metrics, const std::string& agent)
        : inner_(std::move(inner)),
          metrics_(metrics),
          requests_(metrics.llm_requests.with({agent, inner_->provider(), inner_->model_name()})),
          duration_(metrics.llm_request_duration.with({agent})) {}

    boost::asio::awaitable<Result<llm::ChatResponse>> generate(const llm::ChatRequest& request,
                                                               const llm::DeltaSink* on_delta) override {
        const auto start = std::chrono::steady_clock::now();
        requests_.inc();
        try {
            auto out = co_await inner_->generate(request, on_delta);
            duration_.observe(seconds_since(start));
            if (!out) metrics_.error("llm", Metrics::error_type(out.error().code));
            co_return out;
        } catch (const boost::system::system_error&) {
            duration_.observe(seconds_since(start));
            metrics_.error("llm", "cancelled");
            throw;
        } catch (...) {
            duration_.observe(seconds_since(start));
            metrics_.error("llm", "internal");
            throw;
        }
    }
    const std::string& provider() const override { return inner_->provider(); }
    const std::string& model_name() const override { return inner_->model_name(); }

  private:
    std::shared_ptr<llm::Model> inner_;
    Metrics& metrics_;
    Counter& requests_;
    Histogram& duration_;
};

class MeteredTool final : public tools::Tool {
  public:
    MeteredTool(std::shared_ptr<tools::Tool> inner, Metrics& metrics, const std::string& agent, const std::string& name)
        : inner_(std::move(inner)),
          metrics_(metrics),
          success_(metrics.tool_calls.with({agent, name, "success"})),
          failure_(metrics.tool_calls.with({agent, name, "error"})),
          duration_(metrics.tool_call_duration.with({agent, name})) {}

    const std::string& name() const override { return inner_->name(); }
    const std::string& description() const override { return inner_->description(); }
    const boost::json::value& parameters() const override { return inner_->parameters(); }
    bool approval_by_default() const override { return inner_->approval_by_default(); }

    boost::asio::awaitable<tools::ToolResult> call(const boost::json::object& arguments,
                                                   tools::ToolContext& context) override {
        const auto start = std::chrono::steady_clock::now();
        try {
            auto result = co_await inner_->call(arguments, context);
            finish(start, result.is_error ? "tool_error" : nullptr);
            co_return result;
        } catch (const boost::system::system_error&) {
            finish(start, "cancelled");
            throw;
        } catch (...) {
            finish(start, "internal");
            throw;
        }
    }

  private:
    void finish(std::chrono::steady_clock::time_point start, const char* error_type) {
        duration_.observe(seconds_since(start));
        (error_type ? failure_ : success_).inc();
        if (error_type) metrics_.error("tool", error_type);
    }

    std::shared_ptr<tools::Tool> inner_;
    Metrics& metrics_;
    Counter& success_;
    Counter& failure_;
    Histogram& duration_;
};

}  // namespace

std::shared_ptr<llm::Model> meter_model(std::shared_ptr<llm::Model> model, Metrics& metrics, const std::string& agent) {
    return std::make_shared<MeteredModel>(std::move(model), metrics, agent);
}

std::shared_ptr<tools::Tool> meter_tool(std::shared_ptr<tools::Tool> tool, Metrics& metrics, const std::string& agent,
                                        const std::string& name) {
    return std::make_shared<MeteredTool>(std::move(tool), metrics, agent, name);
}

}  // namespace hector::observability
