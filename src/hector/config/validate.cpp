#include <regex>
#include <set>

#include <fmt/format.h>

#include "hector/common/strings.hpp"
#include "hector/config/loader.hpp"
#include "hector/config/providers.hpp"

namespace hector::config {

namespace {

bool valid_agent_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
    return true;
}

template <class Map>
void check_ref(const Map& map, const std::string& ref, std::string_view kind, const std::string& path,
               Diagnostics& diag) {
    if (!ref.empty() && !map.contains(ref)) diag.reference_error(path, fmt::format("unknown {} \"{}\"", kind, ref));
}

bool valid_cron_field(std::string_view f, int lo, int hi) {
    if (f.empty()) return false;
    for (const auto& part : split(f, ',')) {
        std::string_view p = part;
        int step = 1;
        if (auto slash = p.find('/'); slash != std::string_view::npos) {
            auto s = p.substr(slash + 1);
            if (s.empty() || s.find_first_not_of("0123456789") != std::string_view::npos) return false;
            step = std::stoi(std::string(s));
            if (step < 1) return false;
            p = p.substr(0, slash);
        }
        if (p == "*") continue;
        auto dash = p.find('-');
        auto a = p.substr(0, dash);
        auto b = dash == std::string_view::npos ? a : p.substr(dash + 1);
        auto num = [&](std::string_view s) {
            return !s.empty() && s.size() <= 2 && s.find_first_not_of("0123456789") == std::string_view::npos;
        };
        if (!num(a) || !num(b)) return false;
        int x = std::stoi(std::string(a)), y = std::stoi(std::string(b));
        if (x < lo || y > hi || x > y) return false;
    }
    return true;
}

bool valid_cron(std::string_view expr) {
    auto fields = split_trimmed(expr, ' ');
    if (fields.size() != 5) return false;
    static constexpr int kLo[] = {0, 0, 1, 1, 0};
    static constexpr int kHi[] = {59, 23, 31, 12, 7};
    for (std::size_t i = 0; i < 5; ++i)
        if (!valid_cron_field(fields[i], kLo[i], kHi[i])) return false;
    return true;
}

void check_cycles(const Config& config, Diagnostics& diag) {
    // Depth-first search over sub_agents and agent_tools edges; report each cycle once, with its path.
    enum class Mark { none, active, done };
    std::map<std::string, Mark> marks;
    std::vector<std::string> stack;
    std::set<std::string> reported;
    std::function<void(const std::string&)> visit = [&](const std::string& id) {
        const AgentConfig* agent = config.agents.find(id);
        if (!agent) return;
        marks[id] = Mark::active;
        stack.push_back(id);
        auto edges = agent->sub_agents;
        edges.insert(edges.end(), agent->agent_tools.begin(), agent->agent_tools.end());
        for (const auto& next : edges) {
            if (marks[next] == Mark::active) {
                auto start = std::find(stack.begin(), stack.end(), next);
                std::vector<std::string> cycle(start, stack.end());
                cycle.push_back(next);
                std::string text = join(cycle, " → ");
                if (reported.insert(text).second)
                    diag.error("agents." + id, "circular agent reference detected: " + text);
            } else if (marks[next] == Mark::none) {
                visit(next);
            }
        }
        stack.pop_back();
        marks[id] = Mark::done;
    };
    for (const auto& [id, agent] : config.agents)
        if (marks[id] == Mark::none) visit(id);
}

void validate_agent(const Config& config, const std::string& id, const AgentConfig& a, Diagnostics& diag) {
    const std::string path = "agents." + id;
    if (!valid_agent_id(id)) diag.error(path, "agent ids must be 1-64 characters of letters, digits, '_' and '-'");

    if (a.type == "llm") {
        if (a.llm.empty()) {
            diag.reference_error(path + ".llm", config.llms.empty()
                                                    ? "no llm configured (add an llms section)"
                                                    : "no llm given and no default (set llm or defaults.llm)");
        } else {
            check_ref(config.llms, a.llm, "llm", path + ".llm", diag);
        }
    } else if (a.type == "sequential" || a.type == "parallel" || a.type == "loop") {
        if (a.sub_agents.empty()) diag.error(path + ".sub_agents", a.type + " agents need at least one sub-agent");
        if (!a.llm.empty() || !a.instruction.empty())
            diag.warn(path, a.type + " agents have no LLM of their own; llm and instruction are ignored");
    } else if (a.type == "remote") {
        if (a.url.empty() && a.agent_card_file.empty())
            diag.error(path + ".url", "remote agents need url or agent_card_file");
    } else if (a.type == "runner") {
        if (!a.tools || a.tools->empty()) diag.error(path + ".tools", "runner agents need at least one tool");
    }

    if (a.tools) {
        for (std::size_t i = 0; i < a.tools->size(); ++i) {
            const auto& t = (*a.tools)[i];
            if (!config.tools.contains(t) && !is_builtin_tool(t))
                diag.reference_error(fmt::format("{}.tools[{}]", path, i), fmt::format("unknown tool \"{}\"", t));
        }
    }
    for (std::size_t i = 0; i < a.sub_agents.size(); ++i) {
        const auto& s = a.sub_agents[i];
        if (!config.agents.contains(s))
            diag.reference_error(fmt::format("{}.sub_agents[{}]", path, i), fmt::format("agent \"{}\" not found", s));
        else if (s == id)
            diag.error(fmt::format("{}.sub_agents[{}]", path, i), "an agent cannot be its own sub-agent");
    }
    for (std::size_t i = 0; i < a.agent_tools.size(); ++i) {
        const auto& s = a.agent_tools[i];
        if (!config.agents.contains(s))
            diag.reference_error(fmt::format("{}.agent_tools[{}]", path, i), fmt::format("agent \"{}\" not found", s));
    }
    if (a.document_stores) {
        for (std::size_t i = 0; i < a.document_stores->size(); ++i)
            check_ref(config.document_stores, (*a.document_stores)[i], "document store",
                      fmt::format("{}.document_stores[{}]", path, i), diag);
    }
    check_ref(config.guardrails, a.guardrails, "guardrail set", path + ".guardrails", diag);
    check_ref(config.llms, a.context.summarizer_llm, "llm", path + ".context.summarizer_llm", diag);
    if (a.context.strategy == "summary_buffer" && a.context.target >= a.context.threshold)
        diag.error(path + ".context.target", "must be less than context.threshold");
    if (a.structured_output && !a.structured_output->schema.value.is_object())
        diag.error(path + ".structured_output.schema", "must be a JSON Schema object");

    if (a.trigger) {
        const auto& t = *a.trigger;
        if (t.type.empty()) diag.error(path + ".trigger.type", "is required (schedule or webhook)");
        if (t.type == "schedule") {
            if (t.cron.empty())
                diag.error(path + ".trigger.cron", "schedule triggers need a cron expression");
            else if (!valid_cron(t.cron))
                diag.error(path + ".trigger.cron", fmt::format("invalid cron expression \"{}\" (5 fields)", t.cron));
        }
        if (t.type == "webhook" && !t.path.empty() && t.path.front() != '/')
            diag.error(path + ".trigger.path", "must start with /");
    }
    for (std::size_t i = 0; i < a.notifications.size(); ++i) {
        const auto& n = a.notifications[i];
        auto np = fmt::format("{}.notifications[{}]", path, i);
        if (n.id.empty()) diag.error(np + ".id", "is required");
        if (n.url.empty()) diag.error(np + ".url", "is required");
        if (n.events.empty()) diag.error(np + ".events", "needs at least one event");
        for (const auto& e : n.events)
            if (e != "task.started" && e != "task.completed" && e != "task.failed")
                diag.error(np + ".events", fmt::format("unknown event \"{}\" (task.started, task.completed, "
                                                       "task.failed)",
                                                       e));
    }
}

}  // namespace

