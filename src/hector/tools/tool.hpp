#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <memory>
#include <string>

#include "hector/common/result.hpp"
#include "hector/config/model.hpp"

namespace hector::net {
class HttpClient;
}

/// Tools an agent can call (platform.md §5). The agent loop owns approval, truncation and session recording;
/// a Tool only does its work.
namespace hector::tools {

/// What a tool call may use. Lives as long as the call.
struct ToolContext {
    std::string app_id;
    std::string user_id;
    std::string context_id;  // the session
    std::string task_id;
    std::string call_id;
    boost::json::object session_state;  // a copy of the session's state when the call started
    /// Streams a piece of output as it is produced (shown to clients as a tool_progress status update). A tool may
    /// call it from another I/O thread than the one running call(), but never concurrently with itself and never
    /// after call() returned; the text is valid UTF-8.
    std::function<void(std::string_view)> progress;
    net::HttpClient* http = nullptr;
    boost::asio::thread_pool* blocking = nullptr;  // for file I/O and other blocking work
    std::size_t max_output_bytes = 1024 * 1024;    // DECISIONS 27: output beyond this is cut with a marker
    bool allow_private_networks = false;           // DECISIONS 28 for web tools
};

struct ToolResult {
    std::string content;              // what the model reads
    bool is_error = false;            // a failure the model should see (not a task failure)
    boost::json::object state_delta;  // session state changes (todo_write)
    static ToolResult error(std::string message) { return {std::move(message), true, {}}; }
};

/// One tool. Thread-safe: concurrent calls on one instance are allowed. call() must honour the awaiting
/// coroutine's cancellation (tool-call cancel, tasks/cancel, shutdown): kill the process group, abort the HTTP
/// transfer, and return promptly. Bad arguments are an error result, never an exception or a crash.
class Tool {
  public:
    virtual ~Tool() = default;
    virtual const std::string& name() const = 0;
    virtual const std::string& description() const = 0;
    /// JSON Schema (type object) of the arguments.
    virtual const boost::json::value& parameters() const = 0;
    /// The approval default of platform.md §5.2 when the config says nothing.
    virtual bool approval_by_default() const { return false; }
    virtual boost::asio::awaitable<ToolResult> call(const boost::json::object& arguments, ToolContext& context) = 0;
};

/// Builds the built-in tool `handler` (text_editor, apply_patch, grep_search, bash, web_search, web_fetch,
/// web_request, todo_write) configured by `config` (working_directory, sandbox lists, max_execution_time...).
/// Errors name the problem (unknown handler, a working_directory that does not exist).
Result<std::unique_ptr<Tool>> make_builtin(std::string_view handler, const config::ToolConfig& config);

/// Cuts `text` to `max_bytes` (on a UTF-8 boundary) and appends "…[truncated N chars]" when it was longer.
std::string truncate_output(std::string text, std::size_t max_bytes);

}  // namespace hector::tools
