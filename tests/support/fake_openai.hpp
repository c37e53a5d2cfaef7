#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hector::test {

/// A scripted stand-in for the OpenAI chat-completions API (POST /v1/chat/completions), speaking its exact wire
/// format: JSON responses, SSE chunks ending in `data: [DONE]`, tool-call deltas, usage, error bodies, delays.
/// Runs on its own thread with Hector's own HTTP server on a free loopback port. Thread-safe.
class FakeOpenAi {
  public:
    struct ToolCall {
        std::string id;
        std::string name;
        std::string arguments;  // JSON text; streamed in a few fragments
    };
    struct Reply {
        int status = 200;
        std::string text;  // the answer; empty with tool calls is fine
        std::vector<ToolCall> tool_calls;
        std::vector<std::string> chunks;             // streaming pieces of `text` (default: split in ~4)
        std::chrono::milliseconds delay{0};          // before the response starts
        std::chrono::milliseconds chunk_delay{0};    // between streamed chunks
        std::string error_message;                   // status >= 400: the error body's message
        std::map<std::string, std::string> headers;  // e.g. Retry-After
        bool hang = false;                           // never answer (until the client goes away)
        int prompt_tokens = 11;
        int completion_tokens = 7;
        /// Streaming: sent as they are, one `data:` event each, instead of what the fields above describe (add
        /// "[DONE]" where it belongs). For chunks the real API may send that the fields cannot express.
        std::vector<std::string> raw_events;

        /// A long answer sent at once: n chunks "w0 ", "w1 ", ... (what a fast model streams per token).
        static Reply chunked(int n) {
            Reply r;
            for (int i = 0; i < n; ++i) {
                r.chunks.push_back("w" + std::to_string(i) + " ");
                r.text += r.chunks.back();
            }
            return r;
        }
    };
    struct Request {
        std::string path;
        std::map<std::string, std::string> headers;  // lower-case names
        boost::json::value body;
    };

    FakeOpenAi();
    ~FakeOpenAi();

    /// http://127.0.0.1:<port>/v1
    std::string base_url() const;
    int port() const { return port_; }
    /// Replies are used in order; with none queued the fake asks the default rule (by default: answer
    /// "fake: <last user text>").
    void enqueue(Reply reply);
    void set_default(std::function<Reply(const std::string& last_user_text)> rule);
    std::vector<Request> requests() const;
    std::size_t request_count() const;
    /// The most requests that were in their reply's delay at the same time (how many runs a server had going).
    std::size_t max_concurrent() const;
    /// Waits until at least n requests arrived.
    bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const;
    /// Waits until a streamed response found its client gone (a write failed or the connection closed).
    bool wait_for_disconnect(std::chrono::milliseconds timeout) const;

    struct Impl;

  private:
    std::shared_ptr<Impl> impl_;
    int port_ = 0;
};

}  // namespace hector::test
