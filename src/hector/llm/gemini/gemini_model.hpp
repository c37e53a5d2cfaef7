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

/// Google Gemini API (POST {base_url}/v1beta/models/{model}:generateContent, or :streamGenerateContent?alt=sse;
/// `x-goog-api-key`): contents with user/model roles, inlineData, functionCall/functionResponse parts, thought
/// parts as thinking, thoughtSignature replayed on the first functionCall of the next request, JSON Schemas
/// translated to Gemini's subset. Gemini's function calls carry no ids (older models): generated ids are never
/// sent back, results are matched by name and order.
/// Thread-safe: generate() may run concurrently; it holds no per-request state.
class GeminiModel final : public Model {
  public:
    GeminiModel(const config::LlmConfig& config, net::HttpClient& http);

    boost::asio::awaitable<Result<ChatResponse>> generate(const ChatRequest& request,
                                                          const DeltaSink* on_delta) override;
    const std::string& provider() const override { return provider_; }
    const std::string& model_name() const override { return model_; }

    /// The request body for a chat request, the same for both endpoints (exposed for tests).
    std::string request_body(const ChatRequest& request) const;

  private:
    boost::asio::awaitable<Result<ChatResponse>> once(const ChatRequest& request, const DeltaSink* on_delta,
                                                      detail::Attempt& attempt);

    std::string provider_ = "gemini";
    std::string model_;
    std::string base_url_;
    config::LlmConfig config_;
    net::HttpClient& http_;
    RetryPolicy retry_;
};

}  // namespace hector::llm
