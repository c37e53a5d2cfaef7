#include <CLI/CLI.hpp>

#include <iostream>

#include "hector/app/commands.hpp"
#include "hector/app/main.hpp"
#include "hector/app/options.hpp"

namespace hector::app {

int main(int argc, char** argv) {
    CLI::App cli{"Hector: a config-first, A2A-native server for AI agents", "hector"};
    cli.require_subcommand(1);
    cli.fallthrough();
    cli.set_version_flag("--version", std::string("Hector version ") + kVersion);

    GlobalOptions global;
    cli.add_option_function<std::string>(
           "-c,--config",
           [&](const std::string& p) {
               global.config_path = p;
               global.config_explicit = true;
           },
           "Config file (default .hector/config.yaml)")
        ->type_name("PATH");
    cli.add_option("--log-level", global.log_level, "debug, info, warn or error")
        ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
    cli.add_option("--log-file", global.log_file, "Write logs to this file instead of stderr");
    cli.add_option("--log-format", global.log_format, "simple, verbose or json")
        ->check(CLI::IsMember({"simple", "verbose", "json"}));

    // serve
    ServeOptions serve;
    auto* s = cli.add_subcommand("serve", "Serve every agent over A2A");
    auto& seed = serve.seed;
    s->add_option("--host", serve.host, "Bind address (default 0.0.0.0)");
    s->add_option("--port", serve.port, "Port (default 8080; 0 picks a free one)")->check(CLI::Range(0, 65535));
    s->add_option("--provider", seed.provider, "LLM provider for a generated config")
        ->check(CLI::IsMember({"openai", "anthropic", "gemini", "ollama", "echo"}));
    s->add_option("--model", seed.model, "Model for a generated config");
    s->add_option("--api-key", seed.api_key, "API key for a generated config (default: the provider's env var)");
    s->add_option("--base-url", seed.base_url, "Provider base URL for a generated config");
    s->add_option("--temperature", seed.temperature, "Sampling temperature (0-2)")->check(CLI::Range(0.0, 2.0));
    s->add_option("--max-tokens", seed.max_tokens, "Maximum output tokens")->check(CLI::PositiveNumber);
    s->add_option("--instruction", seed.instruction, "The assistant's instruction");
    s->add_option("--role", seed.role, "The assistant's role statement");
    s->add_option("--tools", seed.tools, "Built-in tools: all (bare flag) or a,b,c")->expected(0, 1)->default_str("");
    s->add_option("--mcp-url", seed.mcp_url, "MCP server URL to add as a toolset");
    // Callbacks rather than bound optionals: an absent flag must stay "not given".
    s->add_flag_callback(
        "--approve-tools", [&] { seed.approve_tools = true; }, "Require approval for every tool");
    s->add_flag_callback(
        "--no-approve-tools", [&] { seed.approve_tools = false; }, "Never ask for tool approval");
    s->add_flag_callback(
        "--stream", [&] { seed.stream = true; }, "Stream answers (default)");
    s->add_flag_callback(
        "--no-stream", [&] { seed.stream = false; }, "Answer in one piece");
    s->add_option("--storage", seed.storage, "inmemory, sqlite or postgres")
        ->check(CLI::IsMember({"inmemory", "sqlite", "postgres"}));
    s->add_option("--storage-db", seed.storage_db, "SQLite path or PostgreSQL DSN");
    s->add_flag("--observe", seed.observe, "Enable metrics and tracing");
    s->add_flag("--ephemeral", serve.ephemeral, "Keep a generated config in memory; write nothing");
    s->add_flag("--watch", serve.watch, "Reload the config when it changes");
    s->add_option("--auth-secret", serve.auth_secret, "Admin API bearer secret (env HECTOR_AUTH_SECRET)");
    s->add_option("--auth-jwks-url", serve.auth.jwks_url, "JWKS URL of the identity provider (server.auth.jwks_url)");
    s->add_option("--auth-issuer", serve.auth.issuer, "Expected JWT issuer (server.auth.issuer)");
    s->add_option("--auth-audience", serve.auth.audience, "Expected JWT audience (server.auth.audience)");
    s->add_option("--auth-client-id", serve.auth.client_id, "OAuth client id, reported in /health");
    s->add_flag_callback(
        "--auth-required", [&] { serve.auth.required = true; }, "Refuse anonymous requests (default)");
    s->add_flag_callback(
        "--no-auth-required", [&] { serve.auth.required = false; }, "Allow anonymous requests");
    s->add_flag("--metrics", serve.metrics, "Expose Prometheus metrics at /metrics");

    // validate
    ValidateOptions validate;
    auto* v = cli.add_subcommand("validate", "Check a config file");
    v->add_option("config", validate.path, "Config file (default: --config)");
    v->add_option("-f,--format", validate.format, "compact, verbose or json")
        ->check(CLI::IsMember({"compact", "verbose", "json"}));
    v->add_flag("-p,--print-config", validate.print_config, "Print the config with defaults and env applied");

    // schema
    bool compact = false;
    auto* sc = cli.add_subcommand("schema", "Print the config's JSON Schema (draft-07)");
    sc->add_flag("-c,--compact", compact, "One line");

    // info
    std::string info_agent;
    auto* in = cli.add_subcommand("info", "List agents, or describe one");
    in->add_option("agent", info_agent, "Agent id");
    in->add_option("--agent", info_agent, "Agent id");

    cli.add_subcommand("version", "Print the version");

    try {
        cli.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return cli.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return cli.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return cli.exit(e);
    } catch (const CLI::ParseError& e) {
        cli.exit(e);
        return 2;
    }

    if (s->parsed()) return run_serve(global, serve);
    if (v->parsed()) {
        if (validate.path.empty()) validate.path = global.config_path;
        return run_validate(global, validate);
    }
    if (sc->parsed()) return run_schema(compact);
    if (in->parsed()) return run_info(global, info_agent);
    std::cout << "Hector version " << kVersion << "\n";
    return 0;
}

}  // namespace hector::app
