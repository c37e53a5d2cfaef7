#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include "hector/common/strings.hpp"
#include "hector/config/detail/yaml_reader.hpp"
#include "hector/config/providers.hpp"
#include "hector/config/zero_config.hpp"

namespace hector::config {

namespace {

// Claude-style tool names → Hector built-ins; Hector names pass through.
std::optional<std::string> map_tool(std::string_view raw) {
    std::string_view name = raw.substr(0, raw.find('('));  // Bash(git:*) → Bash; the pattern is only a hint
    if (name == "Read" || name == "Edit" || name == "Write" || name == "Editor" || name == "MultiEdit")
        return "text_editor";
    if (name == "Bash") return "bash";
    if (name == "Grep") return "grep_search";
    if (name == "WebFetch") return "web_fetch";
    if (name == "WebSearch") return "web_search";
    if (name == "TodoWrite") return "todo_write";
    if (is_builtin_tool(name)) return std::string(name);
    return std::nullopt;
}

}  // namespace

Result<SkillFile> parse_skill_file(std::string_view text) {
    SkillFile skill;
    std::string_view rest = text;
    if (rest.substr(0, 3) == "\xEF\xBB\xBF") rest.remove_prefix(3);
    std::string front;
    if (rest.substr(0, 3) == "---") {
        auto first_nl = rest.find('\n');
        if (first_nl == std::string_view::npos) return Error{Errc::parse_error, "SKILL.md: unterminated front matter"};
        auto body_start = first_nl + 1;
        auto close = rest.find("\n---", first_nl);
        if (close == std::string_view::npos) return Error{Errc::parse_error, "SKILL.md: unterminated front matter"};
        front = std::string(rest.substr(body_start, close + 1 - body_start));
        auto after = rest.find('\n', close + 4);
        rest = after == std::string_view::npos ? std::string_view{} : rest.substr(after + 1);
    }
    skill.instruction = std::string(trim(rest));
    if (front.empty()) return skill;
    YAML::Node meta;
    try {
        meta = YAML::Load(front);
    } catch (const YAML::ParserException& e) {
        return Error{Errc::parse_error, fmt::format("SKILL.md front matter: line {}, column {}: {}", e.mark.line + 2,
                                                    e.mark.column + 1, e.msg)};
    }
    if (!meta.IsMap()) return Error{Errc::parse_error, "SKILL.md front matter must be a mapping"};
    if (meta["name"] && meta["name"].IsScalar()) skill.name = meta["name"].Scalar();
    if (meta["description"] && meta["description"].IsScalar()) skill.description = meta["description"].Scalar();
    if (auto tools = meta["allowed-tools"]) {
        WordList words;
        Diagnostics ignored;
        detail::decode(tools, words, "allowed-tools", ignored, detail::FieldOpts{});
        for (const auto& w : words.items) {
            auto mapped = map_tool(w);
            if (!mapped) {
                skill.warnings.push_back(fmt::format("SKILL.md: unknown tool \"{}\" skipped", w));
                continue;
            }
            if (std::find(skill.tools.begin(), skill.tools.end(), *mapped) == skill.tools.end())
                skill.tools.push_back(*mapped);
        }
    }
    return skill;
}

}  // namespace hector::config

#include "hector/config/model.hpp"

namespace hector::config {

bool apply_skill(Config& config, const SkillFile& skill) {
    AgentConfig* agent = config.agents.find("assistant");
    if (!agent && config.agents.size() == 1) agent = &config.agents.begin()->second;
    if (!agent) return false;
    if (!skill.name.empty()) agent->name = skill.name;
    if (!skill.description.empty()) agent->description = skill.description;
    if (!skill.instruction.empty()) agent->instruction = skill.instruction;
    if (!skill.tools.empty()) {
        std::vector<std::string> tools = agent->tools.value_or(std::vector<std::string>{});
        for (const auto& t : skill.tools)
            if (std::find(tools.begin(), tools.end(), t) == tools.end()) tools.push_back(t);
        agent->tools = std::move(tools);
    }
    return true;
}

}  // namespace hector::config
