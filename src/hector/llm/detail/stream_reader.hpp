#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string_view>

#include "hector/common/result.hpp"
#include "hector/net/sse_parser.hpp"

namespace hector::net {
class HttpStream;
}

/// Reading a provider's streamed body (SSE or NDJSON) event by event. Runs on the awaiting coroutine; a cancel
/// of that coroutine aborts the transfer and ends the read with Errc::cancelled.
namespace hector::llm::detail {

/// Handles one event: true to keep reading, false when the provider marked the end of its answer, or an error
/// that ends the read.
using SseHandler = std::function<Result<bool>(const net::SseEvent&)>;
using LineHandler = std::function<Result<bool>(std::string_view line)>;

/// Feeds the body through an SseParser until the handler says the answer is complete or the body ends. A body
/// that ends in the middle of an event is an Errc::upstream_error naming the provider.
boost::asio::awaitable<Status> read_sse(net::HttpStream& stream, std::string_view provider, const SseHandler& handler);

/// Feeds the body through an NdjsonSplitter, one line at a time, with the same contract as read_sse (a last line
/// without a newline is handled too).
boost::asio::awaitable<Status> read_ndjson(net::HttpStream& stream, std::string_view provider,
                                           const LineHandler& handler);

}  // namespace hector::llm::detail
