#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <optional>
#include "hector/net/io.hpp"

namespace hector::ratelimit::testing {

/// Runs an awaitable to completion on a private io_context; rethrows what it threw.
template <class T>
T sync(boost::asio::awaitable<T> a) {
    return hector::net::run_to_completion(std::move(a));
}

}  // namespace hector::ratelimit::testing
