#include "hector/automation/outbox.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "hector/common/logging.hpp"

namespace hector::automation {

namespace asio = boost::asio;

Outbox::Outbox(asio::io_context& io, net::HttpClient& http, std::size_t max_in_flight)
    : io_(io), http_(http), max_in_flight_(max_in_flight) {}

bool Outbox::post(net::HttpRequest request, DeliveryPolicy policy, std::string what) {
    if (in_flight_.load() >= max_in_flight_) {
        log::warn("automation", "{} dropped: {} deliveries already in flight", what, in_flight_.load());
        return false;
    }
    ++in_flight_;
    std::string name = what;
    asio::co_spawn(io_, deliver(std::move(request), policy, std::move(what)),
                   [this, name = std::move(name)](std::exception_ptr e) {
                       --in_flight_;
                       if (!e) return;
                       try {
                           std::rethrow_exception(e);
                       } catch (const std::exception& ex) {
                           log::error("automation", "{} failed unexpectedly: {}", name, ex.what());
                       }
                   });
    return true;
}

asio::awaitable<void> Outbox::deliver(net::HttpRequest request, DeliveryPolicy policy, std::string what) {
    request.timeout = policy.timeout;
    auto delay = policy.initial_delay;
    for (int attempt = 1;; ++attempt) {
        auto resp = co_await http_.request(request);
        if (resp && resp->status >= 200 && resp->status < 300) {
            ++delivered_;
            log::debug("automation", "{} delivered to {}", what, request.url);
            co_return;
        }
        const std::string why = resp ? "HTTP " + std::to_string(resp->status) : resp.error().message;
        const bool permanent =
            !resp && (resp.error().code == Errc::forbidden || resp.error().code == Errc::invalid_argument);
        if (attempt >= policy.max_attempts || permanent) {
            ++failed_;
            log::warn("automation", "{} to {} failed after {} attempt(s): {}", what, request.url, attempt, why);
            co_return;
        }
        asio::steady_timer timer(co_await asio::this_coro::executor, delay);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        delay = std::min(delay * 2, policy.max_delay);
    }
}

}  // namespace hector::automation
