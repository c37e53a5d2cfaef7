#include "hector/config/loader.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "hector/config/detail/describe.hpp"
#include "hector/config/detail/yaml_reader.hpp"

namespace hector::config {

namespace {

// Substitutes ${VAR} in every scalar value (never in keys, never in raw text: DECISIONS 32).
void substitute(YAML::Node node, const Environment& env, const std::string& path, Diagnostics& diag) {
    switch (node.Type()) {
        case YAML::NodeType::Scalar: {
            const std::string& s = node.Scalar();
            if (s.find('$') == std::string::npos) return;
            std::vector<std::string> missing;
            std::string expanded = expand_env(s, env, missing);
            for (const auto& m : missing)
                diag.error(
                    path, fmt::format("environment variable {} is not set (use ${{{}:default}} for a fallback)", m, m));
            if (expanded != s) node = expanded;
            return;
        }
        case YAML::NodeType::Sequence:
            for (std::size_t i = 0; i < node.size(); ++i)
                substitute(node[i], env, fmt::format("{}[{}]", path, i), diag);
            return;
        case YAML::NodeType::Map:
            for (auto it = node.begin(); it != node.end(); ++it)
                substitute(it->second, env, join_path(path, it->first.Scalar()), diag);
            return;
        default:
            return;
    }
}

// Refuses nesting deeper than the model can use; a self-referencing alias (a: &x [*x]) is infinitely deep.
bool within_depth(const YAML::Node& node, int depth) {
    if (depth > 64) return false;
    if (node.IsSequence()) {
        for (const auto& item : node)
            if (!within_depth(item, depth + 1)) return false;
    } else if (node.IsMap()) {
        for (auto it = node.begin(); it != node.end(); ++it)
            if (!it->first.IsScalar() || !within_depth(it->second, depth + 1)) return false;
    }
    return true;
}

}  // namespace

std::string Diagnostics::summary() const {
    std::string out;
    for (const auto& e : errors) {
        if (!out.empty()) out += "\n";
        out += e.text();
    }
    return out;
}

Loaded parse_config_text(std::string_view text, const Environment& env) {
    Loaded out;
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::ParserException& e) {
        out.diagnostics.error(
            "", fmt::format("YAML syntax error at line {}, column {}: {}", e.mark.line + 1, e.mark.column + 1, e.msg));
        return out;
    } catch (const YAML::Exception& e) {
        out.diagnostics.error("", fmt::format("YAML error: {}", e.what()));
        return out;
    }
    if (root.IsNull() || !root.IsDefined()) return out;
    if (!root.IsMap()) {
        out.diagnostics.error(
            "", "the config must be a mapping of sections (llms, agents, ...), got " + detail::node_kind(root));
        return out;
    }
    if (!within_depth(root, 0)) {
        out.diagnostics.error("", "the config nests too deeply, has a recursive alias, or uses a non-string key");
        return out;
    }
    try {
        substitute(root, env, "", out.diagnostics);
        detail::YamlReader reader(root, "", out.diagnostics);
        describe(reader, out.config);
        reader.finish();
    } catch (const YAML::Exception& e) {
        out.diagnostics.error("", fmt::format("YAML error: {}", e.what()));
    }
    return out;
}

Loaded load_config_text(std::string_view text, const Environment& env) {
    Loaded out = parse_config_text(text, env);
    if (!out.ok()) return out;
    finalize(out.config, env);
    validate(out.config, out.diagnostics);
    return out;
}

Loaded load_config_file(const std::string& path, const Environment& env) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        Loaded out;
        out.diagnostics.error("", fmt::format("cannot read config file {}", path));
        return out;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return load_config_text(ss.str(), env);
}

}  // namespace hector::config
