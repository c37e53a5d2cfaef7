#include "hector/llm/factory.hpp"

#include <fmt/format.h>

#include "hector/config/providers.hpp"
#include "hector/llm/anthropic/anthropic_model.hpp"
#include "hector/llm/echo_model.hpp"
#include "hector/llm/gemini/gemini_model.hpp"
#include "hector/llm/ollama/ollama_model.hpp"
#include "hector/llm/openai/openai_model.hpp"

namespace hector::llm {

Result<std::shared_ptr<Model>> make_model(const std::string& id, const config::LlmConfig& config,
                                          net::HttpClient* http) {
    if (config.provider == "echo") return std::shared_ptr<Model>(std::make_shared<EchoModel>(config.model));
    auto info = config::provider_info(config.provider);
    if (!info)
        return Error{Errc::invalid_argument, fmt::format("llms.{}: unknown provider \"{}\"", id, config.provider)};
    if (!info->api_key_env.empty() && config.api_key.empty())
        return Error{Errc::invalid_argument, fmt::format("llms.{}: no API key for {} (set api_key or {})", id,
                                                         config.provider, info->api_key_env)};
    if (!http) return Error{Errc::internal, fmt::format("llms.{}: no HTTP client", id)};
    if (config.provider == "openai") return std::shared_ptr<Model>(std::make_shared<OpenAiModel>(config, *http));
    if (config.provider == "anthropic") return std::shared_ptr<Model>(std::make_shared<AnthropicModel>(config, *http));
    if (config.provider == "gemini") return std::shared_ptr<Model>(std::make_shared<GeminiModel>(config, *http));
    if (config.provider == "ollama") return std::shared_ptr<Model>(std::make_shared<OllamaModel>(config, *http));
    return Error{Errc::unsupported,
                 fmt::format("llms.{}: the {} provider is not available in this build", id, config.provider)};
}

}  // namespace hector::llm
