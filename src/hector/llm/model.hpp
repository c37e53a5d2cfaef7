#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hector/common/result.hpp"

/// The provider-neutral chat model interface. Providers (openai, anthropic, gemini, ollama, echo) translate it to
/// their wire format; the agent loop speaks only this.
namespace hector::llm {

struct ToolCall {
    std::string id;
    std::string name;
    std::string arguments;  // JSON text as the model produced it
};

/// An inline or referenced file given to the model (images and documents where the provider supports them).
struct Attachment {
    std::string mime_type;
    std::string data;  // base64
    std::string uri;
};

struct ChatMessage {
    enum class Role { user, assistant, tool };
    Role role = Role::user;
    std::string text;
    std::vector<Attachment> attachments;
    std::vector<ToolCall> tool_calls;  // assistant turns that called tools
    std::string tool_call_id;          // tool results: which call this answers
    std::string tool_name;             // tool results: the tool's name (Gemini needs it)
    bool is_error = false;             // tool results that report a failure
    std::string thinking;              // assistant thinking to replay (Anthropic signed blocks)
    std::string thinking_signature;
};

struct ToolDeclaration {
    std::string name;
    std::string description;
    boost::json::value parameters;  // JSON Schema (object)
};

struct ThinkingOptions {
    bool enabled = false;
    int budget_tokens = 0;
};

struct ChatRequest {
    std::string system;
    std::vector<ChatMessage> messages;
    std::vector<ToolDeclaration> tools;
    std::optional<double> temperature;
    int max_tokens = 4096;
    ThinkingOptions thinking;
    boost::json::value response_schema;  // structured output; null = none
    std::string response_schema_name = "response";
};

struct Usage {
    std::int64_t prompt_tokens = 0;
    std::int64_t completion_tokens = 0;
};

struct ChatResponse {
    std::string text;
    std::string thinking;
    std::string thinking_signature;
    std::vector<ToolCall> tool_calls;
    Usage usage;
    std::string finish_reason;  // stop | length | tool_calls | content_filter | ...
};

/// One streamed increment. Text and thinking deltas carry text; tool-call deltas carry the call's index, and its
/// id/name on the first delta of that call.
struct Delta {
    enum class Kind { text, thinking, tool_call };
    Kind kind = Kind::text;
    std::string text;
    int index = 0;
    std::string id;
    std::string name;
};

/// Receives deltas on the awaiting coroutine's executor, in order.
using DeltaSink = std::function<void(const Delta&)>;

/// A configured model. Thread-safe: one instance serves every agent that names it, concurrently.
/// generate() honours the awaiting coroutine's cancellation (the HTTP transfer is aborted and the result is
/// Errc::cancelled). Errors: Errc::upstream_error (provider said no, with its message), Errc::rate_limited,
/// Errc::timeout, Errc::unavailable (network), Errc::cancelled, Errc::invalid_argument (request it can't express).
class Model {
  public:
    virtual ~Model() = default;
    /// Streams deltas to `on_delta` when given (and the provider streams), and returns the whole answer.
    virtual boost::asio::awaitable<Result<ChatResponse>> generate(const ChatRequest& request,
                                                                  const DeltaSink* on_delta) = 0;
    virtual const std::string& provider() const = 0;
    virtual const std::string& model_name() const = 0;
};

}  // namespace hector::llm
