#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hector/common/result.hpp"

namespace hector::config {

/// Where ${VAR} values come from: the process environment first, then an overlay filled from .env files
/// (DECISIONS 32). The process environment itself is never modified. Immutable after construction; safe to read
/// from any thread.
class Environment {
  public:
    /// The real process environment plus an empty overlay.
    static Environment process();
    /// Only the given variables (tests, and app configs that must not see the server's environment).
    static Environment fixed(std::map<std::string, std::string> vars);

    std::optional<std::string> get(std::string_view name) const;

    /// Adds the variables of a .env file to the overlay; earlier definitions win. Missing files are skipped.
    /// Returns the number of variables read, or an error for an unreadable or malformed file.
    Result<int> load_dotenv(const std::string& path);
    /// Loads ./.env, <config dir>/.env, ~/.hector/.env and ~/.env in that order (platform.md §1.3).
    /// Returns the files that were read.
    std::vector<std::string> load_default_dotenvs(const std::string& config_path);

    /// Every variable of the overlay and the process, for child processes that need an explicit envp.
    const std::map<std::string, std::string>& overlay() const { return overlay_; }

  private:
    bool use_process_ = true;
    std::map<std::string, std::string> fixed_;
    std::map<std::string, std::string> overlay_;
};

/// Parses .env text: KEY=VALUE lines, optional `export`, # comments, single or double quotes (with \n, \t, \" and
/// \\ escapes inside double quotes). Errors name the line.
Result<std::map<std::string, std::string>> parse_dotenv(std::string_view text);

/// Replaces ${VAR}, ${VAR:default} and $$ in text. Unset variables without a default are appended to missing.
std::string expand_env(std::string_view text, const Environment& env, std::vector<std::string>& missing);

}  // namespace hector::config
