#pragma once

#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "hector/common/result.hpp"

namespace hector {

namespace json = boost::json;

inline constexpr std::size_t kDefaultJsonDepth = 64;
/// For JSON the server wrote itself and reads back (stored rows, its own codec output): deep enough for anything an
/// accepted request could carry (server.limits.max_json_depth) inside the server's own wrapping.
inline constexpr std::size_t kOwnJsonDepth = 1024;

/// Parses text as one JSON value, refusing nesting deeper than max_depth, invalid UTF-8 and trailing data.
/// Errors are Errc::parse_error with the parser's reason.
Result<json::value> parse_json(std::string_view text, std::size_t max_depth = kDefaultJsonDepth);

/// The value's JSON text. Strings and keys that are not valid UTF-8 (a json::value built from raw bytes: tool
/// output, a model's text) are written with U+FFFD in place of the bad bytes, so the text always parses back.
std::string to_json(const json::value& v);
std::string to_json(const json::object& o);
/// Whether every string and key in v is valid UTF-8 (always so for a value parsed from text).
bool has_valid_utf8(const json::value& v);
/// v with U+FFFD in place of the bytes of its strings and keys that are not valid UTF-8.
json::value with_valid_utf8(const json::value& v);
/// Indented with two spaces, ending in a newline (CLI output).
std::string to_pretty_json(const json::value& v);

/// Field accessors that tolerate absence and wrong types (returning nullopt / nullptr).
const json::value* find(const json::object& o, std::string_view key);
/// Looks up key, then alt (snake_case aliases and the like).
const json::value* find_any(const json::object& o, std::string_view key, std::string_view alt);
std::optional<std::string_view> get_string(const json::object& o, std::string_view key);
std::optional<bool> get_bool(const json::object& o, std::string_view key);
std::optional<std::int64_t> get_int(const json::object& o, std::string_view key);
const json::object* get_object(const json::object& o, std::string_view key);
const json::array* get_array(const json::object& o, std::string_view key);

inline std::string_view sv(const json::string& s) {
    return {s.data(), s.size()};
}

}  // namespace hector
