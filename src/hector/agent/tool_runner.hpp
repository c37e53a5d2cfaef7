#pragma once

#include <boost/asio/awaitable.hpp>

#include <vector>

#include "hector/agent/agent.hpp"
#include "hector/agent/tool_binding.hpp"
#include "hector/llm/model.hpp"

namespace hector::agent {

/// Where and for whom tool calls run.
struct ToolCallEnv {
    const RunInput* input = nullptr;
    ToolDeps deps;
    std::size_t max_tool_output_length = 0;  // llms.<id>.max_tool_output_length in characters; 0 = unlimited
};

struct CallOutcome {
    llm::ToolCall call;
    tools::ToolResult result;
};

/// Runs tool calls concurrently on the caller's executor and returns their results in call order. Each call can
/// be cancelled alone (RunEmitter::tool_call_started hands out the handle); a failure or a cancel becomes an error
/// result for the model, never an exception. Unknown tools and malformed arguments are error results too.
boost::asio::awaitable<std::vector<CallOutcome>> run_tool_calls(const std::vector<llm::ToolCall>& calls,
                                                                const std::vector<ToolBinding>& bindings,
                                                                const ToolCallEnv& env, RunEmitter& emit);

}  // namespace hector::agent
