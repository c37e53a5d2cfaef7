#include "hector/runtime/app_runtime.hpp"

#include <fmt/format.h>

#include "hector/agent/llm_agent.hpp"
#include "hector/llm/factory.hpp"

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
    for (const auto& [id, agent] : config->agents) {
        if (agent.type == "llm") {
            rt->agents_[id] =
                std::make_unique<agent::LlmAgent>(id, agent, rt->models_.at(agent.llm), *config->llms.find(agent.llm));
        }
        // Workflow, runner and remote agents arrive with their own issues; until then they are served for
        // discovery but refuse to run (see agent_instance).
    }
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
    std::lock_guard lock(mu_);
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
