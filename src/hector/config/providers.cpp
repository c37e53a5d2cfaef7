#include "hector/config/providers.hpp"

namespace hector::config {

namespace {
constexpr ProviderInfo kProviders[] = {
    {"openai", "gpt-4o", "https://api.openai.com/v1", "OPENAI_API_KEY"},
    {"anthropic", "claude-haiku-4-5", "https://api.anthropic.com", "ANTHROPIC_API_KEY"},
    {"gemini", "gemini-2.5-pro", "https://generativelanguage.googleapis.com", "GEMINI_API_KEY"},
    {"ollama", "qwen3", "http://localhost:11434", ""},
    {"echo", "echo", "", ""},
};
constexpr ProviderInfo kEmbedders[] = {
    {"openai", "text-embedding-3-small", "https://api.openai.com/v1", "OPENAI_API_KEY"},
    {"ollama", "nomic-embed-text", "http://localhost:11434", ""},
    {"cohere", "embed-english-v3.0", "https://api.cohere.com", "COHERE_API_KEY"},
};
}  // namespace

std::optional<ProviderInfo> provider_info(std::string_view provider) {
    for (const auto& p : kProviders)
        if (p.name == provider) return p;
    return std::nullopt;
}

std::optional<ProviderInfo> embedder_provider_info(std::string_view provider) {
    for (const auto& p : kEmbedders)
        if (p.name == provider) return p;
    return std::nullopt;
}

std::optional<std::string_view> provider_for_model(std::string_view model) {
    auto starts = [&](std::string_view p) { return model.substr(0, p.size()) == p; };
    if (starts("claude")) return "anthropic";
    if (starts("gpt") || starts("o1") || starts("o3") || starts("o4") || starts("chatgpt")) return "openai";
    if (starts("gemini")) return "gemini";
    return std::nullopt;
}

bool is_builtin_tool(std::string_view name) {
    for (auto t : kBuiltinTools)
        if (t == name) return true;
    return name == "search";
}

}  // namespace hector::config
