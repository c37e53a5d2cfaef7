#pragma once

#include <memory>
#include <string>
#include <vector>

#include "hector/app/options.hpp"
#include "hector/common/result.hpp"
#include "hector/config/env.hpp"
#include "hector/config/loader.hpp"

namespace hector::app {

/// A loaded, validated config and where it came from.
struct ConfigSource {
    config::Loaded loaded;
    std::string path;
    bool generated = false;      // written (or, with --ephemeral/echo, held in memory) on this start
    bool echo_fallback = false;  // DECISIONS 16
};

/// The serve pipeline of platform.md §1.1: .env files, the file or a generated one (never overwriting),
/// SKILL.md. Blocking (file I/O and at most one 1 s Ollama probe): call before the I/O threads start.
Result<ConfigSource> load_or_generate(const GlobalOptions& global, const ServeOptions& serve, config::Environment& env);

/// Reads and validates the existing config file at global.config_path and applies SKILL.md (platform.md §1.8), as
/// a start does; a reload does the same. Blocking (file I/O). An unreadable file is an error; an invalid one is a
/// Loaded with error diagnostics.
Result<config::Loaded> read_config_file(const GlobalOptions& global, const config::Environment& env);

/// Sets up logging from the CLI flags, falling back to the config's logger section.
Status init_logging(const GlobalOptions& global, const config::LoggerConfig* from_config);

/// Prints every error (and warning) of a load to stderr, one per line.
void print_diagnostics(const config::Diagnostics& diag, bool warnings);

}  // namespace hector::app
