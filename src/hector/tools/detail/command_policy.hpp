#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hector/common/result.hpp"
#include "hector/tools/detail/workspace.hpp"

/// The command sandbox of the bash tool (platform.md §5.3, DECISIONS 29).
namespace hector::tools::detail {

/// `allowed_commands`, `denied_commands` and `deny_by_default` of the tool's config.
struct CommandPolicy {
    std::vector<std::string> allowed;
    std::vector<std::string> denied;
    bool deny_by_default = false;

    /// With an allow list (or deny-by-default) commands run without a shell.
    bool strict() const { return deny_by_default || !allowed.empty(); }
};

/// How to start a command that the policy let through.
struct CommandPlan {
    std::string executable;         // absolute path given to execve
    std::vector<std::string> argv;  // argv[0] included
};

/// The PATH commands are looked up in and run with.
inline constexpr std::string_view kCommandPath = "/usr/local/bin:/usr/bin:/bin";

/// Splits a command line into words by POSIX shell rules: blanks separate words, '…' is literal, "…" keeps the
/// escapes \" \\ \$ \` and backslash-newline, a backslash outside quotes escapes the next character. No expansion
/// of any kind. Errors (Errc::invalid_argument) for an unterminated quote or a trailing backslash.
Result<std::vector<std::string>> split_shell_words(std::string_view command);

/// Best effort, for the deny list without an allow list: the executables a shell command line would run. The line
/// is split at ; & | newlines ( ) and backticks (outside single quotes); in each segment, variable assignments,
/// redirections and reserved words are skipped, wrappers (sudo, env, xargs, timeout, nohup...) count together with
/// the command they run, and `eval …`, `sh -c …` and `find -exec …` are looked into. Not a sandbox: variables,
/// aliases and scripts can still run anything.
std::vector<std::string> command_executables(std::string_view command);

/// Decides whether `command` may run and how. With a strict policy: refused when it contains any of
/// ; & | < > ` $ ( ) { } or a newline, split into words, the executable (a bare name, looked up in kCommandPath)
/// must be allowed and not denied, and arguments that are paths must stay inside the workspace; it then runs with
/// execve, without a shell. Otherwise it runs as `/bin/sh -c command`, refused only when command_executables()
/// names a denied command. Refusals are Errc::forbidden (`command "rm" is not allowed`). Blocking (stat calls).
Result<CommandPlan> plan_command(std::string_view command, const CommandPolicy& policy, const Workspace& workspace);

}  // namespace hector::tools::detail
