#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "hector/store/task_store.hpp"

namespace hector::tasks {

/// One event of a task's log as fanned out to subscribers: the A2A event object already serialised once.
struct Event {
    std::int64_t seq = 0;
    store::TaskEvent::Kind kind = store::TaskEvent::Kind::status;
    bool final = false;
    bool interrupted = false;  // a final status that waits on the client (input-required, auth-required)
    std::shared_ptr<const std::string> payload;
};

/// A bounded queue of events for one subscriber (an SSE stream, a blocking send). The producer never waits:
/// when the queue is full the subscriber is dropped (its stream ends), never the task (DECISIONS 27).
/// Thread-safe: the task's producer pushes from any thread; one consumer awaits next().
class Subscription {
  public:
    /// `finals_only`: the subscriber waits for the end (a blocking send), so only the final event is queued; the
    /// events before it neither wake it nor fill its queue.
    Subscription(boost::asio::any_io_executor executor, std::size_t capacity, bool finals_only = false);

    /// Producer side. False when the subscriber was dropped (overflow) or closed.
    bool push(Event event);
    /// Ends the stream after the events already queued.
    void close();
    /// Consumer side: stop receiving now (the client went away). The producer drops this subscriber on its next
    /// event.
    void detach() { channel_.close(); }

    struct Next {
        enum class Kind { event, timeout, closed };
        Kind kind = Kind::closed;
        Event event;
    };
    /// Waits up to `wait` for the next event. `closed` once the stream ended (after the final event, on overflow,
    /// on shutdown).
    boost::asio::awaitable<Next> next(std::chrono::milliseconds wait);
    /// Waits for the next event with no timer of its own, for a consumer whose wait the producer bounds: a blocking
    /// send's run ends by its deadline (queue.task_timeout) and shutdown closes every stream. Never `timeout`.
    boost::asio::awaitable<Next> next();
    /// The next event if one is queued now, without waiting: `timeout` when none is.
    Next try_next();
    bool overflowed() const { return overflowed_.load(); }

  private:
    /// An event taken from the channel: the end-of-stream marker closes it (kind closed), anything else is `event`.
    Next received(Event event);

    using Channel = boost::asio::experimental::concurrent_channel<void(boost::system::error_code, Event)>;
    Channel channel_;
    std::atomic<bool> overflowed_{false};
    const bool finals_only_;
};

}  // namespace hector::tasks
