#include "hector/llm/detail/stream_reader.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <cstdint>

#include <string>
#include <vector>

#include "hector/net/http_client.hpp"
#include "hector/net/ndjson_splitter.hpp"

namespace hector::llm::detail {

namespace asio = boost::asio;

namespace {

// Events handled between two yields to the executor. A run and the streams that carry its events often share one
// I/O thread: a model that sends thousands of chunks at once would otherwise fill a subscriber's queue (1,024
// events) before its writer ran once, and the subscriber would be dropped as if it were slow (DECISIONS 27).
constexpr int kEventsPerTurn = 64;

asio::awaitable<void> yield_turn() {
    const auto executor = co_await asio::this_coro::executor;
    co_await asio::post(executor, asio::use_awaitable);
}

}  // namespace

asio::awaitable<Status> read_sse(net::HttpStream& stream, std::string_view provider, const SseHandler& handler) {
    net::SseParser parser;
    std::vector<net::SseEvent> events;
    std::uint64_t handled = 0;
    for (;;) {
        auto chunk = co_await stream.next();
        if (!chunk) co_return std::move(chunk).error();
        if (!chunk->has_value()) break;
        events.clear();
        if (auto st = parser.feed(**chunk, events); !st)
            co_return Error{Errc::upstream_error, fmt::format("{}: {}", provider, st.error().message)};
        for (const auto& ev : events) {
            auto more = handler(ev);
            if (!more) co_return std::move(more).error();
            if (!*more) co_return Status{};
            if (++handled % kEventsPerTurn == 0) co_await yield_turn();
        }
    }
    if (parser.has_partial_event())
        co_return Error{Errc::upstream_error, fmt::format("{}: the stream ended in the middle of an event", provider)};
    co_return Status{};
}

asio::awaitable<Status> read_ndjson(net::HttpStream& stream, std::string_view provider, const LineHandler& handler) {
    net::NdjsonSplitter splitter;
    std::vector<std::string> lines;
    std::uint64_t handled = 0;
    for (;;) {
        auto chunk = co_await stream.next();
        if (!chunk) co_return std::move(chunk).error();
        if (!chunk->has_value()) break;
        lines.clear();
        if (auto st = splitter.feed(**chunk, lines); !st)
            co_return Error{Errc::upstream_error, fmt::format("{}: {}", provider, st.error().message)};
        for (const auto& line : lines) {
            auto more = handler(line);
            if (!more) co_return std::move(more).error();
            if (!*more) co_return Status{};
            if (++handled % kEventsPerTurn == 0) co_await yield_turn();
        }
    }
    if (auto last = splitter.finish()) {
        auto more = handler(*last);
        if (!more) co_return std::move(more).error();
    }
    co_return Status{};
}

}  // namespace hector::llm::detail
