#include "hector/app/config_source.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "hector/common/logging.hpp"
#include "hector/config/zero_config.hpp"
#include "hector/net/probe.hpp"

namespace hector::app {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool ollama_reachable(const config::Environment& env) {
    std::string host = env.get("OLLAMA_HOST").value_or("http://localhost:11434");
    if (auto scheme = host.find("://"); scheme != std::string::npos) host = host.substr(scheme + 3);
    while (!host.empty() && host.back() == '/') host.pop_back();
    std::string port = "11434";
    if (auto colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos) {
        port = host.substr(colon + 1);
        host = host.substr(0, colon);
    }
    if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
    return net::tcp_reachable(host, port, std::chrono::seconds(1));
}

bool any_seed_flag(const config::SeedOptions& s) {
    return s.provider || s.model || s.api_key || s.base_url || s.temperature || s.max_tokens || s.instruction ||
           s.role || s.tools || s.mcp_url || s.approve_tools;  // --storage and --observe apply on every start
}

std::optional<config::SkillFile> read_skill() {
    auto text = read_text("SKILL.md");
    if (!text) return std::nullopt;
    auto skill = config::parse_skill_file(*text);
    if (!skill) {
        log::warn("config", "SKILL.md ignored: {}", skill.error().message);
        return std::nullopt;
    }
    for (const auto& w : skill->warnings) log::warn("config", "{}", w);
    return std::move(skill).value();
}

}  // namespace

void print_diagnostics(const config::Diagnostics& diag, bool warnings) {
    for (const auto& e : diag.errors) std::cerr << "error: " << e.text() << "\n";
    if (warnings)
        for (const auto& w : diag.warnings) std::cerr << "warning: " << w.text() << "\n";
}

Status init_logging(const GlobalOptions& global, const config::LoggerConfig* from_config) {
    log::Settings s;
    std::string level = global.log_level.value_or(from_config ? from_config->level : "info");
    std::string format = global.log_format.value_or(from_config ? from_config->format : "simple");
    s.level = log::parse_level(level).value_or(log::Level::info);
    s.format = log::parse_format(format).value_or(log::Format::simple);
    s.file = global.log_file.value_or(from_config ? from_config->file : "");
    return log::init(s);
}

Result<config::Loaded> read_config_file(const GlobalOptions& global, const config::Environment& env) {
    auto text = read_text(global.config_path);
    if (!text) return Error{Errc::io_error, fmt::format("cannot read config file {}", global.config_path)};
    auto loaded = config::load_config_text(*text, env);
    if (auto skill = read_skill()) {
        bool several = loaded.config.agents.size() > 1;
        if (global.config_explicit && several) {
            log::info("config", "SKILL.md ignored: {} defines several agents", global.config_path);
        } else if (config::apply_skill(loaded.config, *skill)) {
            log::info("config", "SKILL.md applied to the default agent");
        }
    }
    return loaded;
}

Result<ConfigSource> load_or_generate(const GlobalOptions& global, const ServeOptions& serve,
                                      config::Environment& env) {
    ConfigSource out;
    out.path = global.config_path;
    for (const auto& f : env.load_default_dotenvs(global.config_path)) log::debug("config", "loaded {}", f);

    std::error_code ec;
    if (fs::exists(out.path, ec)) {
        if (any_seed_flag(serve.seed))
            log::warn("config", "{} exists: seeding flags (--provider, --model, --tools, ...) are ignored", out.path);
        auto loaded = read_config_file(global, env);
        if (!loaded) return std::move(loaded).error();
        out.loaded = std::move(loaded).value();
        return out;
    }

    auto skill = read_skill();
    auto zero = config::generate_zero_config(
        serve.seed, env, [&] { return ollama_reachable(env); }, skill ? &*skill : nullptr);
    if (!zero) return std::move(zero).error();
    for (const auto& w : zero->warnings) log::warn("config", "{}", w);
    out.generated = true;
    out.echo_fallback = zero->echo_fallback;
    if (!serve.ephemeral && !zero->echo_fallback) {
        fs::path p(out.path);
        if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
        // O_EXCL semantics: never overwrite a file that appeared meanwhile.
        if (FILE* f = std::fopen(out.path.c_str(), "wx")) {
            std::fwrite(zero->yaml.data(), 1, zero->yaml.size(), f);
            std::fclose(f);
            log::info("config", "generated {} (provider {}); edit it to configure agents", out.path, zero->provider);
        } else {
            log::warn("config", "could not write {}; serving the generated config from memory", out.path);
        }
    } else if (serve.ephemeral) {
        log::info("config", "ephemeral mode: generated config kept in memory");
    }
    out.loaded = config::load_config_text(zero->yaml, env);
    return out;
}

}  // namespace hector::app
