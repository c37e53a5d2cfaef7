#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "hector/net/http_client.hpp"
#include "unit/net/test_peer.hpp"

namespace hector::net {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using testing::eventually;
using testing::TestPeer;

HttpRequest get(std::string url) {
    HttpRequest r;
    r.url = std::move(url);
    return r;
}

using StreamResult = Result<std::unique_ptr<HttpStream>>;
using Chunk = Result<std::optional<std::string>>;

/// Reads a stream to its end: the pieces in arrival order, or the error that ended it.
struct Drained {
    std::vector<std::string> pieces;
    std::optional<Error> error;
    std::string joined() const {
        std::string all;
        for (const auto& p : pieces) all += p;
        return all;
    }
};

asio::awaitable<Drained> drain(HttpStream& stream) {
    Drained out;
    for (;;) {
        auto chunk = co_await stream.next();
        if (!chunk) {
            out.error = chunk.error();
            co_return out;
        }
        if (!*chunk) co_return out;
        EXPECT_FALSE((*chunk)->empty());
        out.pieces.push_back(std::move(**chunk));
    }
}

// Every test runs twice: with the client's reactor thread, and with reactors on the callers' contexts.
class HttpStreamTest : public ::testing::TestWithParam<bool> {
  protected:
    TestPeer peer;
    HttpClient client{
        testing::client_settings(peer, GetParam())};  // last: destroyed before the peer's I/O threads stop
};

TEST_P(HttpStreamTest, ChunksArriveInOrderAsTheyAreSent) {
    auto drained = testing::run(peer.io(), [&]() -> asio::awaitable<Result<Drained>> {
        auto stream = co_await client.open(get(peer.url("/stream10")));
        if (!stream) co_return stream.error();
        EXPECT_EQ((*stream)->status(), 200);
        EXPECT_EQ((*stream)->header("content-type"), "text/plain");
        co_return co_await drain(**stream);
    }());
    ASSERT_TRUE(drained.ok()) << drained.error().message;
    ASSERT_FALSE(drained->error) << drained->error->message;
    std::string expected;
    for (int i = 0; i < 10; ++i) expected += "chunk-" + std::to_string(i) + "\n";
    EXPECT_EQ(drained->joined(), expected);
    EXPECT_GE(drained->pieces.size(), 3u) << "the body should arrive piece by piece, not in one block";
}

TEST_P(HttpStreamTest, ErrorStatusStillStreamsTheBody) {
    auto drained = testing::run(peer.io(), [&]() -> asio::awaitable<Result<Drained>> {
        auto stream = co_await client.open(get(peer.url("/status/500")));
        if (!stream) co_return stream.error();
        EXPECT_EQ((*stream)->status(), 500);
        co_return co_await drain(**stream);
    }());
    ASSERT_TRUE(drained.ok()) << drained.error().message;
    EXPECT_EQ(drained->joined(), "status body");
}

TEST_P(HttpStreamTest, AnEmptyBodyEndsAtOnce) {
    auto drained = testing::run(peer.io(), [&]() -> asio::awaitable<Result<Drained>> {
        auto stream = co_await client.open(get(peer.url("/status/204")));
        if (!stream) co_return stream.error();
        EXPECT_EQ((*stream)->status(), 204);
        co_return co_await drain(**stream);
    }());
    ASSERT_TRUE(drained.ok()) << drained.error().message;
    EXPECT_FALSE(drained->error);
    EXPECT_TRUE(drained->pieces.empty());
}

TEST_P(HttpStreamTest, OpenCompletesAtTheHeadersAndIdleTimeoutEndsASilentStream) {
    struct Outcome {
        std::chrono::steady_clock::duration open_took{};
        std::string first;
        Chunk second = Error{};
        std::chrono::steady_clock::duration until_error{};  // from the start of open()
    };
    auto outcome = testing::run(peer.io(), [&]() -> asio::awaitable<Result<Outcome>> {
        Outcome o;
        HttpRequest req = get(peer.url("/silent-stream"));
        req.idle_timeout = 300ms;
        auto t0 = std::chrono::steady_clock::now();
        auto stream = co_await client.open(req);
        if (!stream) co_return stream.error();
        o.open_took = std::chrono::steady_clock::now() - t0;
        while (o.first.size() < 6) {
            auto chunk = co_await (*stream)->next();
            if (!chunk || !*chunk) co_return Error{Errc::internal, "stream ended early"};
            o.first += **chunk;
        }
        o.second = co_await (*stream)->next();
        o.until_error = std::chrono::steady_clock::now() - t0;
        co_return o;
    }());
    ASSERT_TRUE(outcome.ok()) << outcome.error().message;
    EXPECT_LT(outcome->open_took, 2s);
    EXPECT_EQ(outcome->first, "hello\n");
    ASSERT_FALSE(outcome->second.ok());
    EXPECT_EQ(outcome->second.error().code, Errc::timeout);
    EXPECT_NE(outcome->second.error().message.find("idle timeout"), std::string::npos);
    EXPECT_GE(outcome->until_error, 300ms);  // the last byte came after open() began
    EXPECT_LT(outcome->until_error, 3s);
    EXPECT_TRUE(eventually([&] { return client.in_flight() == 0; }));
}

TEST_P(HttpStreamTest, CancellationSlotAbortsAStreamAndTheServerSeesTheClose) {
    asio::cancellation_signal signal;
    auto strand = asio::make_strand(peer.io());
    std::atomic<int> received{0};
    auto future = testing::spawn(
        strand,
        [&]() -> asio::awaitable<Chunk> {
            auto stream = co_await client.open(get(peer.url("/forever")));
            if (!stream) co_return stream.error();
            for (;;) {
                auto chunk = co_await (*stream)->next();
                if (!chunk || !*chunk) co_return chunk;
                ++received;
            }
        },
        asio::bind_cancellation_slot(signal.slot(), asio::use_future));
    ASSERT_TRUE(eventually([&] { return received.load() >= 3; }));
    // Runs on the strand, so only while the coroutine is suspended inside next().
    asio::post(strand, [&] { signal.emit(asio::cancellation_type::terminal); });
    auto last = testing::wait_for(future);
    ASSERT_FALSE(last.ok());
    EXPECT_EQ(last.error().code, Errc::cancelled);
    EXPECT_TRUE(eventually([&] { return peer.state().forever_closed.load() == 1; }))
        << "the server kept writing into a live connection";
    EXPECT_TRUE(eventually([&] { return client.in_flight() == 0; }));
}

TEST_P(HttpStreamTest, CancellationSlotAbortsAnOpenWaitingForHeaders) {
    asio::cancellation_signal signal;
    auto strand = asio::make_strand(peer.io());
    std::atomic<bool> awaiting{false};
    auto future = testing::spawn(
        strand,
        [&]() -> asio::awaitable<StreamResult> {
            awaiting = true;
            co_return co_await client.open(get(peer.url("/silent")));
        },
        asio::bind_cancellation_slot(signal.slot(), asio::use_future));
    ASSERT_TRUE(eventually([&] { return awaiting.load(); }));
    asio::post(strand, [&] { signal.emit(asio::cancellation_type::terminal); });
    auto r = testing::wait_for(future, 2s);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::cancelled);
    EXPECT_TRUE(eventually([&] { return client.in_flight() == 0; }));
}

