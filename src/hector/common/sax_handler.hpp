#pragma once

// What every Boost.JSON basic_parser handler of the project declares.

#include <boost/json/basic_parser.hpp>

#include <cstddef>

namespace hector {

/// Base of a basic_parser handler: no size limits of the parser's own (the request body limit and the nesting
/// limit bound what it reads) and the types its callbacks take.
struct SaxHandlerBase {
    static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
    using string_view = boost::json::string_view;
    using error_code = boost::system::error_code;
};

}  // namespace hector
