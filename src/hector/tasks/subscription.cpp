#include "hector/tasks/subscription.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/channel_error.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <optional>

namespace hector::tasks {

namespace asio = boost::asio;

namespace {
// Marks the end of a stream inside the channel: closing the channel itself would drop queued events.
constexpr std::int64_t kEndOfStream = -1;
}  // namespace

Subscription::Subscription(asio::any_io_executor executor, std::size_t capacity, bool finals_only)
    : channel_(executor, capacity), finals_only_(finals_only) {}

bool Subscription::push(Event event) {
    if (finals_only_ && !event.final) return true;  // first: is_open() takes the channel's lock
    if (!channel_.is_open()) return false;
    if (channel_.try_send(boost::system::error_code{}, std::move(event))) return true;
    // Full: this subscriber cannot keep up. Drop it; the task goes on.
    overflowed_ = true;
    channel_.close();
    return false;
}

void Subscription::close() {
    if (!channel_.is_open()) return;
    Event end;
    end.seq = kEndOfStream;
    if (!channel_.try_send(boost::system::error_code{}, std::move(end))) channel_.close();
}

Subscription::Next Subscription::received(Event event) {
    Next out;
    if (event.seq == kEndOfStream) {
        channel_.close();
        return out;
    }
    out.kind = Next::Kind::event;
    out.event = std::move(event);
    return out;
}

Subscription::Next Subscription::try_next() {
    // The event is looked at after try_receive returns: the channel must not be closed from inside its handler.
    std::optional<Event> got;
    bool closed = false;
    channel_.try_receive([&](boost::system::error_code ec, Event event) {
        if (ec)
            closed = true;
        else
            got = std::move(event);
    });
    if (got) return received(std::move(*got));
    Next out;
    if (!closed) out.kind = Next::Kind::timeout;
    return out;
}

asio::awaitable<Subscription::Next> Subscription::next() {
    if (auto ready = try_next(); ready.kind != Next::Kind::timeout) co_return ready;
    auto [ec, event] = co_await channel_.async_receive(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return Next{};  // closed
    co_return received(std::move(event));
}

asio::awaitable<Subscription::Next> Subscription::next(std::chrono::milliseconds wait) {
    asio::steady_timer timer(co_await asio::this_coro::executor, wait);
    // Both results are inspected: an event that arrived while the timer fired is still delivered, never lost.
    auto [order, receive_ec, event, timer_ec] =
        co_await asio::experimental::make_parallel_group(channel_.async_receive(asio::deferred),
                                                         timer.async_wait(asio::deferred))
            .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
    (void)order;
    (void)timer_ec;
    if (!receive_ec) co_return received(std::move(event));
    Next out;
    if (receive_ec != asio::experimental::error::channel_closed && channel_.is_open()) out.kind = Next::Kind::timeout;
    co_return out;
}

}  // namespace hector::tasks
