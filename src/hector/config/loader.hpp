#pragma once

#include <string>
#include <string_view>

#include "hector/common/result.hpp"
#include "hector/config/diagnostics.hpp"
#include "hector/config/env.hpp"
#include "hector/config/model.hpp"

namespace hector::config {

struct Loaded {
    Config config;
    Diagnostics diagnostics;
    bool ok() const { return diagnostics.ok(); }
};

/// YAML (or JSON) text → typed config: env substitution in scalars, type and enum checks, unknown-key warnings,
/// then finalize() and validate(). Never throws; every problem is a diagnostic with its path, and YAML syntax
/// errors carry line and column.
Loaded load_config_text(std::string_view text, const Environment& env);

/// Reads the file and calls load_config_text. A missing or unreadable file is an error diagnostic.
Loaded load_config_file(const std::string& path, const Environment& env);

/// Only parsing and typing (no finalize, no validate): what the compatibility test uses on fragments.
Loaded parse_config_text(std::string_view text, const Environment& env);

/// Fills defaults that depend on other fields (agent names, LLM providers, models and base URLs, an agent's LLM,
/// embedder and document-store defaults, MCP transports), moves inline child agents to the top level and applies
/// the legacy places of rate limiting and observability. Never fails; what it cannot resolve, validate() reports.
void finalize(Config& config, const Environment& env);

/// Cross-field rules of platform.md §1.6 on a finalized config: references, cycles, agent shapes, ranges that span
/// fields, auth, automations and tool-name clashes. Unresolved references are marked Diagnostic::reference.
void validate(const Config& config, Diagnostics& diag);

/// The config with defaults applied, as JSON (secrets masked), for `validate --print-config`.
boost::json::value to_json(const Config& config);
/// JSON → YAML text (block style), for printing configs.
std::string to_yaml(const boost::json::value& v);

}  // namespace hector::config
