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

/// Anthropic Messages API (POST {base_url}/v1/messages, `x-api-key`, `anthropic-version: 2023-06-01`), streaming
/// and not: content blocks for text, images, tool_use/tool_result; extended thinking with signed thinking blocks
/// that are replayed before the tool_use blocks of the next request; structured output as a forced tool.
/// Thread-safe: generate() may run concurrently; it holds no per-request state.
class AnthropicModel final : public Model {
  public:
    static constexpr std::string_view kApiVersion = "2023-06-01";

    AnthropicModel(const config::LlmConfig& config, net::HttpClient& http);

    boost::asio::awaitable<Result<ChatResponse>> generate(const ChatRequest& request,
                                                          const DeltaSink* on_delta) override;
    const std::string& provider() const override { return provider_; }
    const std::string& model_name() const override { return model_; }

    /// The request body for a chat request (exposed for tests).
    std::string request_body(const ChatRequest& request, bool stream) const;

  private:
    boost::asio::awaitable<Result<ChatResponse>> once(const ChatRequest& request, const DeltaSink* on_delta,
                                                      detail::Attempt& attempt);

    std::string provider_ = "anthropic";
    std::string model_;
    std::string url_;
    config::LlmConfig config_;
    net::HttpClient& http_;
    RetryPolicy retry_;
};

/// Extended thinking's budget for a request: at least 1024 (the API's minimum; 0 means "the minimum") and below
/// max_tokens. When the budget would not fit, max_tokens grows by the budget, so the answer keeps the allowance
/// the config gave it. Returns {budget_tokens, max_tokens}.
std::pair<int, int> anthropic_thinking_budget(int budget_tokens, int max_tokens);

}  // namespace hector::llm
