#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

namespace hector::net {

namespace asio = boost::asio;

/// The process's I/O threads (one io_context run by N threads) and the bounded blocking pool where SQLite, libpq,
/// file tools and subprocess waits run. Owned by the composition root; everything else gets references.
class IoRuntime {
  public:
    IoRuntime(unsigned io_threads, unsigned blocking_threads);
    ~IoRuntime();
    IoRuntime(const IoRuntime&) = delete;
    IoRuntime& operator=(const IoRuntime&) = delete;

    asio::io_context& io() { return io_; }
    asio::thread_pool& blocking() { return blocking_; }

    /// Starts the I/O threads. The calling thread is not one of them.
    void start();
    /// Stops the io_context and joins every thread (I/O and blocking). Idempotent.
    void stop();

  private:
    unsigned io_threads_;
    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> work_;
    asio::thread_pool blocking_;
    std::vector<std::thread> threads_;
    bool stopped_ = false;
};

/// Awaits `a` with throw_if_cancelled off for its awaitable thread. Wrap a coroutine given to co_spawn together
/// with a cancellation slot: Boost 1.81's co_spawn re-checks cancellation after the coroutine finished, and a
/// cancel arriving in that window would otherwise throw out of the executor's thread and terminate the process.
/// Cancelled operations inside `a` still complete with operation_aborted.
template <class T>
asio::awaitable<T> cancel_safe(asio::awaitable<T> a) {
    co_await asio::this_coro::throw_if_cancelled(false);
    co_return co_await std::move(a);
}

/// Blocking: runs `a` to completion on a private io_context on the calling thread and returns its result,
/// rethrowing what it threw. For start-up code and tests; never call it on an I/O thread.
template <class T>
T run_to_completion(asio::awaitable<T> a) {
    asio::io_context io;
    std::optional<T> out;
    std::exception_ptr error;
    asio::co_spawn(
        io, [&]() -> asio::awaitable<void> { out.emplace(co_await std::move(a)); },
        [&](std::exception_ptr e) { error = e; });
    io.run();
    if (error) std::rethrow_exception(error);
    return std::move(*out);
}

/// Runs f on the blocking pool and resumes the awaiting coroutine on its own executor with the result.

/// Exceptions thrown by f are rethrown in the awaiting coroutine. The call itself cannot be cancelled (blocking
/// work has no cancellation point), so no cancellation slot is passed into the pool.
namespace detail {
// The function travels as a coroutine parameter, so it lives in the coroutine frame. (A capturing coroutine
// lambda would leave the frame pointing at a lambda object that dies before the coroutine runs.)
// Names the calling pool thread "hector-blocking" (for top -H and profilers), once per thread.
void name_blocking_thread();
template <class F>
asio::awaitable<std::invoke_result_t<F>> invoke_coroutine(F fn) {
    name_blocking_thread();
    co_return fn();
}
}  // namespace detail

template <class F>
auto run_blocking(asio::thread_pool& pool, F f) -> asio::awaitable<std::invoke_result_t<F>> {
    co_return co_await asio::co_spawn(pool, detail::invoke_coroutine(std::move(f)),
                                      asio::bind_cancellation_slot(asio::cancellation_slot(), asio::use_awaitable));
}

unsigned default_io_threads();

}  // namespace hector::net
