#pragma once

#include <string>
#include <string_view>

namespace hector::a2a::detail {

/// s itself when it is valid UTF-8; otherwise a copy with each invalid sequence replaced by U+FFFD. Strings the
/// server builds (model output, tool results) pass through this before they are written as JSON, because
/// Boost.JSON serialises bytes as they are.
std::string to_valid_utf8(std::string_view s);

}  // namespace hector::a2a::detail
