#pragma once

#include <memory>

#include "hector/config/model.hpp"
#include "hector/llm/detail/provider_http.hpp"
#include "hector/llm/model.hpp"
#include "hector/llm/retry.hpp"

namespace hector::net {
class HttpClient;
}

namespace hector::llm {

/// OpenAI chat completions (POST {base_url}/chat/completions), streaming and not, with tool calls, usage and
/// retries. Also serves OpenAI-compatible servers (vLLM, llama.cpp, LM Studio, Ollama's /v1) through base_url.
class OpenAiModel final : public Model {
  public:
    OpenAiModel(const config::LlmConfig& config, net::HttpClient& http);

    boost::asio::awaitable<Result<ChatResponse>> generate(const ChatRequest& request,
                                                          const DeltaSink* on_delta) override;
    const std::string& provider() const override { return provider_; }
    const std::string& model_name() const override { return model_; }

    /// The request body for a chat request (exposed for tests).
    std::string request_body(const ChatRequest& request, bool stream) const;

  private:
    boost::asio::awaitable<Result<ChatResponse>> once(const ChatRequest& request, const DeltaSink* on_delta,
                                                      detail::Attempt& attempt);

    std::string provider_ = "openai";
    std::string model_;
    std::string base_url_;
    std::string api_key_;
    std::optional<double> temperature_;
    config::LlmConfig config_;
    net::HttpClient& http_;
    RetryPolicy retry_;
};

/// Whether a model name is an OpenAI reasoning model (o1, o3, o4, gpt-5...): max_completion_tokens and
/// reasoning_effort instead of max_tokens and temperature.
bool is_reasoning_model(std::string_view model);

}  // namespace hector::llm
