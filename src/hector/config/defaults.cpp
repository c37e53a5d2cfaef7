#include <cctype>

#include "hector/config/detail/legacy.hpp"
#include "hector/config/loader.hpp"
#include "hector/config/providers.hpp"

namespace hector::config {

namespace detail {

RateLimitingConfig rate_limiting_from_legacy(const LegacyRateLimitConfig& legacy) {
    RateLimitingConfig out;
    out.enabled = legacy.enabled.value_or(true) && legacy.requests_per_minute > 0;
    out.scope = legacy.per_user ? "user" : "session";
    if (legacy.requests_per_minute > 0)
        out.limits.push_back(RateLimitRule{"count", "minute", legacy.requests_per_minute + legacy.burst});
    return out;
}

void apply_legacy_observability(ObservabilityConfig& top, const LegacyObservabilityConfig& legacy) {
    if (legacy.tracing && top.tracing == TracingConfig{}) top.tracing = *legacy.tracing;
    if (legacy.metrics && top.metrics == MetricsConfig{}) top.metrics = *legacy.metrics;
}

}  // namespace detail

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

void trim_trailing_slashes(std::string& url) {
    while (url.size() > 1 && url.back() == '/') url.pop_back();
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
    trim_trailing_slashes(llm.base_url);
    if (llm.api_key.empty() && !info->api_key_env.empty()) {
        if (auto key = env.get(info->api_key_env)) llm.api_key = *key;
    }
}

void finalize_embedder(EmbedderConfig& e, const Environment& env) {
    auto info = embedder_provider_info(e.provider);
    if (!info) return;
    if (e.model.empty()) e.model = std::string(info->default_model);
    if (e.base_url.empty()) e.base_url = std::string(info->default_base_url);
    trim_trailing_slashes(e.base_url);
    if (e.api_key.empty() && !info->api_key_env.empty()) {
        if (auto key = env.get(info->api_key_env)) e.api_key = *key;
    }
}

// Children written inside an agent become top-level agents and sub-agents of their parent. A child whose id is
// already taken stays where it is, and validate() reports it. Hoisted children are visited in turn, so
// grandchildren move up too.
void hoist_inline_agents(OrderedMap<AgentConfig>& agents) {
    for (std::size_t i = 0; i < agents.size(); ++i) {
        auto parent_it = agents.begin() + static_cast<std::ptrdiff_t>(i);
        if (parent_it->second.agents.items.empty()) continue;
        const std::string parent_id = parent_it->first;
        OrderedMap<AgentConfig> children = std::move(parent_it->second.agents.items);
        OrderedMap<AgentConfig> kept;
        std::vector<std::string> adopted;
        for (auto& [id, child] : children) {
            if (agents.contains(id)) {
                kept[id] = std::move(child);
                continue;
            }
            adopted.push_back(id);
            agents[id] = std::move(child);  // may reallocate: parent_it is not used after this loop
        }
        AgentConfig& parent = *agents.find(parent_id);
        parent.agents.items = std::move(kept);
        for (const auto& id : adopted)
            if (std::find(parent.sub_agents.begin(), parent.sub_agents.end(), id) == parent.sub_agents.end())
                parent.sub_agents.push_back(id);
    }
}

void finalize_agent(const std::string& id, AgentConfig& agent, const std::string& fallback_llm) {
    if (agent.name.empty()) agent.name = id;
    if (agent.description.empty()) agent.description = title_case(agent.name) + " agent";
    if (agent.version.empty()) agent.version = "1.0.0";
    if (agent.type == "llm" && agent.llm.empty()) agent.llm = fallback_llm;
    if (agent.trigger && agent.trigger->type == "webhook" && agent.trigger->path.empty())
        agent.trigger->path = "/webhooks/" + id;
    if (agent.agent_card_url.empty() && !agent.url.empty()) {
        std::string base = agent.url;
        trim_trailing_slashes(base);
        agent.agent_card_url = base + "/.well-known/agent-card.json";
    }
}

void finalize_tool(const std::string& id, ToolConfig& tool) {
    if (tool.type.empty()) {
        // A URL or a server command means MCP; a handler or a built-in name means function (platform.md §9).
        bool mcp = !tool.url.empty() || (!tool.command.empty() && tool.handler.empty());
        tool.type = mcp ? "mcp" : "function";
    }
    if (tool.type == "function" && tool.handler.empty() && is_builtin_tool(id)) tool.handler = id;
    if (tool.type == "mcp") {
        // platform.md §5.4: a command means stdio; a URL ending in /sse means SSE; anything else streamable HTTP.
        if (tool.transport == "http") tool.transport = "streamable-http";
        if (tool.transport.empty()) {
            std::string url = tool.url;
            trim_trailing_slashes(url);
            if (!tool.command.empty() && tool.url.empty())
                tool.transport = "stdio";
            else if (url.size() >= 4 && url.compare(url.size() - 4, 4, "/sse") == 0)
                tool.transport = "sse";
            else
                tool.transport = "streamable-http";
        }
        if (tool.prefix.empty()) tool.prefix = id;
    }
}

void finalize_storage(Config& config) {
    auto finalize_store = [&](StoreBackendConfig& s) {
        if (s.backend == "memory") s.backend = "inmemory";
        if (s.backend == "sql" && s.database.empty() && config.databases.size() == 1)
            s.database = config.databases.front().first;
    };
    finalize_store(config.storage.tasks);
    finalize_store(config.storage.sessions);
    auto& memory = config.storage.memory;
    if (memory.backend == "vector" && memory.embedder.empty() && !config.embedders.empty())
        memory.embedder = config.embedders.front().first;
    if (config.rate_limiting.backend == "sql" && config.rate_limiting.sql_database.empty())
        config.rate_limiting.sql_database = config.storage.sessions.database;
}

int default_vector_port(std::string_view type) {
    if (type == "qdrant") return 6333;
    if (type == "weaviate") return 8080;
    if (type == "milvus") return 19530;
    if (type == "chroma") return 8000;
    return 0;
}

}  // namespace

