#pragma once

// Helpers shared by the config tests: load a snippet and look for a diagnostic by its "path: message" text.

#include <algorithm>
#include <map>
#include <string>
#include <string_view>

#include "hector/config/loader.hpp"

namespace hector::config::testing {

inline Loaded load(std::string_view yaml, std::map<std::string, std::string> vars = {}) {
    return load_config_text(yaml, Environment::fixed(std::move(vars)));
}

/// The first error whose text ("path: message") starts with `prefix`, or nullptr.
inline const Diagnostic* find_error(const Loaded& l, std::string_view prefix) {
    for (const auto& e : l.diagnostics.errors)
        if (e.text().starts_with(prefix)) return &e;
    return nullptr;
}

inline bool has_error(const Loaded& l, std::string_view prefix) {
    return find_error(l, prefix) != nullptr;
}

inline bool has_warning(const Loaded& l, std::string_view prefix) {
    return std::any_of(l.diagnostics.warnings.begin(), l.diagnostics.warnings.end(),
                       [&](const Diagnostic& w) { return w.text().starts_with(prefix); });
}

/// Every diagnostic, one per line, for failure messages.
inline std::string all_diagnostics(const Loaded& l) {
    std::string s;
    for (const auto& e : l.diagnostics.errors) s += (e.reference ? "reference: " : "error: ") + e.text() + "\n";
    for (const auto& w : l.diagnostics.warnings) s += "warning: " + w.text() + "\n";
    return s;
}

/// A valid preamble: one LLM that every agent falls back to.
inline constexpr std::string_view kLlm = "llms:\n  default: {provider: openai, api_key: k}\n";

}  // namespace hector::config::testing
