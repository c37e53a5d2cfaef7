#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "hector/config/model.hpp"
#include "hector/llm/model.hpp"
#include "hector/net/http_client.hpp"

namespace hector::llm::testing {

/// What one generate() call produced: its result and the deltas it streamed, in order.
struct Outcome {
    std::optional<Result<ChatResponse>> result;
    std::vector<Delta> deltas;

    const Result<ChatResponse>& operator*() const { return *result; }
    const Result<ChatResponse>* operator->() const { return &*result; }
    /// The concatenated text of the deltas of one kind.
    std::string joined(Delta::Kind kind) const;
    int count(Delta::Kind kind) const;
};

/// Runs providers in-process as the server does: one io_context on its own thread and the process's HttpClient.
/// A streamed answer read whole: the response holds `text` and `thinking`, the deltas spelled them out, and it
/// made one tool call, `tool` with arguments equal (as JSON) to `arguments`.
void expect_answer_with_one_call(const Outcome& out, std::string_view text, std::string_view thinking,
                                 std::string_view tool, std::string_view arguments);

class ProviderRuntime {
  public:
    ProviderRuntime();
    ~ProviderRuntime();

    net::HttpClient& http() { return *http_; }

    /// Runs model.generate() to its end; streams when `stream` is true.
    Outcome generate(Model& model, const ChatRequest& request, bool stream);
    /// Streams, and cancels the call through the coroutine's cancellation slot (as a task cancel does) once
    /// `after` deltas arrived.
    Outcome generate_and_cancel(Model& model, const ChatRequest& request, int after);

  private:
    boost::asio::io_context io_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
    std::thread thread_;
    std::unique_ptr<net::HttpClient> http_;
};

/// An `llms.<id>` entry pointing at a fake: temperature 0.3, max_tokens 321, two retries, a 10 s timeout.
config::LlmConfig llm_config(std::string provider, std::string model, std::string base_url, std::string api_key);

/// A request with one user message.
ChatRequest user_request(std::string text);

/// The tool the tests declare: get_weather(city: string, required).
ToolDeclaration weather_tool();

}  // namespace hector::llm::testing
