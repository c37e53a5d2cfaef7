// apply_patch: applies a unified diff to files in the working directory, all or nothing.

#include <boost/json/parse.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>

#include "hector/tools/builtin/builtins.hpp"
#include "hector/tools/detail/args.hpp"
#include "hector/tools/detail/builtin_tool.hpp"
#include "hector/tools/detail/unified_diff.hpp"
#include "hector/tools/detail/workspace.hpp"

namespace hector::tools::builtin {

namespace asio = boost::asio;
namespace json = boost::json;
namespace fs = std::filesystem;
using detail::Workspace;

namespace {

constexpr std::size_t kMaxFileBytes = 10 * 1024 * 1024;
constexpr std::size_t kMaxPatchBytes = 4 * 1024 * 1024;

constexpr std::string_view kDescription =
    "Apply a unified diff (as produced by `diff -u` or `git diff`) to files in the working directory. The patch "
    "may touch several files; `--- /dev/null` creates a file and `+++ /dev/null` deletes one. Every hunk's context "
    "and removed lines must match the current file, otherwise nothing is changed and the error names the failing "
    "file and hunk. Paths are relative to the working directory; git's a/ and b/ prefixes are accepted.";

json::value schema() {
    return json::parse(R"({
  "type": "object",
  "properties": {
    "patch": {"type": "string", "description": "The unified diff: --- old, +++ new, then @@ -l,s +l,s @@ hunks."}
  },
  "required": ["patch"]
})");
}

/// A file the patch touches: its content before and after (nullopt: absent).
struct Change {
    std::string shown;
    std::optional<std::string> before;
    std::optional<std::string> after;
    std::size_t hunks = 0;
};

class ApplyPatch final : public detail::BuiltinTool {
  public:
    ApplyPatch(const config::ToolConfig& config, Workspace workspace)
        : BuiltinTool("apply_patch", std::string(kDescription), schema(), true, config),
          workspace_(std::move(workspace)) {}

    asio::awaitable<ToolResult> call(const json::object& arguments, ToolContext& context) override {
        ToolResult result = co_await detail::offload(context, [&] { return run(arguments); });
        co_return result;
    }

  private:
    // Blocking; one patch at a time per instance.
    ToolResult run(const json::object& args) {
        auto patch = detail::required_string(args, "patch");
        if (!patch) return ToolResult::error(patch.error().message);
        if (patch->size() > kMaxPatchBytes)
            return ToolResult::error(fmt::format("the patch is larger than {} bytes", kMaxPatchBytes));
        auto files = detail::parse_unified_diff(*patch);
        if (!files) return ToolResult::error("apply_patch: " + files.error().message + "; nothing was changed");

        std::lock_guard lock(mu_);
        std::map<fs::path, Change> changes;
        std::vector<fs::path> order;
        auto load = [&](const std::string& given) -> Result<fs::path> {
            auto path = workspace_.resolve(given);
            if (!path) return std::move(path).error();
            if (changes.count(*path) != 0) return path;
            Change c;
            c.shown = workspace_.relative(*path);
            std::error_code ec;
            if (fs::exists(fs::symlink_status(*path, ec))) {
                auto data = workspace_.read_file(*path, kMaxFileBytes);
                if (!data) return std::move(data).error();
                if (detail::looks_binary(*data))
                    return Error{Errc::invalid_argument, c.shown + " is a binary file; apply_patch edits text files"};
                c.before = std::move(*data);
            }
            c.after = c.before;
            changes.emplace(*path, std::move(c));
            order.push_back(*path);
            return path;
        };

        for (const auto& file : *files) {
            auto source = load(file.old_path.empty() ? file.new_path : file.old_path);
            if (!source) return ToolResult::error("apply_patch: " + source.error().message + "; nothing was changed");
            auto applied = detail::apply_file_patch(changes.at(*source).after, file);
            if (!applied) return ToolResult::error("apply_patch: " + applied.error().message);
            changes.at(*source).hunks += file.hunks.size();
            if (!file.old_path.empty() && !file.new_path.empty() && file.old_path != file.new_path) {
                // A rename: the new content goes to the new path, the old one disappears.
                auto target = load(file.new_path);
                if (!target)
                    return ToolResult::error("apply_patch: " + target.error().message + "; nothing was changed");
                if (changes.at(*target).after)
                    return ToolResult::error("apply_patch: " + changes.at(*target).shown +
                                             " already exists; nothing was changed");
                changes.at(*target).after = std::move(*applied);
                changes.at(*source).after.reset();
            } else {
                changes.at(*source).after = std::move(*applied);
            }
        }
        return commit(changes, order);
    }

    // Writes every change; on a failure, puts back what was already written.
    ToolResult commit(std::map<fs::path, Change>& changes, const std::vector<fs::path>& order) const {
        std::vector<const fs::path*> done;
        std::string summary = "Applied the patch:\n";
        for (const auto& path : order) {
            const Change& c = changes.at(path);
            if (c.before == c.after) continue;
            Status status = write(path, c.after);
            if (!status) {
                for (const fs::path* p : done) (void)write(*p, changes.at(*p).before);
                return ToolResult::error("apply_patch: " + status.error().message +
                                         "; the files already written were restored");
            }
            done.push_back(&path);
            const char* kind = !c.before ? "A" : (!c.after ? "D" : "M");
            summary += fmt::format("  {} {}", kind, c.shown);
            if (c.before && c.after) summary += fmt::format(" ({} hunk{})", c.hunks, c.hunks == 1 ? "" : "s");
            summary += "\n";
        }
        if (done.empty()) summary = "The patch changes nothing.\n";
        return {std::move(summary), false, {}};
    }

    Status write(const fs::path& path, const std::optional<std::string>& content) const {
        if (!content) {
            std::error_code ec;
            if (!fs::exists(fs::symlink_status(path, ec))) return {};
            return workspace_.remove_file(path);
        }
        std::error_code ec;
        fs::create_directories(path.parent_path(), ec);
        if (ec)
            return Error{Errc::io_error,
                         "cannot create the directories of " + workspace_.relative(path) + ": " + ec.message()};
        return workspace_.write_file(path, *content);
    }

    Workspace workspace_;
    std::mutex mu_;
};

}  // namespace

Result<std::unique_ptr<Tool>> make_apply_patch(const config::ToolConfig& config) {
    auto workspace = Workspace::open(config.working_directory);
    if (!workspace) return std::move(workspace).error();
    return std::unique_ptr<Tool>(std::make_unique<ApplyPatch>(config, std::move(*workspace)));
}

}  // namespace hector::tools::builtin
