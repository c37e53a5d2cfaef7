#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hector/common/result.hpp"
#include "hector/config/env.hpp"

namespace hector::config {

/// `serve` flags that seed a new config file (platform.md §1.7). Unset = not given.
struct SeedOptions {
    std::optional<std::string> provider;
    std::optional<std::string> model;
    std::optional<std::string> api_key;
    std::optional<std::string> base_url;
    std::optional<double> temperature;
    std::optional<int> max_tokens;
    std::optional<std::string> instruction;
    std::optional<std::string> role;
    std::optional<std::string> tools;  // "all", "" (bare flag = all) or "a,b"
    std::optional<std::string> mcp_url;
    std::optional<bool> approve_tools;
    std::optional<bool> stream;
    std::optional<std::string> storage;  // inmemory | sqlite | postgres
    std::optional<std::string> storage_db;
    bool observe = false;

    bool any_llm_flag() const { return provider || model || api_key; }
};

struct SkillFile;

struct ZeroConfig {
    std::string yaml;            // the config text
    bool echo_fallback = false;  // DECISIONS 16: kept in memory, never written
    std::string provider;
    std::vector<std::string> warnings;
};

/// Builds the zero-config YAML. `ollama_reachable` is asked at most once, only when no flag or key picks a
/// provider. Fails when an explicit provider needs a key that is not in the environment (naming the variable).
Result<ZeroConfig> generate_zero_config(const SeedOptions& seed, const Environment& env,
                                        const std::function<bool()>& ollama_reachable, const SkillFile* skill);

/// A SKILL.md file (platform.md §1.8): YAML front matter between --- lines, then a markdown body.
struct SkillFile {
    std::string name;
    std::string description;
    std::vector<std::string> tools;  // Hector tool names mapped from allowed-tools
    std::string instruction;         // the body
    std::vector<std::string> warnings;
};

Result<SkillFile> parse_skill_file(std::string_view text);

}  // namespace hector::config

namespace hector::config {

struct Config;

/// Applies SKILL.md to an existing config's default agent ("assistant", else the only agent). Returns false when
/// no agent qualifies (several agents and none named assistant).
bool apply_skill(Config& config, const SkillFile& skill);

}  // namespace hector::config
