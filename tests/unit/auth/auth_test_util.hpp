#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <exception>
#include <optional>
#include <string>

#include "hector/common/encoding.hpp"
#include "hector/net/io.hpp"

namespace hector::auth::testing {

namespace asio = boost::asio;
namespace json = boost::json;

/// Runs an awaitable to completion on a private io_context; rethrows what it threw.
template <class T>
T sync(asio::awaitable<T> a) {
    return hector::net::run_to_completion(std::move(a));
}

/// The decoded JSON of segment `index` (0 header, 1 claims) of a compact JWS.
inline json::object segment(const std::string& token, int index) {
    std::size_t start = 0;
    for (int i = 0; i < index; ++i) start = token.find('.', start) + 1;
    auto end = token.find('.', start);
    auto bytes = base64_decode(token.substr(start, end - start));
    return json::parse(bytes.value_or("{}")).as_object();
}

/// The token with segment `index` replaced by base64url(JSON of `value`).
inline std::string replace_segment(const std::string& token, int index, const json::object& value) {
    auto first = token.find('.');
    auto second = token.find('.', first + 1);
    std::string encoded = base64url_encode(json::serialize(value));
    if (index == 0) return encoded + token.substr(first);
    return token.substr(0, first + 1) + encoded + token.substr(second);
}

}  // namespace hector::auth::testing
