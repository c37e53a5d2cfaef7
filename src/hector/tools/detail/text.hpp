#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "hector/common/strings.hpp"

/// Text helpers shared by the built-in tools. Pure functions: thread-safe.
namespace hector::tools::detail {

/// Each invalid UTF-8 byte replaced by U+FFFD, so process output and fetched bodies can travel in JSON.
using hector::to_valid_utf8;

/// Length of the longest prefix of `s` that does not end inside a UTF-8 sequence (chunked streams keep the rest
/// for the next chunk). At most 3 bytes are held back.
std::size_t complete_utf8_prefix(std::string_view s);

/// The lines of `text`, split at '\n' ('\n' not included; a final newline adds no empty line).
std::vector<std::string_view> split_lines(std::string_view text);

/// Appends one `cat -n` style line: the 1-based number right-aligned in 6 columns, a tab, the line, '\n'.
void append_numbered(std::string& out, std::size_t number, std::string_view line);

/// The marker truncate_output appends when `dropped` bytes were cut ("…[truncated N chars]").
std::string truncation_marker(std::size_t dropped);

/// `kept` (already at most `limit` bytes, cut on a UTF-8 boundary) followed by the marker when `total` > its size.
std::string with_truncation_marker(std::string kept, std::size_t total);

}  // namespace hector::tools::detail
