#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hector/common/result.hpp"

/// Unified diffs (`diff -u`, `git diff`): parsing and applying to in-memory text. Pure functions: thread-safe.
namespace hector::tools::detail {

struct HunkLine {
    char kind = ' ';  // ' ' context, '-' removed, '+' added
    std::string text;
};

struct Hunk {
    std::size_t old_start = 0;
    std::size_t old_count = 0;
    std::size_t new_start = 0;
    std::size_t new_count = 0;
    std::string header;  // "@@ -1,3 +1,4 @@", for messages
    std::vector<HunkLine> lines;
    bool new_no_newline = false;  // "\ No newline at end of file" after the new side's last line
};

/// One file's section. A path is empty for /dev/null (creation or deletion); git's a/ and b/ prefixes are removed.
struct FilePatch {
    std::string old_path;
    std::string new_path;
    std::vector<Hunk> hunks;

    const std::string& path() const { return new_path.empty() ? old_path : new_path; }
};

/// Parses every file section of a unified diff; text between sections (diff --git, index, mode lines, prose) is
/// skipped. Hunk bodies are read by the counts in their headers. Errors (Errc::invalid_argument) name the file and
/// the hunk: truncated hunks, unexpected lines, binary patches, a patch with no file section.
Result<std::vector<FilePatch>> parse_unified_diff(std::string_view patch);

/// Applies the hunks of `file` to `original` (nullopt: the file does not exist). Each hunk's context and removed
/// lines must match: first exactly, then ignoring trailing whitespace; near its header's line number first, then
/// anywhere after the previous hunk. The result is nullopt when the patch deletes the file. Errors name the hunk.
Result<std::optional<std::string>> apply_file_patch(const std::optional<std::string>& original, const FilePatch& file);

}  // namespace hector::tools::detail
