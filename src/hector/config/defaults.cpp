#include <cctype>

#include "hector/config/loader.hpp"
#include "hector/config/providers.hpp"

namespace hector::config {

namespace {

std::string title_case(std::string_view id) {
    std::string out;
    bool upper = true;
    for (char c : id) {
        if (c == '_' || c == '-') {
            out.push_back(' ');
            upper = true;
        } else {
            out.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
            upper = false;
        }
    }
    return out;
}

void finalize_llm(LlmConfig& llm, const Environment& env) {
    if (llm.provider.empty()) {
        auto inferred = provider_for_model(llm.model);
        llm.provider = inferred ? std::string(*inferred) : "openai";
    }
    auto info = provider_info(llm.provider);
    if (!info) return;  // reported by the enum check
    if (llm.model.empty()) llm.model = std::string(info->default_model);
    if (llm.base_url.empty()) llm.base_url = std::string(info->default_base_url);
    while (llm.base_url.size() > 1 && llm.base_url.back() == '/') llm.base_url.pop_back();
    if (llm.api_key.empty() && !info->api_key_env.empty()) {
        if (auto key = env.get(info->api_key_env)) llm.api_key = *key;
    }
}

}  // namespace

void finalize(Config& config, const Environment& env) {
    if (config.version.empty()) config.version = "2";
    for (auto& [id, llm] : config.llms) finalize_llm(llm, env);

    std::string fallback_llm = config.defaults.llm;
    if (fallback_llm.empty() && config.llms.contains("default")) fallback_llm = "default";
    if (fallback_llm.empty() && config.llms.size() == 1) fallback_llm = config.llms.front().first;

    for (auto& [id, agent] : config.agents) {
        if (agent.name.empty()) agent.name = id;
        if (agent.description.empty()) agent.description = title_case(agent.name) + " agent";
        if (agent.version.empty()) agent.version = "1.0.0";
        if (agent.type == "llm" && agent.llm.empty()) agent.llm = fallback_llm;
        if (agent.trigger && agent.trigger->type == "webhook" && agent.trigger->path.empty())
            agent.trigger->path = "/webhooks/" + id;
        if (agent.agent_card_url.empty() && !agent.url.empty()) {
            std::string base = agent.url;
            while (!base.empty() && base.back() == '/') base.pop_back();
            agent.agent_card_url = base + "/.well-known/agent-card.json";
        }
    }

    for (auto& [id, tool] : config.tools) {
        if (tool.type.empty()) {
            // A URL or a server command means MCP; a handler or a built-in name means function (platform.md §9).
            bool mcp = !tool.url.empty() || (!tool.command.empty() && tool.handler.empty());
            tool.type = mcp ? "mcp" : "function";
        }
        if (tool.type == "function" && tool.handler.empty() && is_builtin_tool(id)) tool.handler = id;
    }

    for (auto& [id, db] : config.databases) {
        if (db.port == 0) db.port = db.driver == "mysql" ? 3306 : db.driver == "postgres" ? 5432 : 0;
    }

    if (config.server.rate_limiting && !config.rate_limiting.enabled &&
        config.server.rate_limiting->requests_per_minute > 0) {
        // Legacy server.rate_limiting → one count/minute rule (server.md §12).
        const auto& legacy = *config.server.rate_limiting;
        config.rate_limiting.enabled = true;
        config.rate_limiting.scope = legacy.per_user ? "user" : "session";
        config.rate_limiting.limits.push_back(
            RateLimitRule{"count", "minute", legacy.requests_per_minute + legacy.burst});
    }
}

}  // namespace hector::config
