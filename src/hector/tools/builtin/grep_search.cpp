// grep_search: RE2 search over the files of the working directory, returning `file:line:text`.

#include <boost/json/parse.hpp>

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "hector/tools/builtin/builtins.hpp"
#include "hector/tools/detail/args.hpp"
#include "hector/tools/detail/builtin_tool.hpp"
#include "hector/tools/detail/glob.hpp"
#include "hector/tools/detail/text.hpp"
#include "hector/tools/detail/workspace.hpp"

namespace hector::tools::builtin {

namespace asio = boost::asio;
namespace json = boost::json;
namespace fs = std::filesystem;
using detail::Workspace;

namespace {

constexpr std::int64_t kDefaultResults = 100;
constexpr std::int64_t kMaxResults = 1000;
constexpr std::size_t kMaxFileBytes = 4 * 1024 * 1024;          // larger files are skipped (and counted)
constexpr std::size_t kMaxScannedBytes = 512ull * 1024 * 1024;  // per call
constexpr std::size_t kMaxFiles = 50000;                        // per call
constexpr std::size_t kMaxLineBytes = 300;                      // of each matching line shown
constexpr int kMaxDepth = 64;

constexpr std::string_view kDescription =
    "Search file contents in the working directory with a regular expression (RE2 syntax: no backreferences or "
    "lookaround; prefix (?i) to ignore case). Returns matching lines as `file:line:text`. `path` limits the "
    "search to a file or directory; `include` is a glob on file names (`*.cpp`, `*.{ts,tsx}`) or, when it contains "
    "'/', on paths relative to the working directory (`src/**/*.h`). Binary files, files over 4 MiB, symlinks and "
    ".git/.hg/.svn directories are skipped.";

json::value schema() {
    return json::parse(R"({
  "type": "object",
  "properties": {
    "pattern": {"type": "string", "description": "RE2 regular expression matched against each line."},
    "path": {"type": "string", "description": "File or directory to search, relative to the working directory (default: all of it)."},
    "include": {"type": "string", "description": "Glob selecting the files to search, e.g. *.py or src/**/*.{h,cpp}."},
    "max_results": {"type": "integer", "minimum": 1, "maximum": 1000, "description": "Most matching lines returned (default 100)."}
  },
  "required": ["pattern"]
})");
}

struct Search {
    const RE2& pattern;
    const RE2* include;            // null: every file
    bool include_on_path = false;  // the glob has a '/': match the relative path, not the name
    std::size_t max_results;
    std::size_t max_output;
    std::string out;
    std::size_t matches = 0;
    std::size_t files = 0;
    std::size_t scanned_bytes = 0;
    std::size_t skipped_large = 0;
    bool stopped = false;  // a limit was hit
    std::string stop_reason;

    void stop(std::string reason) {
        stopped = true;
        stop_reason = std::move(reason);
    }
};

class GrepSearch final : public detail::BuiltinTool {
  public:
    GrepSearch(const config::ToolConfig& config, Workspace workspace)
        : BuiltinTool("grep_search", std::string(kDescription), schema(), false, config),
          workspace_(std::move(workspace)) {}

    asio::awaitable<ToolResult> call(const json::object& arguments, ToolContext& context) override {
        const std::size_t max_output = context.max_output_bytes;
        ToolResult result = co_await detail::offload(context, [&] { return run(arguments, max_output); });
        co_return result;
    }