void validate(const Config& config, Diagnostics& diag) {
    if (config.version != "2")
        diag.error("version", fmt::format("unsupported version \"{}\" (expected \"2\")", config.version));
    check_ref(config.llms, config.defaults.llm, "llm", "defaults.llm", diag);

    for (const auto& [id, llm] : config.llms) {
        if (llm.thinking.enabled && llm.provider == "anthropic" && llm.thinking.budget_tokens > 0 &&
            llm.thinking.budget_tokens >= llm.max_tokens)
            diag.error("llms." + id + ".thinking.budget_tokens", "must be less than max_tokens");
        if (auto info = provider_info(llm.provider); info && !info->api_key_env.empty() && llm.api_key.empty())
            diag.warn("llms." + id + ".api_key",
                      fmt::format("no API key (set api_key or {}); requests will fail", info->api_key_env));
    }
    for (const auto& [id, agent] : config.agents) validate_agent(config, id, agent, diag);
    check_cycles(config, diag);

    std::set<std::string> webhook_paths;
    for (const auto& [id, agent] : config.agents) {
        if (agent.trigger && agent.trigger->type == "webhook" && agent.trigger->enabled &&
            !webhook_paths.insert(agent.trigger->path).second)
            diag.error("agents." + id + ".trigger.path", "another agent already uses " + agent.trigger->path);
    }

    for (const auto& [id, tool] : config.tools) {
        const std::string path = "tools." + id;
        if (tool.type == "mcp" && tool.url.empty() && tool.command.empty())
            diag.error(path, "mcp tools need url or command");
        if (tool.type == "function" && tool.handler.empty())
            diag.error(path + ".handler", "function tools need a handler (a built-in tool name)");
        if (tool.type == "function" && !tool.handler.empty() && !is_builtin_tool(tool.handler))
            diag.error(path + ".handler", fmt::format("unknown handler \"{}\"", tool.handler));
        for (const auto& pattern : tool.allowed_commands) {
            static constexpr std::string_view kWrappers[] = {"env", "xargs", "find", "sh", "bash"};
            for (auto w : kWrappers)
                if (pattern == w)
                    diag.warn(path + ".allowed_commands",
                              fmt::format("\"{}\" can run any other command; the allow list is not a sandbox with it",
                                          pattern));
        }
    }

    for (const auto& [id, db] : config.databases) {
        const std::string path = "databases." + id;
        if (db.driver.empty()) diag.error(path + ".driver", "is required (sqlite, postgres or mysql)");
        if (db.dsn.empty() && db.database.empty()) diag.error(path + ".database", "is required (or give dsn)");
    }
    auto check_store = [&](const StoreBackendConfig& s, const std::string& path) {
        if (s.backend == "sql" && !s.database.empty()) check_ref(config.databases, s.database, "database", path, diag);
    };
    check_store(config.storage.tasks, "storage.tasks.database");
    check_store(config.storage.sessions, "storage.sessions.database");
    check_ref(config.embedders, config.storage.memory.embedder, "embedder", "storage.memory.embedder", diag);
    if (config.storage.memory.backend == "vector" && config.storage.memory.embedder.empty() && config.embedders.empty())
        diag.error("storage.memory.embedder", "vector memory needs an embedder");

    if (config.rate_limiting.backend == "sql")
        check_ref(config.databases, config.rate_limiting.sql_database, "database", "rate_limiting.sql_database", diag);
    for (std::size_t i = 0; i < config.rate_limiting.limits.size(); ++i) {
        const auto& r = config.rate_limiting.limits[i];
        auto p = fmt::format("rate_limiting.limits[{}]", i);
        if (r.type.empty()) diag.error(p + ".type", "is required (count or token)");
        if (r.window.empty()) diag.error(p + ".window", "is required (minute, hour, day, week or month)");
        if (r.limit <= 0) diag.error(p + ".limit", "must be at least 1");
    }

    for (const auto& [id, ds] : config.document_stores) {
        const std::string path = "document_stores." + id;
        check_ref(config.vector_stores, ds.vector_store, "vector store", path + ".vector_store", diag);
        check_ref(config.embedders, ds.embedder, "embedder", path + ".embedder", diag);
        if (ds.embedder.empty() && config.embedders.empty())
            diag.reference_error(path + ".embedder", "no embedder configured (add an embedders section)");
        if (ds.chunking.overlap >= ds.chunking.size) diag.error(path + ".chunking.overlap", "must be less than size");
        if (ds.search.enable_hyde && ds.search.hyde_llm.empty())
            diag.error(path + ".search.hyde_llm", "enable_hyde requires hyde_llm");
        check_ref(config.llms, ds.search.hyde_llm, "llm", path + ".search.hyde_llm", diag);
        check_ref(config.llms, ds.search.rerank_llm, "llm", path + ".search.rerank_llm", diag);
        check_ref(config.llms, ds.search.multi_query_llm, "llm", path + ".search.multi_query_llm", diag);
        if (ds.source.type == "sql")
            check_ref(config.databases, ds.source.sql.database, "database", path + ".source.sql.database", diag);
        if (ds.source.type == "directory" && ds.source.path.empty())
            diag.error(path + ".source.path", "directory sources need a path");
        if (ds.source.type == "api" && ds.source.api.url.empty())
            diag.error(path + ".source.api.url", "api sources need a url");
    }

    const auto& auth = config.server.auth;
    if (auth.enabled) {
        int set = !auth.jwks_url.empty() + !auth.issuer.empty() + !auth.audience.empty();
        if (set != 0 && set != 3) diag.error("server.auth", "jwks_url, issuer and audience must be set together");
        if (set == 0 && auth.api_keys.empty())
            diag.error("server.auth", "enabled auth needs jwks_url, issuer and audience, or api_keys");
    }
    if (config.server.tls.enabled && (config.server.tls.cert_file.empty() || config.server.tls.key_file.empty()))
        diag.error("server.tls", "TLS needs cert_file and key_file");
    if (config.observability.tracing.enabled && config.observability.tracing.exporter == "otlp") {
        const auto& ep = config.observability.tracing.endpoint;
        if (ep.find("4317") != std::string::npos && ep.find("http") != 0)
            diag.warn("observability.tracing.endpoint",
                      "4317 is OTLP/gRPC; Hector exports OTLP/HTTP JSON (use http://host:4318)");
    }
}

}  // namespace hector::config
