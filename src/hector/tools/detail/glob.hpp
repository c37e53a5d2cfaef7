#pragma once

#include <string>
#include <string_view>

#include "hector/common/result.hpp"

namespace hector::tools::detail {

/// Translates a shell glob into an RE2 pattern matching the whole of a '/'-separated relative path: `*` and `?`
/// stay inside one path segment, `**/` spans any number of directories, `**` anything, `[abc]`/`[!a-z]` are
/// classes, `{a,b}` alternatives (nestable). Translating to RE2 keeps matching linear however the glob is written.
/// Errors (Errc::invalid_argument) for an unclosed `[` or `{`. Pure: thread-safe.
Result<std::string> glob_to_regex(std::string_view glob);

}  // namespace hector::tools::detail
