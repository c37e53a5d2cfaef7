#include "hector/llm/detail/stream_reader.hpp"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "hector/net/http_client.hpp"
#include "hector/net/ndjson_splitter.hpp"

namespace hector::llm::detail {

namespace asio = boost::asio;

asio::awaitable<Status> read_sse(net::HttpStream& stream, std::string_view provider, const SseHandler& handler) {
    net::SseParser parser;
    std::vector<net::SseEvent> events;
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
        }
    }
    if (parser.has_partial_event())
        co_return Error{Errc::upstream_error, fmt::format("{}: the stream ended in the middle of an event", provider)};
    co_return Status{};
}

asio::awaitable<Status> read_ndjson(net::HttpStream& stream, std::string_view provider, const LineHandler& handler) {
    net::NdjsonSplitter splitter;
    std::vector<std::string> lines;
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
        }
    }
    if (auto last = splitter.finish()) {
        auto more = handler(*last);
        if (!more) co_return std::move(more).error();
    }
    co_return Status{};
}

}  // namespace hector::llm::detail