TEST_P(HttpStreamTest, DestroyingTheStreamAbortsTheTransfer) {
    auto read = testing::run(peer.io(), [&]() -> asio::awaitable<Result<std::string>> {
        auto stream = co_await client.open(get(peer.url("/forever")));
        if (!stream) co_return stream.error();
        auto chunk = co_await (*stream)->next();
        if (!chunk || !*chunk) co_return Error{Errc::internal, "no first chunk"};
        co_return std::move(**chunk);  // the stream is destroyed here, mid-body
    }());
    ASSERT_TRUE(read.ok()) << read.error().message;
    EXPECT_TRUE(read->starts_with("tick\n"));
    EXPECT_TRUE(eventually([&] { return peer.state().forever_closed.load() == 1; }));
    EXPECT_TRUE(eventually([&] { return client.in_flight() == 0; }));
}

TEST_P(HttpStreamTest, CancelFromAnotherThreadWakesAPendingNext) {
    std::atomic<HttpStream*> shared{nullptr};
    std::atomic<int> received{0};
    auto future = testing::spawn(
        peer.io(),
        [&]() -> asio::awaitable<Chunk> {
            auto stream = co_await client.open(get(peer.url("/forever")));
            if (!stream) co_return stream.error();
            shared = stream->get();
            for (;;) {
                auto chunk = co_await (*stream)->next();
                if (!chunk || !*chunk) {
                    shared = nullptr;
                    co_return chunk;
                }
                ++received;
            }
        },
        asio::use_future);
    ASSERT_TRUE(eventually([&] { return received.load() >= 2; }));
    shared.load()->cancel();
    auto last = testing::wait_for(future);
    ASSERT_FALSE(last.ok());
    EXPECT_EQ(last.error().code, Errc::cancelled);
    EXPECT_TRUE(eventually([&] { return peer.state().forever_closed.load() == 1; }));
}

