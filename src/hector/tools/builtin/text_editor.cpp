// text_editor: view, create, str_replace, insert and undo_edit on text files inside the working directory.
//
// Semantics follow Anthropic's text editor tool: `create` overwrites an existing file (undo_edit brings it back),
// `str_replace` needs exactly one match, `insert` puts text after line N (0 = at the top). Binary files are refused.

#include <boost/json/parse.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>

#include "hector/tools/builtin/builtins.hpp"
#include "hector/tools/detail/args.hpp"
#include "hector/tools/detail/builtin_tool.hpp"
#include "hector/tools/detail/text.hpp"
#include "hector/tools/detail/workspace.hpp"

namespace hector::tools::builtin {

namespace asio = boost::asio;
namespace json = boost::json;
namespace fs = std::filesystem;
using detail::Workspace;

namespace {

constexpr std::size_t kMaxFileBytes = 10 * 1024 * 1024;  // larger files are refused: use bash or grep_search
constexpr std::size_t kMaxViewLines = 2000;              // a view without view_range shows at most this many
constexpr std::size_t kMaxListing = 1000;                // directory entries listed
constexpr std::size_t kHistoryEntries = 256;             // undo versions kept per tool instance...
constexpr std::size_t kHistoryBytes = 64 * 1024 * 1024;  // ...and their total size
constexpr std::size_t kSnippetContext = 4;               // lines shown around an edit

json::value schema() {
    return json::parse(R"({
  "type": "object",
  "properties": {
    "command": {"type": "string", "enum": ["view", "create", "str_replace", "insert", "undo_edit"],
                "description": "The operation to perform."},
    "path": {"type": "string", "description": "File or directory, relative to the working directory."},
    "view_range": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2,
                   "description": "view: [start, end] lines, 1-based and inclusive; end -1 means the last line."},
    "file_text": {"type": "string", "description": "create: the whole content of the file."},
    "old_str": {"type": "string", "description": "str_replace: text that occurs exactly once in the file."},
    "new_str": {"type": "string", "description": "str_replace: the replacement (empty deletes); insert: the text to insert."},
    "insert_line": {"type": "integer", "minimum": 0, "description": "insert: the line after which new_str goes (0 = top)."}
  },
  "required": ["command", "path"]
})");
}

constexpr std::string_view kDescription =
    "View, create and edit text files in the working directory. `view` shows a file with line numbers (at most "
    "2000 lines; pass view_range for more) or lists a directory two levels deep. `create` writes a file, replacing "
    "any existing one. `str_replace` replaces old_str, which must occur exactly once (include surrounding lines to "
    "make it unique). `insert` inserts new_str after line insert_line. `undo_edit` restores the file as it was "
    "before the last edit.";

/// The versions a file had before each edit, newest last, bounded in count and bytes. Thread-safe.
class EditHistory {
  public:
    /// `previous` is nullopt when the file did not exist before the edit.
    void push(const fs::path& path, std::optional<std::string> previous) {
        std::lock_guard lock(mu_);
        bytes_ += previous ? previous->size() : 0;
        entries_.push_back({path, std::move(previous)});
        while (entries_.size() > kHistoryEntries || (bytes_ > kHistoryBytes && entries_.size() > 1)) {
            bytes_ -= entries_.front().previous ? entries_.front().previous->size() : 0;
            entries_.pop_front();
        }
    }
    /// The newest version recorded for path, removed from the history; nullopt when there is none.
    std::optional<std::optional<std::string>> pop(const fs::path& path) {
        std::lock_guard lock(mu_);
        for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
            if (it->path != path) continue;
            std::optional<std::string> previous = std::move(it->previous);
            bytes_ -= previous ? previous->size() : 0;
            entries_.erase(std::next(it).base());
            return previous;
        }
        return std::nullopt;
    }

  private:
    struct Entry {
        fs::path path;
        std::optional<std::string> previous;
    };
    std::mutex mu_;
    std::deque<Entry> entries_;
    std::size_t bytes_ = 0;
};