  private:
    // Blocking.
    ToolResult run(const json::object& args, std::size_t max_output) const {
        auto pattern_arg = detail::required_string(args, "pattern");
        if (!pattern_arg) return ToolResult::error(pattern_arg.error().message);
        auto path_arg = detail::optional_string(args, "path");
        if (!path_arg) return ToolResult::error(path_arg.error().message);
        auto include_arg = detail::optional_string(args, "include");
        if (!include_arg) return ToolResult::error(include_arg.error().message);
        auto max_arg = detail::optional_int(args, "max_results");
        if (!max_arg) return ToolResult::error(max_arg.error().message);
        if (*max_arg && **max_arg < 1) return ToolResult::error("argument \"max_results\" must be at least 1");

        RE2::Options options;
        options.set_log_errors(false);
        RE2 pattern(*pattern_arg, options);
        if (!pattern.ok()) return ToolResult::error("invalid pattern: " + pattern.error());
        std::unique_ptr<RE2> include;
        if (*include_arg && !(*include_arg)->empty()) {
            auto regex = detail::glob_to_regex(**include_arg);
            if (!regex) return ToolResult::error("argument \"include\": " + regex.error().message);
            include = std::make_unique<RE2>(*regex, options);
            if (!include->ok()) return ToolResult::error("argument \"include\" is not a valid glob");
        }
        auto root = workspace_.resolve(path_arg->value_or("."));
        if (!root) return ToolResult::error(root.error().message);

        Search s{pattern, include.get()};
        s.include_on_path = *include_arg && (*include_arg)->find('/') != std::string::npos;
        s.max_results = static_cast<std::size_t>(std::min(max_arg->value_or(kDefaultResults), kMaxResults));
        s.max_output = max_output;
        std::error_code ec;
        const auto status = fs::symlink_status(*root, ec);
        if (ec) return ToolResult::error("cannot access \"" + path_arg->value_or(".") + "\": " + ec.message());
        if (fs::is_directory(status))
            walk(s, *root, 0);
        else
            search_file(s, *root, true);

        std::string out = std::move(s.out);
        if (s.matches == 0) out = fmt::format("No matches for {} in {}.\n", *pattern_arg, workspace_.relative(*root));
        if (s.stopped) out += "[" + s.stop_reason + "]\n";
        if (s.skipped_large > 0)
            out += fmt::format("[{} file(s) over {} MiB were skipped]\n", s.skipped_large, kMaxFileBytes >> 20);
        return {truncate_output(std::move(out), max_output), false, {}};
    }

    void walk(Search& s, const fs::path& dir, int depth) const {
        if (depth > kMaxDepth) return;
        std::vector<fs::directory_entry> children;
        std::error_code ec;
        for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
             it.increment(ec))
            children.push_back(*it);
        std::sort(children.begin(), children.end());  // a deterministic order
        for (const auto& child : children) {
            if (s.stopped) return;
            std::error_code sec;
            const auto status = child.symlink_status(sec);
            if (sec || fs::is_symlink(status)) continue;  // never follow links: they may lead outside
            if (fs::is_directory(status)) {
                const auto name = child.path().filename();
                if (name == ".git" || name == ".hg" || name == ".svn") continue;
                walk(s, child.path(), depth + 1);
            } else if (fs::is_regular_file(status)) {
                search_file(s, child.path(), false);
            }
        }
    }

    void search_file(Search& s, const fs::path& file, bool explicit_file) const {
        const std::string rel = workspace_.relative(file);
        if (s.include && !explicit_file) {
            const std::string subject = s.include_on_path ? rel : file.filename().string();
            if (!RE2::FullMatch(subject, *s.include)) return;
        }
        if (++s.files > kMaxFiles) return s.stop(fmt::format("stopped after searching {} files", kMaxFiles));
        auto data = workspace_.read_file(file, kMaxFileBytes);
        if (!data) {
            if (data.error().code == Errc::payload_too_large) ++s.skipped_large;
            return;
        }
        if (std::string_view(*data).substr(0, 8192).find('\0') != std::string_view::npos) return;  // binary
        s.scanned_bytes += data->size();
        if (s.scanned_bytes > kMaxScannedBytes)
            return s.stop(fmt::format("stopped after reading {} MiB", kMaxScannedBytes >> 20));
        const auto lines = detail::split_lines(*data);
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (!RE2::PartialMatch(lines[i], s.pattern)) continue;
            std::string_view text = lines[i];
            std::string shown;
            if (text.size() > kMaxLineBytes) {
                shown =
                    detail::to_valid_utf8(text.substr(0, detail::complete_utf8_prefix(text.substr(0, kMaxLineBytes))));
                shown += "…";
            } else {
                shown = detail::to_valid_utf8(text);
            }
            fmt::format_to(std::back_inserter(s.out), "{}:{}:{}\n", rel, i + 1, shown);
            if (++s.matches >= s.max_results) return s.stop(fmt::format("stopped at max_results={}", s.max_results));
            if (s.out.size() > s.max_output) return s.stop("stopped: the output limit was reached");
        }
    }

    Workspace workspace_;
};

}  // namespace

Result<std::unique_ptr<Tool>> make_grep_search(const config::ToolConfig& config) {
    auto workspace = Workspace::open(config.working_directory);
    if (!workspace) return std::move(workspace).error();
    return std::unique_ptr<Tool>(std::make_unique<GrepSearch>(config, std::move(*workspace)));
}

}  // namespace hector::tools::builtin
