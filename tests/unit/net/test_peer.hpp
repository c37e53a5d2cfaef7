#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "hector/http/server.hpp"
#include "hector/net/http_client.hpp"
#include "hector/net/io.hpp"

namespace hector::net::testing {

/// What the peer's handlers observed, for assertions on the server side.
struct PeerState {
    std::atomic<int> forever_closed{0};          // /forever saw a write fail (the client went away)
    std::atomic<int> counted_hits{0};            // requests that reached /counted
    std::atomic<std::uint64_t> bulk_written{0};  // bytes /bulk has written so far
    std::atomic<bool> stopping{false};           // the peer is shutting down: sleeping handlers return
};

inline constexpr std::uint64_t kBulkBytes = 64ull * 1024 * 1024;
inline constexpr std::size_t kBulkChunk = 64 * 1024;

/// Our own HTTP server on 127.0.0.1:<ephemeral> with the routes the client tests need, run by two I/O threads:
///   GET /json                  {"ok":true}
///   ANY /echo                  {"method","headers"(lower-case names),"body"}
///   GET /status/{code}         that status; 429 carries Retry-After: 7
///   GET /stream10              10 chunks "chunk-<i>\n", 20 ms apart
///   GET /forever               "tick\n" every 10 ms until a write fails (→ forever_closed), at most 30 s
///   GET /silent                answers after 5 s
///   GET /silent-stream         "hello\n", then 5 s of silence
///   GET /big/{n}               n bytes with Content-Length
///   GET /big-stream/{n}        n bytes streamed in 16 KiB chunks, no Content-Length
///   GET /bulk                  kBulkBytes streamed as fast as the client takes them (counts bulk_written)
///   GET /redirect              302 → /json;  GET /redirect-loop  302 → itself
///   GET /counted               counts counted_hits
class TestPeer {
  public:
    TestPeer();
    ~TestPeer();

    std::string url(std::string_view path) const;
    boost::asio::io_context& io() { return runtime_.io(); }
    /// The peer's I/O contexts (io() first), each run by one thread.
    std::vector<boost::asio::io_context*> contexts() const { return runtime_.contexts(); }
    std::uint16_t port() const { return port_; }
    PeerState& state() { return *state_; }

  private:
    IoRuntime runtime_;
    std::shared_ptr<PeerState> state_;
    std::unique_ptr<http::Server> server_;
    std::uint16_t port_ = 0;
};

/// The client under test: with `on_contexts`, it drives requests made from the peer's contexts (as the tests make
/// them) on those contexts' own reactors; without, on its reactor thread.
inline HttpClientSettings client_settings(const TestPeer& peer, bool on_contexts) {
    HttpClientSettings s;
    if (on_contexts) s.contexts = peer.contexts();
    return s;
}

/// A port on 127.0.0.1 with nothing listening (bound and released).
std::uint16_t unused_port();

// Asio 1.81's co_spawn builds a T() on its exception path, and Result<T> has no default constructor: spawn the
// coroutine as one returning std::optional<T>.
template <class T>
boost::asio::awaitable<std::optional<T>> as_optional(boost::asio::awaitable<T> coroutine) {
    co_return co_await std::move(coroutine);
}

template <class F>
auto call_as_optional(F f) -> boost::asio::awaitable<std::optional<typename decltype(f())::value_type>> {
    co_return co_await f();  // f lives in this frame, so a lambda's captures outlive its coroutine
}

/// co_spawn for a coroutine, or for a callable returning one, whose result may not be default-constructible.
template <class Executor, class T, class Token>
auto spawn(Executor&& ex, boost::asio::awaitable<T> coroutine, Token&& token) {
    return boost::asio::co_spawn(ex, as_optional(std::move(coroutine)), std::forward<Token>(token));
}
template <class Executor, class F, class Token>
requires std::invocable<F&>
auto spawn(Executor&& ex, F f, Token&& token) {
    return boost::asio::co_spawn(ex, call_as_optional(std::move(f)), std::forward<Token>(token));
}

/// Waits for a spawned coroutine's result, failing the test with an exception instead of hanging.
template <class T>
T wait_for(std::future<std::optional<T>>& future, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    if (future.wait_for(limit) != std::future_status::ready) throw std::runtime_error("timed out waiting for a result");
    std::optional<T> result = future.get();
    if (!result) throw std::runtime_error("the coroutine produced no result");
    return std::move(*result);
}

/// Runs a coroutine on io and waits for its result.
template <class T>
T run(boost::asio::io_context& io, boost::asio::awaitable<T> coroutine,
      std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    auto future = spawn(io, std::move(coroutine), boost::asio::use_future);
    return wait_for(future, limit);
}

/// Polls until pred() holds; false after the limit.
bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds limit = std::chrono::seconds(5));

}  // namespace hector::net::testing
