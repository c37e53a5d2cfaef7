#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hector {

bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view s);
std::string_view trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
/// Splits on sep, trims each piece and drops empty ones.
std::vector<std::string> split_trimmed(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
/// Length of the UTF-8 sequence that starts at s[i] (1..4); 0 when it is invalid (a stray continuation byte, an
/// overlong form, a surrogate, beyond U+10FFFF); -1 when s ends inside it.
int utf8_sequence_length(std::string_view s, std::size_t i);
bool is_valid_utf8(std::string_view s);
/// s with each byte that does not begin a valid UTF-8 sequence replaced by U+FFFD (a sequence cut off by the end
/// counts as invalid), so the text can travel in JSON.
std::string to_valid_utf8(std::string_view s);
/// True when s is 1..max_len printable ASCII characters (0x21..0x7e plus space inside).
bool is_printable_ascii_id(std::string_view s, std::size_t max_len);
/// Percent-decodes a URL path segment or query component; '+' is kept unless plus_as_space.
bool percent_decode(std::string_view in, std::string& out, bool plus_as_space = false);
std::string percent_encode(std::string_view in);

}  // namespace hector