TEST_P(HttpStreamTest, SlowConsumerPausesTheTransferAndLosesNothing) {
    struct Outcome {
        std::uint64_t written_while_stalled = 0;
        std::uint64_t total = 0;
        bool in_order = true;
        std::optional<Error> error;
    };
    auto outcome = testing::run(
        peer.io(),
        [&]() -> asio::awaitable<Result<Outcome>> {
            Outcome o;
            HttpRequest req = get(peer.url("/bulk"));
            req.max_response_bytes = 2 * testing::kBulkBytes;
            req.idle_timeout = 200ms;  // a pause caused by the consumer is not server silence
            auto stream = co_await client.open(req);
            if (!stream) co_return stream.error();
            auto check = [&](const std::string& data) {
                for (std::size_t i = 0; i < data.size(); i += 4096) {
                    const std::uint64_t at = o.total + i;
                    o.in_order &= data[i] == static_cast<char>('a' + (at / testing::kBulkChunk) % 26);
                }
                o.total += data.size();
            };
            auto first = co_await (*stream)->next();
            if (!first || !*first) co_return Error{Errc::internal, "no first chunk"};
            check(**first);
            asio::steady_timer stall(co_await asio::this_coro::executor, 600ms);
            co_await stall.async_wait(asio::as_tuple(asio::use_awaitable));
            o.written_while_stalled = peer.state().bulk_written.load();
            for (;;) {
                auto chunk = co_await (*stream)->next();
                if (!chunk) {
                    o.error = chunk.error();
                    break;
                }
                if (!*chunk) break;
                check(**chunk);
            }
            co_return o;
        }(),
        15s);
    ASSERT_TRUE(outcome.ok()) << outcome.error().message;
    ASSERT_FALSE(outcome->error) << outcome->error->message;
    // Without back-pressure the client would have swallowed the whole body during the stall; with it, the
    // server is held back by what the kernel's socket buffers absorb (well under the 64 MiB body).
    EXPECT_LT(outcome->written_while_stalled, testing::kBulkBytes);
    EXPECT_EQ(outcome->total, testing::kBulkBytes);
    EXPECT_TRUE(outcome->in_order);
}

TEST_P(HttpStreamTest, StreamOverLimitEndsWithPayloadTooLarge) {
    auto drained = testing::run(peer.io(), [&]() -> asio::awaitable<Result<Drained>> {
        HttpRequest req = get(peer.url("/big-stream/300000"));
        req.max_response_bytes = 100000;
        auto stream = co_await client.open(req);
        if (!stream) co_return stream.error();
        co_return co_await drain(**stream);
    }());
    ASSERT_TRUE(drained.ok()) << drained.error().message;
    ASSERT_TRUE(drained->error);
    EXPECT_EQ(drained->error->code, Errc::payload_too_large);
    EXPECT_LE(drained->joined().size(), 100000u);
}

TEST_P(HttpStreamTest, RestrictPrivateAppliesToStreams) {
    auto r = testing::run(peer.io(), [&]() -> asio::awaitable<StreamResult> {
        HttpRequest req = get(peer.url("/forever"));
        req.restrict_private = true;
        co_return co_await client.open(req);
    }());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::forbidden);
}

INSTANTIATE_TEST_SUITE_P(Reactors, HttpStreamTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "OnContexts" : "Threaded"; });

}  // namespace
}  // namespace hector::net
