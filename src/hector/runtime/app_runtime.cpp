#include "hector/runtime/app_runtime.hpp"

#include <fmt/format.h>

#include "hector/agent/llm_agent.hpp"
#include "hector/common/logging.hpp"
#include "hector/llm/factory.hpp"
#include "hector/observability/metered.hpp"

namespace hector::runtime {

AppRuntime::AppRuntime(std::string app_id, std::shared_ptr<const config::Config> config)
    : app_id_(std::move(app_id)), config_(std::move(config)) {}

Result<std::shared_ptr<AppRuntime>> AppRuntime::build(std::string app_id, std::shared_ptr<const config::Config> config,
                                                      const BuildDeps& deps) {
    auto rt = std::make_shared<AppRuntime>(std::move(app_id), config);
    // Only the LLMs some agent uses are built, so an unused entry without a key does not stop the server.
    for (const auto& [id, agent] : config->agents) {
        if (agent.type != "llm" || agent.llm.empty() || rt->models_.contains(agent.llm)) continue;
        const auto* llm = config->llms.find(agent.llm);
        if (!llm) return Error{Errc::invalid_argument, fmt::format("agents.{}.llm: unknown llm \"{}\"", id, agent.llm)};
        auto model = llm::make_model(agent.llm, *llm, deps.http);
        if (!model) return std::move(model).error();
        rt->models_[agent.llm] = std::move(model).value();
    }
    // Declared tools (platform.md §5.1): function tools by handler, command tools as the bash built-in.
    for (const auto& [name, tool] : config->tools) {
        if (!tool.enabled) continue;
        if (tool.type == "mcp") {
            log::warn("runtime", "tools.{}: MCP toolsets are not supported by this build yet; the tool is left out",
                      name);
            continue;
        }
        auto handler = tool.type == "command" ? std::string("bash") : tool.handler.empty() ? name : tool.handler;
        auto built = tools::make_builtin(handler, tool);
        if (!built) return Error{built.error().code, fmt::format("tools.{}: {}", name, built.error().message)};
        rt->tools_[name] = std::shared_ptr<tools::Tool>(std::move(built).value());
    }
    agent::ToolDeps tool_deps{deps.http, deps.blocking, deps.max_tool_output_bytes, deps.allow_private_networks};
    for (const auto& [id, agent] : config->agents) {
        if (agent.type != "llm") continue;
        // Scoping (platform.md §5.5): omitted = every enabled, non-internal declared tool; [] = none.
        std::vector<std::string> names;
        if (agent.tools) {
            names = *agent.tools;
        } else {
            for (const auto& [name, tool] : config->tools)
                if (tool.enabled && !tool.internal && rt->tools_.contains(name)) names.push_back(name);
        }
        std::vector<agent::ToolBinding> bindings;
        for (const auto& name : names) {
            const config::ToolConfig* declared = config->tools.find(name);
            if (declared && !declared->enabled) continue;
            if (!rt->tools_.contains(name)) {
                if (declared) continue;  // an MCP toolset left out above
                // A built-in referenced by name without a declaration: built with defaults.
                auto built = tools::make_builtin(name, config::ToolConfig{});
                if (!built)
                    return Error{built.error().code, fmt::format("agents.{}.tools: {}", id, built.error().message)};
                rt->tools_[name] = std::shared_ptr<tools::Tool>(std::move(built).value());
            }
            auto& impl = rt->tools_.at(name);
            agent::ToolBinding b;
            b.name = name;
            b.tool = deps.metrics ? observability::meter_tool(impl, *deps.metrics, id, name) : impl;
            b.description = declared && !declared->description.empty() ? declared->description : impl->description();
            b.parameters = declared && declared->parameters.present() ? declared->parameters.value : impl->parameters();
            b.require_approval =
                declared && declared->require_approval ? *declared->require_approval : impl->approval_by_default();
            if (deps.approve_tools) b.require_approval = *deps.approve_tools;
            if (declared) b.approval_prompt = declared->approval_prompt;
            bindings.push_back(std::move(b));
        }
        auto model = rt->models_.at(agent.llm);
        if (deps.metrics) model = observability::meter_model(std::move(model), *deps.metrics, id);
        rt->agents_[id] = std::make_unique<agent::LlmAgent>(id, agent, std::move(model), *config->llms.find(agent.llm),
                                                            std::move(bindings), tool_deps);
    }

    // Workflow, runner and remote agents are served for discovery; running them needs their own agent types
    // (a later issue), so agent_instance() has none for them and sends get a clear error.
    return rt;
}

const config::AgentConfig* AppRuntime::agent(std::string_view id) const {
    return config_->agents.find(id);
}

agent::Agent* AppRuntime::agent_instance(std::string_view id) const {
    auto it = agents_.find(std::string(id));
    return it == agents_.end() ? nullptr : it->second.get();
}

std::string AppRuntime::default_agent() const {
    for (const auto& [id, a] : config_->agents)
        if (a.visibility != "private") return id;
    return {};
}

std::shared_ptr<const AppRuntime> Registry::get(std::string_view app_id) const {
    std::shared_lock lock(mu_);

    auto it = apps_.find(std::string(app_id));
    return it == apps_.end() ? nullptr : it->second;
}

void Registry::put(std::shared_ptr<const AppRuntime> runtime) {
    std::lock_guard lock(mu_);
    apps_[runtime->app_id()] = std::move(runtime);
}

void Registry::remove(std::string_view app_id) {
    std::lock_guard lock(mu_);
    apps_.erase(std::string(app_id));
}

}  // namespace hector::runtime
