#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>

#include "hector/net/detail/curl_reactor.hpp"

namespace hector::net::detail {

/// Suspends the calling coroutine until the transfer's state version differs from `seen` (read by the caller under
/// the state's lock). If the coroutine's cancellation slot fires meanwhile, the transfer is cancelled through the
/// reactor, which wakes the coroutine at once. Resumes on the coroutine's own executor; never throws by itself.
boost::asio::awaitable<void> await_change(std::shared_ptr<Transfer> transfer, std::shared_ptr<CurlReactor> reactor,
                                          std::uint64_t seen);

}  // namespace hector::net::detail