ToolResult error_of(const Error& e) {
    return ToolResult::error(e.message);
}

std::string numbered(const std::vector<std::string_view>& lines, std::size_t first, std::size_t last) {
    std::string out;
    for (std::size_t i = first; i <= last && i <= lines.size(); ++i) detail::append_numbered(out, i, lines[i - 1]);
    return out;
}

std::size_t count_lines(std::string_view text) {
    return detail::split_lines(text).size();
}

/// The 1-based line on which byte `offset` lies.
std::size_t line_of(std::string_view text, std::size_t offset) {
    return 1 +
           static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

class TextEditor final : public detail::BuiltinTool {
  public:
    TextEditor(const config::ToolConfig& config, Workspace workspace)
        : BuiltinTool("text_editor", std::string(kDescription), schema(), true, config),
          workspace_(std::move(workspace)) {}

    asio::awaitable<ToolResult> call(const json::object& arguments, ToolContext& context) override {
        const std::size_t max_output = context.max_output_bytes;
        ToolResult result = co_await detail::offload(context, [&] { return run(arguments, max_output); });
        co_return result;
    }

  private:
    // Blocking. One call at a time per instance, so a read-modify-write never interleaves with another.
    ToolResult run(const json::object& args, std::size_t max_output) {
        auto command = detail::required_string(args, "command");
        if (!command) return error_of(command.error());
        auto path_arg = detail::required_string(args, "path");
        if (!path_arg) return error_of(path_arg.error());
        auto path = workspace_.resolve(*path_arg);
        if (!path) return error_of(path.error());
        std::lock_guard lock(mu_);
        if (*command == "view") return view(args, *path, max_output);
        if (*command == "create") return create(args, *path);
        if (*command == "str_replace") return str_replace(args, *path);
        if (*command == "insert") return insert(args, *path);
        if (*command == "undo_edit") return undo(*path);
        return ToolResult::error("unknown command \"" + *command +
                                 "\": use view, create, str_replace, insert or undo_edit");
    }

    Result<std::string> read_text(const fs::path& path) const {
        auto data = workspace_.read_file(path, kMaxFileBytes);
        if (!data) return std::move(data).error();
        if (detail::looks_binary(*data))
            return Error{Errc::invalid_argument, "\"" + workspace_.relative(path) +
                                                     "\" is a binary file (or not UTF-8 text); text_editor only "
                                                     "handles text files"};
        return data;
    }

    ToolResult view(const json::object& args, const fs::path& path, std::size_t max_output) const {
        std::error_code ec;
        if (fs::is_directory(fs::symlink_status(path, ec))) return list_directory(path);
        auto text = read_text(path);
        if (!text) return error_of(text.error());
        const auto lines = detail::split_lines(*text);
        if (lines.empty()) return {"(the file is empty)", false, {}};
        std::size_t first = 1;
        std::size_t last = lines.size();
        auto range = detail::optional_array(args, "view_range");
        if (!range) return error_of(range.error());
        if (*range != nullptr) {
            const json::array& r = **range;
            auto a = r.size() == 2 ? detail::as_int(r[0]) : std::nullopt;
            auto b = r.size() == 2 ? detail::as_int(r[1]) : std::nullopt;
            if (!a || !b) return ToolResult::error("argument \"view_range\" must be two integers [start, end]");
            if (*a < 1 || static_cast<std::size_t>(*a) > lines.size())
                return ToolResult::error(
                    fmt::format("view_range start {} is outside the file's lines 1-{}", *a, lines.size()));
            if (*b != -1 && *b < *a)
                return ToolResult::error(fmt::format("view_range end {} is before its start {}", *b, *a));
            first = static_cast<std::size_t>(*a);
            if (*b != -1) last = std::min(lines.size(), static_cast<std::size_t>(*b));
        }
        std::string out;
        std::size_t shown = first;
        for (; shown <= last; ++shown) {
            if (shown - first >= kMaxViewLines || out.size() >= max_output) break;
            detail::append_numbered(out, shown, lines[shown - 1]);
        }
        if (shown <= last)
            out += fmt::format("[showing lines {}-{} of {}; pass view_range to see the rest]\n", first, shown - 1,
                               lines.size());
        return {std::move(out), false, {}};
    }

    ToolResult list_directory(const fs::path& dir) const {
        std::vector<std::string> entries;
        bool more = false;
        auto walk = [&](auto&& self, const fs::path& d, int depth) -> void {
            std::vector<fs::directory_entry> children;
            std::error_code ec;
            for (fs::directory_iterator it(d, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
                 it.increment(ec)) {
                if (it->path().filename().string().starts_with('.')) continue;  // hidden files and .git
                children.push_back(*it);
            }
            std::sort(children.begin(), children.end());
            for (const auto& child : children) {
                if (entries.size() >= kMaxListing) {
                    more = true;
                    return;
                }
                std::error_code sec;
                const auto status = child.symlink_status(sec);
                std::string name = workspace_.relative(child.path());
                if (fs::is_symlink(status)) {
                    entries.push_back(name + "@");
                } else if (fs::is_directory(status)) {
                    entries.push_back(name + "/");
                    if (depth < 2) self(self, child.path(), depth + 1);
                } else {
                    entries.push_back(std::move(name));
                }
            }
        };
        walk(walk, dir, 1);
        std::string out = fmt::format("Files and directories up to 2 levels deep in {} (hidden ones omitted):\n",
                                      workspace_.relative(dir));
        for (const auto& e : entries) out += e + "\n";
        if (entries.empty()) out += "(empty)\n";
        if (more) out += fmt::format("[listing stopped after {} entries]\n", kMaxListing);
        return {std::move(out), false, {}};
    }

    ToolResult create(const json::object& args, const fs::path& path) {
        auto file_text = detail::optional_string(args, "file_text");
        if (!file_text) return error_of(file_text.error());
        if (!*file_text) return ToolResult::error("create needs the argument \"file_text\"");
        std::error_code ec;
        const auto status = fs::symlink_status(path, ec);
        std::optional<std::string> previous;
        if (fs::exists(status)) {
            auto old = workspace_.read_file(path, kMaxFileBytes);
            if (!old) return error_of(old.error());
            previous = std::move(*old);
        } else {
            fs::create_directories(path.parent_path(), ec);
            if (ec)
                return ToolResult::error("cannot create the directories of \"" + workspace_.relative(path) +
                                         "\": " + ec.message());
        }
        if (auto written = workspace_.write_file(path, **file_text); !written) return error_of(written.error());
        const bool existed = previous.has_value();
        history_.push(path, std::move(previous));
        return {fmt::format("{} {} ({} lines)", existed ? "Overwrote" : "Created", workspace_.relative(path),
                            count_lines(**file_text)),
                false,
                {}};
    }

    ToolResult str_replace(const json::object& args, const fs::path& path) {
        auto old_str = detail::optional_string(args, "old_str");
        if (!old_str) return error_of(old_str.error());
        if (!*old_str || (*old_str)->empty()) return ToolResult::error("str_replace needs a non-empty \"old_str\"");
        auto new_str = detail::optional_string(args, "new_str");
        if (!new_str) return error_of(new_str.error());
        auto text = read_text(path);
        if (!text) return error_of(text.error());
        const std::string& needle = **old_str;
        std::vector<std::size_t> at;
        for (std::size_t pos = text->find(needle); pos != std::string::npos; pos = text->find(needle, pos + 1))
            at.push_back(pos);
        const std::string shown = workspace_.relative(path);
        if (at.empty()) return ToolResult::error("old_str was not found in " + shown + " (0 matches)");
        if (at.size() > 1) {
            std::vector<std::string> where;
            for (std::size_t i = 0; i < at.size() && i < 10; ++i)
                where.push_back(std::to_string(line_of(*text, at[i])));
            return ToolResult::error(
                fmt::format("old_str occurs {} times in {} (lines {}); it must occur exactly "
                            "once: add surrounding lines to make it unique",
                            at.size(), shown, fmt::join(where, ", ")));
        }
        const std::string replacement = new_str->value_or("");
        std::string updated = *text;
        updated.replace(at[0], needle.size(), replacement);
        if (auto written = workspace_.write_file(path, updated); !written) return error_of(written.error());
        history_.push(path, std::move(*text));
        const auto lines = detail::split_lines(updated);
        const std::size_t first_line = line_of(updated, at[0]);
        const std::size_t last_line = line_of(updated, at[0] + replacement.size());
        const std::size_t from = first_line > kSnippetContext ? first_line - kSnippetContext : 1;
        return {fmt::format("Edited {}: replaced 1 occurrence. Lines {}-{} now read:\n{}", shown, from,
                            std::min(lines.size(), last_line + kSnippetContext),
                            numbered(lines, from, last_line + kSnippetContext)),
                false,
                {}};
    }

    ToolResult insert(const json::object& args, const fs::path& path) {
        auto line = detail::optional_int(args, "insert_line");
        if (!line) return error_of(line.error());
        if (!*line) return ToolResult::error("insert needs the argument \"insert_line\"");
        auto new_str = detail::optional_string(args, "new_str");
        if (!new_str) return error_of(new_str.error());
        if (!*new_str) return ToolResult::error("insert needs the argument \"new_str\"");
        auto text = read_text(path);
        if (!text) return error_of(text.error());
        const std::size_t total = count_lines(*text);
        if (**line < 0 || static_cast<std::size_t>(**line) > total)
            return ToolResult::error(
                fmt::format("insert_line {} is outside 0-{} (the file has {} lines)", **line, total, total));
        const auto after = static_cast<std::size_t>(**line);
        std::size_t offset = 0;
        for (std::size_t i = 0; i < after; ++i) {
            const std::size_t nl = text->find('\n', offset);
            offset = nl == std::string::npos ? text->size() : nl + 1;
        }
        std::string piece = **new_str;
        if (!piece.ends_with('\n')) piece += '\n';
        if (offset == text->size() && !text->empty() && !text->ends_with('\n')) piece.insert(0, "\n");
        std::string updated = *text;
        updated.insert(offset, piece);
        if (auto written = workspace_.write_file(path, updated); !written) return error_of(written.error());
        history_.push(path, std::move(*text));
        const auto lines = detail::split_lines(updated);
        const std::size_t inserted = count_lines(**new_str) == 0 ? 1 : count_lines(**new_str);
        const std::size_t from = after + 1 > kSnippetContext ? after + 1 - kSnippetContext : 1;
        const std::size_t to = after + inserted + kSnippetContext;
        return {fmt::format("Inserted {} line(s) after line {} of {}. Lines {}-{} now read:\n{}", inserted, after,
                            workspace_.relative(path), from, std::min(to, lines.size()), numbered(lines, from, to)),
                false,
                {}};
    }

    ToolResult undo(const fs::path& path) {
        auto previous = history_.pop(path);
        const std::string shown = workspace_.relative(path);
        if (!previous) return ToolResult::error("no edit of " + shown + " to undo");
        if (!*previous) {
            if (auto removed = workspace_.remove_file(path); !removed) return error_of(removed.error());
            return {"Undid the creation of " + shown + ": the file is removed", false, {}};
        }
        if (auto written = workspace_.write_file(path, **previous); !written) return error_of(written.error());
        return {
            fmt::format("Restored {} to its version before the last edit ({} lines)", shown, count_lines(**previous)),
            false,
            {}};
    }

    Workspace workspace_;
    std::mutex mu_;
    EditHistory history_;
};

}  // namespace

Result<std::unique_ptr<Tool>> make_text_editor(const config::ToolConfig& config) {
    auto workspace = Workspace::open(config.working_directory);
    if (!workspace) return std::move(workspace).error();
    return std::unique_ptr<Tool>(std::make_unique<TextEditor>(config, std::move(*workspace)));
}

}  // namespace hector::tools::builtin
