#pragma once

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include <boost/asio/thread_pool.hpp>

#include "hector/agent/agent.hpp"
#include "hector/common/result.hpp"
#include "hector/config/model.hpp"
#include "hector/llm/model.hpp"
#include "hector/tools/tool.hpp"

namespace hector::net {
class HttpClient;
}
namespace hector::observability {
class Metrics;
}

namespace hector::runtime {

/// What building a runtime needs from the process.
struct BuildDeps {
    net::HttpClient* http = nullptr;
    boost::asio::thread_pool* blocking = nullptr;
    std::size_t max_tool_output_bytes = 1024 * 1024;
    bool allow_private_networks = false;
    /// --approve-tools / --no-approve-tools: forces every tool's approval on or off.
    std::optional<bool> approve_tools;
    /// When set (metrics on), each agent's model and tools are wrapped to count their calls; outlives the runtime.
    observability::Metrics* metrics = nullptr;
};

/// Everything one app (tenant) serves, built from one config: the `default` app from the config file, dynamic
/// apps from their config_json. Immutable once built; a reload builds a new one and swaps it in, so requests that
/// hold the old one finish on it.
class AppRuntime {
  public:
    /// Builds the models and agents of `config`. Errors name the config entry that could not be built.
    static Result<std::shared_ptr<AppRuntime>> build(std::string app_id, std::shared_ptr<const config::Config> config,
                                                     const BuildDeps& deps);
    /// A runtime without agent instances (discovery only); for tests of the HTTP surface.
    AppRuntime(std::string app_id, std::shared_ptr<const config::Config> config);

    const std::string& app_id() const { return app_id_; }
    const config::Config& config() const { return *config_; }
    std::shared_ptr<const config::Config> config_ptr() const { return config_; }

    /// The agent's config, or null when unknown.
    const config::AgentConfig* agent(std::string_view id) const;
    /// The runnable agent, or null when unknown.
    agent::Agent* agent_instance(std::string_view id) const;
    /// The first non-private agent in file order (the well-known card), or empty.
    std::string default_agent() const;

  private:
    std::string app_id_;
    std::shared_ptr<const config::Config> config_;
    std::unordered_map<std::string, std::shared_ptr<llm::Model>> models_;
    std::unordered_map<std::string, std::shared_ptr<tools::Tool>> tools_;
    std::unordered_map<std::string, std::unique_ptr<agent::Agent>> agents_;
};

/// App id → current runtime. Thread-safe; readers get a shared_ptr that stays valid across swaps.
class Registry {
  public:
    std::shared_ptr<const AppRuntime> get(std::string_view app_id) const;
    void put(std::shared_ptr<const AppRuntime> runtime);
    void remove(std::string_view app_id);

  private:
    mutable std::shared_mutex mu_;  // read on every request, written on app changes and reloads
    std::unordered_map<std::string, std::shared_ptr<const AppRuntime>> apps_;
};

inline constexpr std::string_view kDefaultApp = "default";

}  // namespace hector::runtime
