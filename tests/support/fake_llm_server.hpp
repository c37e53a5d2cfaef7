#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hector::test {

/// One scripted answer of a fake LLM provider. Each fake renders it in its provider's exact wire format.
struct FakeReply {
    struct ToolCall {
        std::string id;  // empty: the fake sends none where the API may omit it (Gemini, Ollama)
        std::string name;
        std::string arguments;  // JSON object text; streamed in fragments where the API streams arguments
    };
    int status = 200;
    std::string text;                          // the answer; empty with tool calls is fine
    std::vector<std::string> chunks;           // streaming pieces of `text` (default: split in ~4)
    std::string thinking;                      // reasoning, sent as the provider's thinking/thought content
    std::vector<std::string> thinking_chunks;  // streaming pieces of `thinking` (default: split in ~2)
    std::string signature;                     // Anthropic thinking signature / Gemini thoughtSignature
    std::vector<ToolCall> tool_calls;
    std::chrono::milliseconds delay{0};          // before the response starts
    std::chrono::milliseconds chunk_delay{0};    // before each streamed text/thinking/argument chunk
    std::string error_message;                   // status >= 400 or stream_error: the provider's error message
    std::string error_type;                      // the provider's error type/status (default: from the status)
    std::map<std::string, std::string> headers;  // e.g. Retry-After
    std::string retry_delay;                     // Gemini 429: RetryInfo.retryDelay in the body, e.g. "1s"
    bool stream_error = false;                   // streaming: the provider's in-stream error after the text
    bool hang = false;                           // never answer (until the client goes away)
    int prompt_tokens = 11;
    int completion_tokens = 7;
    /// Streaming, for shapes the fields above cannot express: these pieces are sent as they are instead. Anthropic:
    /// SSE events ("event: ...\ndata: ...\n\n"); Gemini: SSE events ("data: ...\r\n\r\n"); Ollama: NDJSON
    /// lines ("{...}\n").
    std::vector<std::string> raw_events;
};

/// What a fake received.
struct FakeRequest {
    std::string path;
    std::string query;
    std::map<std::string, std::string> headers;  // lower-case names
    boost::json::value body;
};

/// What a fake answers: a JSON body, or a stream of pre-rendered events.
struct FakeOutput {
    int status = 200;
    std::map<std::string, std::string> headers;
    boost::json::value body;   // non-streaming answers
    std::string content_type;  // set: a streamed answer made of `events`
    std::vector<std::string> events;
    std::vector<bool> paced;  // per event: wait the reply's chunk_delay before writing it
};

/// The machinery the provider fakes share: our own HTTP server on a free loopback port, run by its own thread; a
/// queue of scripted replies (or a default rule); a record of every request; the count of streams whose client
/// went away. A provider supplies how to render a reply (`Protocol`). Thread-safe.
class FakeLlmServer {
  public:
    using Reply = FakeReply;
    using Request = FakeRequest;
    using ToolCall = FakeReply::ToolCall;

    struct Protocol {
        std::string name;
        /// The text of the last user message of a request body (for the default "fake: <text>" answer).
        std::function<std::string(const boost::json::value& body)> last_user_text;
        /// Renders a reply (errors included) for a request.
        std::function<FakeOutput(const Request&, const Reply&)> render;
        /// Bytes a hanging stream writes now and then to notice a gone client, harmless to the client's parser.
        std::string keepalive;
    };

    explicit FakeLlmServer(Protocol protocol);
    ~FakeLlmServer();
    FakeLlmServer(const FakeLlmServer&) = delete;
    FakeLlmServer& operator=(const FakeLlmServer&) = delete;

    /// http://127.0.0.1:<port>
    std::string url() const;
    int port() const { return port_; }
    /// Replies are used in order; with none queued the default rule answers (by default "fake: <last user text>").
    void enqueue(Reply reply);
    void set_default(std::function<Reply(const std::string& last_user_text)> rule);
    std::vector<Request> requests() const;
    std::size_t request_count() const;
    /// Waits until at least n requests arrived.
    bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const;
    /// Waits until a streamed response found its client gone (a write failed).
    bool wait_for_disconnect(std::chrono::milliseconds timeout) const;

    struct Impl;

  private:
    std::shared_ptr<Impl> impl_;
    int port_ = 0;
};

/// Splits text into about n pieces (for streaming), none when the text is empty.
std::vector<std::string> split_pieces(const std::string& text, std::size_t n);

}  // namespace hector::test
