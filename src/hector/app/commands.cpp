#include "hector/app/commands.hpp"

#include <boost/json.hpp>

#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hector/app/config_source.hpp"
#include "hector/automation/catalog.hpp"
#include "hector/common/json.hpp"
#include "hector/config/providers.hpp"
#include "hector/config/schema.hpp"
#include "hector/http/trusted_proxies.hpp"
#include "hector/net/http_client.hpp"
#include "hector/runtime/app_runtime.hpp"

namespace hector::app {

namespace json = boost::json;

int run_schema(bool compact) {
    std::cout << config::json_schema_text(compact);
    return 0;
}

namespace {

// Start-up errors read "<path>: <message>".
void add_error(config::Diagnostics& diag, const std::string& m) {
    const auto colon = m.find(": ");
    if (colon == std::string::npos)
        diag.error("", m);
    else
        diag.error(m.substr(0, colon), m.substr(colon + 2));
}

// What `serve` checks after validation, so that a file validate accepts also starts: webhook templates, field
// paths, crons and time zones (server.md §9), trusted proxies, and the default app's models and tools (a used LLM
// without its API key, for one).
void check_start_up(const config::Config& config, config::Diagnostics& diag) {
    if (auto automations = automation::Catalog::build(config); !automations)
        add_error(diag, automations.error().message);
    if (auto proxies = http::TrustedProxies::parse(config.server.trusted_proxies); !proxies)
        add_error(diag, "server." + proxies.error().message);
    net::HttpClient http;  // models keep a reference; nothing is sent
    runtime::BuildDeps deps;
    deps.http = &http;
    auto shared = std::make_shared<const config::Config>(config);
    if (auto built = runtime::AppRuntime::build(std::string(runtime::kDefaultApp), shared, deps); !built)
        add_error(diag, built.error().message);
}

}  // namespace

int run_validate(const GlobalOptions& global, const ValidateOptions& options) {
    auto env = config::Environment::process();
    env.load_default_dotenvs(options.path);
    auto loaded = config::load_config_file(options.path, env);
    if (loaded.ok()) check_start_up(loaded.config, loaded.diagnostics);
    const auto& diag = loaded.diagnostics;

    if (options.format == "json") {
        auto list = [](const std::vector<config::Diagnostic>& v) {
            json::array a;
            for (const auto& d : v) a.push_back(json::object{{"path", d.path}, {"message", d.message}});
            return a;
        };
        json::object out{{"valid", diag.ok()}, {"errors", list(diag.errors)}, {"warnings", list(diag.warnings)}};
        if (options.print_config && diag.ok()) out["config"] = config::to_json(loaded.config);
        std::cout << to_pretty_json(out);
        return diag.ok() ? 0 : 1;
    }

    for (const auto& e : diag.errors) std::cout << "error: " << e.text() << "\n";
    if (options.format == "verbose" || !diag.ok())
        for (const auto& w : diag.warnings) std::cout << "warning: " << w.text() << "\n";
    if (!diag.ok()) {
        std::cout << fmt::format("{}: invalid ({} error{})\n", options.path, diag.errors.size(),
                                 diag.errors.size() == 1 ? "" : "s");
        return 1;
    }
    if (options.format == "verbose") {
        const auto& c = loaded.config;
        std::cout << fmt::format("{}: valid: {} llm(s), {} agent(s), {} tool(s), {} warning(s)\n", options.path,
                                 c.llms.size(), c.agents.size(), c.tools.size(), diag.warnings.size());
    } else {
        std::cout << options.path << ": valid\n";
    }
    if (options.print_config) std::cout << config::to_yaml(config::to_json(loaded.config));
    return 0;
}

int run_info(const GlobalOptions& global, const std::string& agent_id) {
    auto env = config::Environment::process();
    env.load_default_dotenvs(global.config_path);
    auto loaded = config::load_config_file(global.config_path, env);
    if (!loaded.ok()) {
        print_diagnostics(loaded.diagnostics, false);
        return 1;
    }
    const auto& c = loaded.config;
    if (agent_id.empty()) {
        std::cout << fmt::format("{:<20} {:<24} {:<10} {:<10} {}\n", "AGENT", "NAME", "TYPE", "VISIBILITY", "LLM");
        for (const auto& [id, a] : c.agents) {
            std::string llm = "-";
            if (const auto* l = c.llms.find(a.llm)) llm = fmt::format("{} ({}/{})", a.llm, l->provider, l->model);
            std::cout << fmt::format("{:<20} {:<24} {:<10} {:<10} {}\n", id, a.name, a.type, a.visibility, llm);
        }
        return 0;
    }
    const auto* a = c.agents.find(agent_id);
    if (!a) {
        std::cerr << fmt::format("error: unknown agent \"{}\"\n", agent_id);
        return 1;
    }
    std::cout << fmt::format("Agent:       {}\nName:        {}\nDescription: {}\nType:        {}\nVisibility:  {}\n",
                             agent_id, a->name, a->description, a->type, a->visibility);
    if (const auto* l = c.llms.find(a->llm))
        std::cout << fmt::format("LLM:         {} ({} / {})\n", a->llm, l->provider, l->model);
    // The tools the agent gets at run time (platform.md §5.5), as runtime/ binds them: only LLM agents have tools;
    // disabled ones are left out, and so are MCP toolsets, which this build cannot expand yet.
    std::vector<std::string> tools;
    std::vector<std::string> mcp;
    if (a->type == "llm") {
        const auto consider = [&](const std::string& name) {
            const auto* t = c.tools.find(name);
            if (t && !t->enabled) return;
            if (t && t->type == "mcp")
                mcp.push_back(fmt::format("{} ({})", name, t->url.empty() ? t->command : t->url));
            else
                tools.push_back(name);
        };
        if (a->tools) {
            for (const auto& name : *a->tools) consider(name);
        } else {
            for (const auto& [id, t] : c.tools)
                if (!t.internal) consider(id);
        }
    }
    std::cout << "Tools:       " << (tools.empty() ? "-" : fmt::format("{}", fmt::join(tools, ", "))) << "\n";
    if (!mcp.empty())
        std::cout << "MCP:         " << fmt::format("{}", fmt::join(mcp, ", "))
                  << " (not expanded: MCP toolsets are not supported by this build yet)\n";
    std::cout << "Sub-agents:  " << (a->sub_agents.empty() ? "-" : fmt::format("{}", fmt::join(a->sub_agents, ", ")))
              << "\n";
    std::cout << "Agent tools: " << (a->agent_tools.empty() ? "-" : fmt::format("{}", fmt::join(a->agent_tools, ", ")))
              << "\n";
    std::vector<std::string> stores;
    if (a->document_stores)
        stores = *a->document_stores;
    else
        for (const auto& [id, s] : c.document_stores) stores.push_back(id);
    std::cout << "Doc stores:  " << (stores.empty() ? "-" : fmt::format("{}", fmt::join(stores, ", "))) << "\n";
    std::cout << "Streaming:   " << (a->streaming ? "yes" : "no") << "\n";
    return 0;
}

}  // namespace hector::app
