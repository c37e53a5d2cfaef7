#pragma once

#include <optional>
#include <string_view>

namespace hector::config {

/// What the config needs to know about each LLM provider (platform.md §4).
struct ProviderInfo {
    std::string_view name;
    std::string_view default_model;
    std::string_view default_base_url;
    std::string_view api_key_env;  // empty when no key is needed
};

std::optional<ProviderInfo> provider_info(std::string_view provider);
/// The same facts for embedding providers (platform.md §8.2): openai, ollama, cohere.
std::optional<ProviderInfo> embedder_provider_info(std::string_view provider);
/// claude* → anthropic, gpt*/o1*/o3*/o4* → openai, gemini* → gemini; nullopt when the name says nothing.
std::optional<std::string_view> provider_for_model(std::string_view model);
/// The providers whose key is looked up in the environment, in zero-config order.
inline constexpr std::string_view kKeyedProviders[] = {"openai", "anthropic", "gemini"};

/// The eight built-in tools `--tools all` enables (platform.md §5.2), in order.
inline constexpr std::string_view kBuiltinTools[] = {"text_editor", "apply_patch", "grep_search", "bash",
                                                     "web_search",  "web_fetch",   "web_request", "todo_write"};
bool is_builtin_tool(std::string_view name);

}  // namespace hector::config
