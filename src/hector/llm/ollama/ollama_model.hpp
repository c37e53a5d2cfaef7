#pragma once

#include <string>

#include "hector/config/model.hpp"
#include "hector/llm/detail/provider_http.hpp"
#include "hector/llm/model.hpp"
#include "hector/llm/retry.hpp"

namespace hector::net {
class HttpClient;
}

namespace hector::llm {

/// Ollama's native chat API (POST {base_url}/api/chat, no API key; a configured key is sent as a bearer token for
/// hosted Ollama): NDJSON streaming, tool calls with object arguments (whole calls, no argument deltas), `think`
/// with the thinking in `message.thinking`, `format` for structured output, images as base64 strings.
/// Thread-safe: generate() may run concurrently; it holds no per-request state.
class OllamaModel final : public Model {
  public:
    OllamaModel(const config::LlmConfig& config, net::HttpClient& http);

    boost::asio::awaitable<Result<ChatResponse>> generate(const ChatRequest& request,
                                                          const DeltaSink* on_delta) override;
    const std::string& provider() const override { return provider_; }
    const std::string& model_name() const override { return model_; }

    /// The request body for a chat request (exposed for tests).
    std::string request_body(const ChatRequest& request, bool stream) const;

  private:
    boost::asio::awaitable<Result<ChatResponse>> once(const ChatRequest& request, const DeltaSink* on_delta,
                                                      detail::Attempt& attempt);

    std::string provider_ = "ollama";
    std::string model_;
    std::string url_;
    config::LlmConfig config_;
    net::HttpClient& http_;
    RetryPolicy retry_;
};

}  // namespace hector::llm
