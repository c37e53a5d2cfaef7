// bash: runs a command line in the working directory under the command sandbox (platform.md §5.3, DECISIONS 29).
//
// The result is a JSON object as text: {"exit_code", "stdout", "stderr"} and, when the process was stopped,
// "error". A non-zero exit, a timeout or a cancel make it an error result.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

#include "hector/common/strings.hpp"
#include "hector/tools/builtin/builtins.hpp"
#include "hector/tools/detail/args.hpp"
#include "hector/tools/detail/builtin_tool.hpp"
#include "hector/tools/detail/command_policy.hpp"
#include "hector/tools/detail/process.hpp"
#include "hector/tools/detail/workspace.hpp"

namespace hector::tools::builtin {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using detail::CommandPolicy;
using detail::ProcessEnd;
using detail::Workspace;

namespace {

/// The limit when the config sets no max_execution_time: a call always ends.
constexpr std::chrono::milliseconds kDefaultLimit = 600s;

json::value schema() {
    return json::parse(R"({
  "type": "object",
  "properties": {
    "command": {"type": "string", "description": "The command line to run in the working directory."},
    "timeout": {"type": "number", "exclusiveMinimum": 0, "description": "Seconds before the command is killed (at most the tool's limit)."}
  },
  "required": ["command"]
})");
}

std::string describe(const CommandPolicy& policy, std::chrono::milliseconds limit) {
    std::string text =
        "Run a command in the working directory and return its exit_code, stdout and stderr (as a JSON "
        "object). Output streams while the command runs; each stream keeps its first part when it is "
        "long. The command is killed after " +
        fmt::format("{} s", limit.count() / 1000) +
        " or when the call is cancelled; stdin is empty and the environment minimal (PATH, HOME, "
        "LANG, TERM=dumb).";
    if (policy.strict())
        text += fmt::format(
            " Commands run without a shell: one command with its arguments; no pipes, chaining, redirections, "
            "variables, globbing or substitutions, and paths stay inside the working directory. Allowed commands: "
            "{}.",
            policy.allowed.empty() ? std::string("none") : join(policy.allowed, ", "));
    else
        text += " The command line runs under /bin/sh -c.";
    return text;
}

std::vector<std::string> child_environment() {
    const char* home = std::getenv("HOME");
    return {std::string("PATH=") + std::string(detail::kCommandPath),
            std::string("HOME=") + (home != nullptr && *home != '\0' ? home : "/"), "LANG=C.UTF-8", "TERM=dumb"};
}

std::string seconds_text(std::chrono::milliseconds d) {
    if (d.count() % 1000 == 0) return fmt::format("{} s", d.count() / 1000);
    return fmt::format("{:.3g} s", static_cast<double>(d.count()) / 1000.0);
}

ToolResult to_result(const detail::ProcessOutcome& o, std::chrono::milliseconds limit) {
    if (o.end == ProcessEnd::failed_to_start) return ToolResult::error(o.error);
    json::object body;
    body["exit_code"] = o.exit_code >= 0 ? json::value(o.exit_code) : json::value(nullptr);
    body["stdout"] = o.out;
    body["stderr"] = o.err;
    if (o.end == ProcessEnd::timed_out)
        body["error"] = "the command timed out after " + seconds_text(limit) + " and was killed";
    if (o.end == ProcessEnd::cancelled) body["error"] = "the command was cancelled and killed";
    const bool failed = o.end != ProcessEnd::exited || o.exit_code != 0;
    return {json::serialize(body), failed, {}};
}

class Bash final : public detail::BuiltinTool {
  public:
    Bash(const config::ToolConfig& config, Workspace workspace, CommandPolicy policy, std::chrono::milliseconds limit)
        : BuiltinTool("bash", describe(policy, limit), schema(), true, config),
          workspace_(std::move(workspace)),
          policy_(std::move(policy)),
          limit_(limit),
          env_(child_environment()) {}

    asio::awaitable<ToolResult> call(const json::object& arguments, ToolContext& context) override {
        auto command = detail::required_string(arguments, "command");
        if (!command) co_return ToolResult::error(command.error().message);
        auto timeout = detail::optional_number(arguments, "timeout");
        if (!timeout) co_return ToolResult::error(timeout.error().message);
        std::chrono::milliseconds limit = limit_;
        if (*timeout) {
            if (!(**timeout > 0) || !std::isfinite(**timeout))
                co_return ToolResult::error("argument \"timeout\" must be a positive number of seconds");
            limit =
                std::min(limit, std::chrono::milliseconds(static_cast<std::int64_t>(std::min(**timeout, 1e9) * 1000)));
            limit = std::max(limit, std::chrono::milliseconds(1));
        }
        // Refusals happen here, before anything is spawned.
        auto plan =
            co_await detail::offload(context, [&] { return detail::plan_command(*command, policy_, workspace_); });
        if (!plan) co_return ToolResult::error(plan.error().message);

        detail::ProcessSpec spec{std::move(plan->executable), std::move(plan->argv), env_, workspace_.root().string()};
        detail::ProcessLimits limits;
        limits.timeout = limit;
        limits.max_output_bytes = context.max_output_bytes;
        auto outcome = co_await detail::run_process(std::move(spec), limits, context.progress, context.blocking);
        co_return to_result(outcome, limit);
    }

  private:
    Workspace workspace_;
    CommandPolicy policy_;
    std::chrono::milliseconds limit_;
    std::vector<std::string> env_;
};

}  // namespace

Result<std::unique_ptr<Tool>> make_bash(const config::ToolConfig& config) {
    auto workspace = Workspace::open(config.working_directory);
    if (!workspace) return std::move(workspace).error();
    CommandPolicy policy{config.allowed_commands, config.denied_commands, config.deny_by_default};
    const std::chrono::milliseconds limit = config.max_execution_time.value_or(kDefaultLimit);
    if (limit <= 0ms) return Error{Errc::invalid_argument, "max_execution_time must be positive"};
    return std::unique_ptr<Tool>(std::make_unique<Bash>(config, std::move(*workspace), std::move(policy), limit));
}

}  // namespace hector::tools::builtin
