#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hector::a2a::detail {

/// The source text of the top-level "id" member when it is a number (the last one when the key repeats, as
/// Boost.JSON keeps the last), else empty. Boost.JSON stores integers beyond 64 bits as doubles; this text is what
/// lets such an id be echoed exactly. body must already have parsed successfully with the same max_depth.
std::string raw_id_number(std::string_view body, std::size_t max_depth);

/// True for an optional '-' followed by digits only: an integer literal, however large.
bool is_integer_literal(std::string_view text);

}  // namespace hector::a2a::detail
