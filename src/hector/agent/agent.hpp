#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hector/a2a/types.hpp"
#include "hector/store/session_store.hpp"

namespace hector::agent {

/// Where a run reports what it does. Implemented by the task manager, which turns each call into task events
/// (DECISIONS 5) and session events. Calls come from the run's coroutine, one at a time.
class RunEmitter {
  public:
    virtual ~RunEmitter() = default;
    /// A piece of the answer as it is generated.
    virtual void answer_delta(std::string_view text) = 0;
    /// Reasoning the model shares; never part of the answer (status-update with metadata.type "thinking").
    virtual void thinking_delta(std::string_view text) = 0;
    /// Progress of a tool call (status-update with metadata.type "tool_progress" and the call id).
    virtual void tool_progress(std::string_view tool_call_id, std::string_view text) = 0;
    /// A tool call is running; `cancel` stops only that call (the task goes on). Called and invoked on the run's
    /// executor.
    virtual void tool_call_started(std::string_view tool_call_id, std::function<void()> cancel) = 0;
    virtual void tool_call_finished(std::string_view tool_call_id) = 0;
};

/// A task that waited for approval (input-required) and got the user's answer.
struct Resume {
    bool approved = false;
    std::string tool_call_id;               // which call the answer is for (empty: the first pending one)
    boost::json::array pending_tool_calls;  // [{tool_call_id, tool_name, arguments}] as the task recorded them
};

/// What an agent run receives.
struct RunInput {
    std::string app_id;
    std::string user_id;
    std::string context_id;
    std::string task_id;
    a2a::Message message;                      // the user's message of this turn
    std::vector<store::SessionEvent> history;  // earlier events of the conversation, oldest first
    boost::json::object session_state;
    std::optional<Resume> resume;  // set when this run continues an input-required task
};

/// How a run ended. Events to record in the session are returned, not written by the agent.
struct RunResult {
    enum class Outcome { completed, failed, input_required };
    Outcome outcome = Outcome::completed;
    std::string text;                  // the final answer (completed) or the prompt (input_required)
    std::string error;                 // failed: what went wrong, for status.message
    Errc error_code = Errc::internal;  // failed: transient (provider, network, timeout) or not

    SparseObject metadata;                    // e.g. pending_tool_calls for input_required
    std::vector<store::SessionEvent> events;  // tool calls/results and the agent's message, in order
    std::int64_t prompt_tokens = 0;
    std::int64_t completion_tokens = 0;
};

/// An agent: LLM-backed, workflow or remote. Thread-safe: one instance runs many tasks concurrently.
/// run() honours the awaiting coroutine's cancellation (tasks/cancel, shutdown).
class Agent {
  public:
    virtual ~Agent() = default;
    virtual boost::asio::awaitable<RunResult> run(const RunInput& input, RunEmitter& emit) = 0;
};

}  // namespace hector::agent
