// validate(), part 1: agents, automations, tools and tool names (platform.md §1.6 rules 1–5, 8, 10).

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

#include "hector/common/strings.hpp"
#include "hector/config/detail/validate_parts.hpp"
#include "hector/config/providers.hpp"

namespace hector::config::detail {

namespace {

bool contains(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// Reads a whole number of at most 2 digits (cron values never need more), so a hostile value cannot overflow.
bool small_number(std::string_view s, int& out) {
    if (s.empty() || s.size() > 2) return false;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

bool valid_cron_field(std::string_view field, int lo, int hi) {
    if (field.empty()) return false;
    for (const auto& part : split(field, ',')) {
        std::string_view p = part;
        if (auto slash = p.find('/'); slash != std::string_view::npos) {
            int step = 0;
            if (!small_number(p.substr(slash + 1), step) || step < 1) return false;
            p = p.substr(0, slash);
        }
        if (p == "*") continue;
        auto dash = p.find('-');
        int a = 0, b = 0;
        if (!small_number(p.substr(0, dash), a)) return false;
        b = a;
        if (dash != std::string_view::npos && !small_number(p.substr(dash + 1), b)) return false;
        if (a < lo || b > hi || a > b) return false;
    }
    return true;
}

// An MCP tool referred to by its expanded name <prefix>_<tool>: the toolset and the raw tool name.
struct McpName {
    std::string toolset;
    std::string tool;
};

std::optional<McpName> mcp_tool_name(const Config& config, std::string_view name) {
    for (const auto& [id, t] : config.tools) {
        if (t.type != "mcp") continue;
        const std::string& prefix = t.prefix.empty() ? id : t.prefix;
        if (name.size() > prefix.size() + 1 && name.substr(0, prefix.size()) == prefix && name[prefix.size()] == '_')
            return McpName{id, std::string(name.substr(prefix.size() + 1))};
    }
    return std::nullopt;
}

void validate_tool_refs(const Config& config, const std::string& path, const AgentConfig& a, Diagnostics& diag) {
    if (!a.tools) return;
    for (std::size_t i = 0; i < a.tools->size(); ++i) {
        const std::string& name = (*a.tools)[i];
        const std::string p = fmt::format("{}.tools[{}]", path, i);
        if (const ToolConfig* t = config.tools.find(name)) {
            if (!t->enabled) diag.warn(p, fmt::format("tool \"{}\" is disabled; the agent will not get it", name));
            if (t->internal)
                diag.warn(p,
                          fmt::format("tool \"{}\" is internal (hidden from agents); the agent will not get it", name));
        } else if (is_builtin_tool(name)) {
            continue;
        } else if (auto mcp = mcp_tool_name(config, name)) {
            const ToolConfig& set = *config.tools.find(mcp->toolset);
            if (!set.filter.empty() && !contains(set.filter, mcp->tool))
                diag.error(p, fmt::format("MCP toolset \"{}\" does not offer \"{}\" (its filter lists {})",
                                          mcp->toolset, mcp->tool, join(set.filter, ", ")));
        } else {
            diag.reference_error(p, fmt::format("unknown tool \"{}\"", name));
        }
    }
}

// Rule 10: the names an LLM agent's tools end up with must be unique. MCP toolsets without a filter only reveal
// their names at run time, so they are checked then.
void check_tool_names(const Config& config, const std::string& path, const AgentConfig& a, Diagnostics& diag) {
    struct Seen {
        std::string identity;  // the tool behind the name: listing one tool twice is not a clash
        std::string origin;    // where the name comes from, for the message
    };
    std::map<std::string, Seen> seen;
    std::set<std::string> reported;
    auto add = [&](const std::string& name, const std::string& identity, std::string origin) {
        auto [it, fresh] = seen.emplace(name, Seen{identity, origin});
        if (fresh || it->second.identity == identity) return;
        if (reported.insert(name).second)
            diag.error(path + ".tools",
                       fmt::format("tool name \"{}\" is used twice: by {} and by {}", name, it->second.origin, origin));
    };
    auto add_config_tool = [&](const std::string& id, const ToolConfig& t) {
        if (!t.enabled || t.internal) return;
        if (t.type != "mcp") return add(id, "tool:" + id, fmt::format("tool \"{}\"", id));
        const std::string& prefix = t.prefix.empty() ? id : t.prefix;
        for (const auto& f : t.filter)
            add(prefix + "_" + f, "mcp:" + id + ":" + f, fmt::format("MCP tool \"{}\" of \"{}\"", f, id));
    };
    if (a.tools) {
        for (const auto& name : *a.tools) {
            if (const ToolConfig* t = config.tools.find(name))
                add_config_tool(name, *t);
            else if (is_builtin_tool(name))
                add(name, "tool:" + name, fmt::format("built-in tool \"{}\"", name));
            else if (auto mcp = mcp_tool_name(config, name))
                add(name, "mcp:" + mcp->toolset + ":" + mcp->tool,
                    fmt::format("MCP tool \"{}\" of \"{}\"", mcp->tool, mcp->toolset));
        }
    } else {
        for (const auto& [id, t] : config.tools) add_config_tool(id, t);
    }
    for (const auto& s : a.agent_tools) add(s, "agent:" + s, fmt::format("agent tool \"{}\"", s));
    for (const auto& s : a.sub_agents)
        add("transfer_to_" + s, "transfer:" + s, fmt::format("the transfer to sub-agent \"{}\"", s));
    // The automatic search tool is the built-in search: listing `search` as well is the same tool.
    const bool has_stores = a.document_stores ? !a.document_stores->empty() : !config.document_stores.empty();
    if (has_stores) add("search", "tool:search", "the automatic document search tool");
    if (a.search.enabled) add("search_memory", "search_memory", "the memory recall tool (search.enabled)");
    if (a.reasoning.enable_exit_tool) add("exit_loop", "exit_loop", "reasoning.enable_exit_tool");
    if (a.reasoning.enable_escalate_tool) add("escalate", "escalate", "reasoning.enable_escalate_tool");
}

void validate_shape(const Config& config, const std::string& path, const AgentConfig& a, Diagnostics& diag) {
    if (a.type == "llm") {
        if (a.llm.empty())
            diag.reference_error(path + ".llm", config.llms.empty()
                                                    ? "no llm configured (add an llms section)"
                                                    : "no llm given and no default (set llm or defaults.llm)");
        else
            check_ref(config.llms, a.llm, "llm", path + ".llm", diag);
        return;
    }
    if (a.type == "sequential" || a.type == "parallel" || a.type == "loop") {
        if (a.sub_agents.empty()) diag.error(path + ".sub_agents", a.type + " agents need at least one sub-agent");
        // Rule 5: these keys mean nothing on a workflow agent, which has no LLM of its own; only a warning.
        if (!a.llm.empty()) diag.warn(path + ".llm", a.type + " agents have no LLM of their own; llm is ignored");
        if (!a.instruction.empty())
            diag.warn(path + ".instruction", a.type + " agents have no LLM of their own; instruction is ignored");
        if (a.tools && !a.tools->empty())
            diag.warn(path + ".tools", a.type + " agents have no LLM of their own; tools are ignored");
        if (a.type == "loop" && !a.max_iterations)
            diag.warn(path + ".max_iterations", "not set: the loop stops after 10 rounds unless a sub-agent escalates");
        return;
    }
    if (a.type == "remote") {
        if (a.url.empty() && a.agent_card_file.empty())
            diag.error(path + ".url", "remote agents need url or agent_card_file");
        const auto& c = a.credentials;
        const std::string cp = path + ".credentials";
        if (c.type == "bearer" && c.token.empty()) diag.error(cp + ".token", "bearer credentials need a token");
        if (c.type == "api_key" && c.api_key.empty())
            diag.error(cp + ".api_key", "api_key credentials need an api_key");
        if (c.type == "basic" && (c.username.empty() || c.password.empty()))
            diag.error(cp, "basic credentials need username and password");
        return;
    }
    if (a.type == "runner") {
        if (!a.tools || a.tools->empty()) diag.error(path + ".tools", "runner agents need at least one tool");
    }
}

void validate_automations(const std::string& path, const AgentConfig& a, Diagnostics& diag) {
    if (a.trigger) {
        const auto& t = *a.trigger;
        const std::string tp = path + ".trigger";
        if (t.type.empty()) diag.error(tp + ".type", "is required (schedule or webhook)");
        if (t.type == "schedule") {
            if (t.cron.empty())
                diag.error(tp + ".cron", "schedule triggers need a cron expression");
            else if (!valid_cron(t.cron))
                diag.error(
                    tp + ".cron",
                    fmt::format("invalid cron expression \"{}\" (5 fields: minute hour day month weekday)", t.cron));
            if (t.timezone.empty()) diag.error(tp + ".timezone", "must not be empty (an IANA zone such as UTC)");
        }
        if (t.type == "webhook") {
            if (!t.cron.empty()) diag.warn(tp + ".cron", "webhook triggers ignore cron");
            if (!t.path.empty() && t.path.front() != '/') diag.error(tp + ".path", "must start with /");
            if (t.methods.empty()) diag.error(tp + ".methods", "needs at least one HTTP method");
            if (t.response.mode == "callback" && t.response.callback_field.empty())
                diag.error(tp + ".response.callback_field", "callback mode needs the name of the callback URL field");
        }
    }
    std::set<std::string> ids;
    for (std::size_t i = 0; i < a.notifications.size(); ++i) {
        const auto& n = a.notifications[i];
        const auto np = fmt::format("{}.notifications[{}]", path, i);
        if (n.id.empty())
            diag.error(np + ".id", "is required");
        else if (!ids.insert(n.id).second)
            diag.error(np + ".id", fmt::format("another notification of this agent is also \"{}\"", n.id));
        if (n.url.empty())
            diag.error(np + ".url", "is required");
        else if (!n.url.starts_with("http://") && !n.url.starts_with("https://"))
            diag.error(np + ".url", fmt::format("must be an http(s) URL (got \"{}\")", n.url));
        if (n.events.empty())
            diag.error(np + ".events", "needs at least one event (task.started, task.completed, task.failed)");
        if (n.retry.initial_delay > n.retry.max_delay)
            diag.error(np + ".retry.initial_delay", "must not exceed retry.max_delay");
    }
}

void validate_agent(const Config& config, const std::string& id, const AgentConfig& a, Diagnostics& diag) {
    const std::string path = "agents." + id;
    if (!valid_id(id)) diag.error(path, "agent ids must be 1-64 characters of letters, digits, '_' and '-'");
    for (const auto& [child, unused] : a.agents.items)
        diag.error(path + ".agents." + child, fmt::format("an agent \"{}\" is already defined", child));

    validate_shape(config, path, a, diag);
    validate_tool_refs(config, path, a, diag);
    for (std::size_t i = 0; i < a.sub_agents.size(); ++i)
        if (!config.agents.contains(a.sub_agents[i]))
            diag.reference_error(fmt::format("{}.sub_agents[{}]", path, i),
                                 fmt::format("agent \"{}\" not found", a.sub_agents[i]));
    for (std::size_t i = 0; i < a.agent_tools.size(); ++i)
        if (!config.agents.contains(a.agent_tools[i]))
            diag.reference_error(fmt::format("{}.agent_tools[{}]", path, i),
                                 fmt::format("agent \"{}\" not found", a.agent_tools[i]));
    if (a.document_stores) {
        for (std::size_t i = 0; i < a.document_stores->size(); ++i)
            check_ref(config.document_stores, (*a.document_stores)[i], "document store",
                      fmt::format("{}.document_stores[{}]", path, i), diag);
    }
    if (a.include_context) {
        if (a.document_stores && a.document_stores->empty())
            diag.warn(path + ".include_context", "document_stores is [], so there is nothing to include");
        else if (!a.document_stores && config.document_stores.empty())
            diag.reference_error(path + ".include_context", "include_context needs document stores (none configured)");
    }
    check_ref(config.guardrails, a.guardrails, "guardrail set", path + ".guardrails", diag);
    check_ref(config.llms, a.context.summarizer_llm, "llm", path + ".context.summarizer_llm", diag);
    if (a.context.strategy == "summary_buffer" && a.context.target >= a.context.threshold)
        diag.error(path + ".context.target", "must be less than context.threshold");
    if (a.structured_output && !a.structured_output->schema.value.is_object())
        diag.error(path + ".structured_output.schema", "must be a JSON Schema object");
    for (std::size_t i = 0; i < a.input_modes.size(); ++i)
        if (a.input_modes[i].find('/') == std::string::npos)
            diag.error(fmt::format("{}.input_modes[{}]", path, i),
                       fmt::format("\"{}\" is not a MIME type (type/subtype)", a.input_modes[i]));
    for (std::size_t i = 0; i < a.output_modes.size(); ++i)
        if (a.output_modes[i].find('/') == std::string::npos)
            diag.error(fmt::format("{}.output_modes[{}]", path, i),
                       fmt::format("\"{}\" is not a MIME type (type/subtype)", a.output_modes[i]));
    std::set<std::string> skill_ids;
    for (std::size_t i = 0; i < a.skills.size(); ++i)
        if (!a.skills[i].id.empty() && !skill_ids.insert(a.skills[i].id).second)
            diag.error(fmt::format("{}.skills[{}].id", path, i),
                       fmt::format("another skill of this agent is also \"{}\"", a.skills[i].id));
    validate_automations(path, a, diag);
    if (a.type == "llm") check_tool_names(config, path, a, diag);
}

// Rule 2: depth-first search over sub_agents and agent_tools edges; each cycle is reported once, with its path.
void check_cycles(const Config& config, Diagnostics& diag) {
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

void validate_tool(const std::string& id, const ToolConfig& tool, Diagnostics& diag) {
    const std::string path = "tools." + id;
    if (!valid_id(id)) diag.error(path, "tool ids are tool names: 1-64 characters of letters, digits, '_' and '-'");
    if (tool.type == "mcp") {
        if (tool.url.empty() && tool.command.empty()) diag.error(path, "mcp tools need url or command");
        if (tool.transport == "stdio" && tool.command.empty())
            diag.error(path + ".command", "the stdio transport needs a command");
        if ((tool.transport == "sse" || tool.transport == "streamable-http") && tool.url.empty())
            diag.error(path + ".url", fmt::format("the {} transport needs a url", tool.transport));
        std::set<std::string> names;
        for (const auto& f : tool.filter)
            if (!names.insert(f).second) diag.warn(path + ".filter", fmt::format("\"{}\" is listed twice", f));
        if (!tool.handler.empty()) diag.warn(path + ".handler", "mcp tools ignore handler");
    }
    if (tool.type == "function") {
        if (tool.handler.empty())
            diag.error(path + ".handler", "function tools need a handler (a built-in tool name)");
        else if (!is_builtin_tool(tool.handler))
            diag.error(
                path + ".handler",
                fmt::format("unknown handler \"{}\" (built-ins: {}, search)", tool.handler,
                            join(std::vector<std::string>(std::begin(kBuiltinTools), std::end(kBuiltinTools)), ", ")));
        if (tool.parameters.present() && !tool.parameters.value.is_object())
            diag.error(path + ".parameters", "must be a JSON Schema object");
    }
    if (tool.type == "command") {
        static constexpr std::string_view kWrappers[] = {"env", "xargs", "find", "sh", "bash"};
        for (const auto& pattern : tool.allowed_commands)
            for (auto w : kWrappers)
                if (pattern == w)
                    diag.warn(path + ".allowed_commands",
                              fmt::format("\"{}\" can run any other command; the allow list is not a sandbox with it",
                                          pattern));
        if (tool.deny_by_default && tool.allowed_commands.empty())
            diag.warn(path + ".deny_by_default", "no allowed_commands: every command will be refused");
        for (const auto& c : tool.denied_commands)
            if (contains(tool.allowed_commands, c))
                diag.warn(path + ".denied_commands", fmt::format("\"{}\" is also allowed; denial wins", c));
    }
}

}  // namespace

bool valid_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
    return true;
}

bool valid_cron(std::string_view expr) {
    std::string spaced(expr);
    std::replace(spaced.begin(), spaced.end(), '\t', ' ');
    auto fields = split_trimmed(spaced, ' ');
    if (fields.size() != 5) return false;
    static constexpr int kLo[] = {0, 0, 1, 1, 0};
    static constexpr int kHi[] = {59, 23, 31, 12, 7};
    for (std::size_t i = 0; i < 5; ++i)
        if (!valid_cron_field(fields[i], kLo[i], kHi[i])) return false;
    return true;
}

bool is_grpc_endpoint(std::string_view endpoint) {
    if (endpoint.starts_with("grpc://") || endpoint.starts_with("grpcs://")) return true;
    if (endpoint.find("://") != std::string_view::npos) return false;  // an explicit http(s) URL
    auto colon = endpoint.rfind(':');
    if (colon == std::string_view::npos) return false;
    std::string_view port = endpoint.substr(colon + 1);
    if (auto slash = port.find('/'); slash != std::string_view::npos) port = port.substr(0, slash);
    return port == "4317";
}

void validate_agents(const Config& config, Diagnostics& diag) {
    for (const auto& [id, agent] : config.agents) validate_agent(config, id, agent, diag);
    check_cycles(config, diag);
    std::map<std::string, std::string> webhook_paths;
    for (const auto& [id, agent] : config.agents) {
        if (!agent.trigger || agent.trigger->type != "webhook" || !agent.trigger->enabled) continue;
        auto [it, fresh] = webhook_paths.emplace(agent.trigger->path, id);
        if (!fresh)
            diag.error("agents." + id + ".trigger.path",
                       fmt::format("agent \"{}\" already uses {}", it->second, agent.trigger->path));
    }
}

void validate_tools(const Config& config, Diagnostics& diag) {
    for (const auto& [id, tool] : config.tools) validate_tool(id, tool, diag);
}

}  // namespace hector::config::detail
