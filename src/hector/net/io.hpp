#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <exception>
#include <memory>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

namespace hector::net {

namespace asio = boost::asio;

/// The process's I/O threads and the bounded blocking pool where SQLite, libpq, file tools and subprocess waits
/// run. Owned by the composition root; everything else gets references.
///
/// Each I/O thread runs an io_context of its own (the "io_context per core" model): a handler and everything it
/// posts stay on one thread, so the hot path pays no scheduler lock shared between threads and no wake-up of an
/// idle peer for every hand-off. io() is the first of them: timers and background work live there. The HTTP
/// server spreads connections over all of them, and a run executes on the context of the request that started it
/// (TaskManager). Work still crosses contexts wherever it must: executors and strands are thread-safe.
class IoRuntime {
  public:
    IoRuntime(unsigned io_threads, unsigned blocking_threads);
    ~IoRuntime();
    IoRuntime(const IoRuntime&) = delete;
    IoRuntime& operator=(const IoRuntime&) = delete;

    asio::io_context& io() { return *contexts_.front(); }
    /// Every I/O context, io() first; one thread runs each.
    std::vector<asio::io_context*> contexts() const;
    asio::thread_pool& blocking() { return blocking_; }

    /// Starts the I/O threads. The calling thread is not one of them.
    void start();
    /// Stops every io_context and joins every thread (I/O and blocking). Idempotent.
    void stop();

  private:
    // An io_context whose pending handlers can be destroyed before any of the contexts is: a handler of one may
    // own an object bound to another (an HTTP stream on another context's reactor).
    struct Context : asio::io_context {
        using asio::io_context::io_context;
        void shutdown_now() { shutdown(); }
    };
    std::vector<std::unique_ptr<Context>> contexts_;
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work_;
    asio::thread_pool blocking_;
    std::vector<std::thread> threads_;
    bool stopped_ = false;
};

/// The io_context an executor belongs to (also through a strand), or null when it is not an io_context's.
asio::io_context* context_of(const asio::any_io_executor& executor);
/// The same, or `fallback` when it is not an io_context's.
asio::io_context& context_of(const asio::any_io_executor& executor, asio::io_context& fallback);

/// Round-robin over a fixed list of io_contexts (falling back to one when the list is empty). Thread-safe.
class ContextPicker {
  public:
    ContextPicker(asio::io_context& fallback, std::vector<asio::io_context*> contexts)
        : fallback_(fallback), contexts_(std::move(contexts)) {}
    asio::io_context& next();

  private:
    asio::io_context& fallback_;
    std::vector<asio::io_context*> contexts_;
    std::atomic<std::size_t> next_{0};
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