void finalize(Config& config, const Environment& env) {
    if (config.version.empty()) config.version = "2";

    if (config.server.rate_limiting && config.rate_limiting == RateLimitingConfig{})
        config.rate_limiting = detail::rate_limiting_from_legacy(*config.server.rate_limiting);
    if (config.server.observability)
        detail::apply_legacy_observability(config.observability, *config.server.observability);
    if (config.observability.observability)
        detail::apply_legacy_observability(config.observability, *config.observability.observability);

    auto& tracing = config.observability.tracing;
    if (tracing.endpoint == TracingConfig{}.endpoint) {
        // The default endpoint is OTLP's; the other exporters have collectors of their own.
        if (tracing.exporter == "jaeger") tracing.endpoint = "http://localhost:14268/api/traces";
        if (tracing.exporter == "zipkin") tracing.endpoint = "http://localhost:9411/api/v2/spans";
    }

    for (auto& [id, llm] : config.llms) finalize_llm(llm, env);

    std::string fallback_llm = config.defaults.llm;
    if (fallback_llm.empty() && config.llms.contains("default")) fallback_llm = "default";
    if (fallback_llm.empty() && config.llms.size() == 1) fallback_llm = config.llms.front().first;

    hoist_inline_agents(config.agents);
    for (auto& [id, agent] : config.agents) finalize_agent(id, agent, fallback_llm);
    for (auto& [id, tool] : config.tools) finalize_tool(id, tool);

    for (auto& [id, db] : config.databases) {
        if (db.port == 0) db.port = db.driver == "mysql" ? 3306 : db.driver == "postgres" ? 5432 : 0;
    }
    finalize_storage(config);

    for (auto& [id, e] : config.embedders) finalize_embedder(e, env);
    for (auto& [id, vs] : config.vector_stores) {
        if (vs.port == 0) vs.port = default_vector_port(vs.type);
    }
    for (auto& [id, ds] : config.document_stores) {
        if (ds.vector_store.empty() && !config.vector_stores.empty())
            ds.vector_store = config.vector_stores.front().first;
        if (ds.embedder.empty() && !config.embedders.empty()) ds.embedder = config.embedders.front().first;
        if (ds.collection.empty()) ds.collection = id;
    }
}

}  // namespace hector::config
