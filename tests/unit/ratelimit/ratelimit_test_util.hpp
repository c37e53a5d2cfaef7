#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <optional>

namespace hector::ratelimit::testing {

/// Runs an awaitable to completion on a private io_context; rethrows what it threw.
template <class T>
T sync(boost::asio::awaitable<T> a) {
    boost::asio::io_context io;
    std::optional<T> out;
    std::exception_ptr error;
    boost::asio::co_spawn(
        io, [&]() -> boost::asio::awaitable<void> { out.emplace(co_await std::move(a)); },
        [&](std::exception_ptr e) { error = e; });
    io.run();
    if (error) std::rethrow_exception(error);
    return std::move(*out);
}

}  // namespace hector::ratelimit::testing
