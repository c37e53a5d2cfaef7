#pragma once

#include <memory>
#include <string>

#include "hector/llm/model.hpp"
#include "hector/observability/metrics.hpp"
#include "hector/tools/tool.hpp"

/// Decorators that count what one agent does with its model and its tools. runtime::AppRuntime::build applies them
/// when metrics are on; with metrics off nothing is wrapped and nothing is counted.
namespace hector::observability {

/// `model` as `agent` uses it: llm_requests_total{agent,provider,model}, llm_request_duration_seconds{agent} and
/// errors_total{component="llm"} per generate(). Thread-safe like the model it wraps; `metrics` outlives it.
std::shared_ptr<llm::Model> meter_model(std::shared_ptr<llm::Model> model, Metrics& metrics, const std::string& agent);

/// `tool` as `agent` calls it under `name`: tool_calls_total{agent,tool,status}, tool_call_duration_seconds and
/// errors_total{component="tool"} per call (an error result, an exception or a cancel count as errors).
/// Thread-safe like the tool it wraps; `metrics` outlives it.
std::shared_ptr<tools::Tool> meter_tool(std::shared_ptr<tools::Tool> tool, Metrics& metrics, const std::string& agent,
                                        const std::string& name);

}  // namespace hector::observability
