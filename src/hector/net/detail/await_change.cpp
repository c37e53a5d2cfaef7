#include "hector/net/detail/await_change.hpp"

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace hector::net::detail {

namespace asio = boost::asio;

namespace {

/// Holds the suspended coroutine's completion handler; wake() posts it to the handler's executor, which it keeps
/// busy (outstanding work) until then.
template <class Handler>
class HandlerWaiter final : public Waiter {
  public:
    explicit HandlerWaiter(Handler handler)
        : handler_(std::move(handler)),
          work_(asio::prefer(asio::get_associated_executor(handler_), asio::execution::outstanding_work.tracked)) {}

    void wake() override {
        asio::post(work_, [handler = std::move(handler_)]() mutable {
            asio::get_associated_cancellation_slot(handler).clear();
            std::move(handler)();
        });
    }

  private:
    Handler handler_;
    decltype(asio::prefer(std::declval<asio::associated_executor_t<Handler>>(),
                          asio::execution::outstanding_work.tracked)) work_;
};

}  // namespace

asio::awaitable<void> await_change(std::shared_ptr<Transfer> transfer, std::shared_ptr<CurlReactor> reactor,
                                   std::uint64_t seen) {
    auto initiate = [&](auto handler) {
        using Handler = decltype(handler);
        // The slot is armed even when the coroutine resumes at once: a cancellation emitted while the completion
        // is queued still reaches the transfer (the completion clears the slot before resuming).
        auto slot = asio::get_associated_cancellation_slot(handler);
        if (slot.is_connected()) {
            slot.assign([t = transfer, r = reactor](asio::cancellation_type type) {
                if (type != asio::cancellation_type::none) r->cancel(t);
            });
        }
        std::unique_lock lock(transfer->state.mu);
        if (transfer->state.version != seen) {
            lock.unlock();  // changed since the caller looked
            HandlerWaiter<Handler>(std::move(handler)).wake();
            return;
        }
        transfer->state.waiter = std::make_unique<HandlerWaiter<Handler>>(std::move(handler));
    };
    co_await asio::async_initiate<decltype(asio::use_awaitable), void()>(initiate, asio::use_awaitable);
}

}  // namespace hector::net::detail
