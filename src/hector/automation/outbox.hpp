#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <string>

#include "hector/net/http_client.hpp"

namespace hector::automation {

/// How one outbound POST is retried: `max_attempts` tries, waiting `initial_delay`, doubling up to `max_delay`,
/// each try bounded by `timeout`.
struct DeliveryPolicy {
    int max_attempts = 3;
    std::chrono::milliseconds initial_delay{1000};
    std::chrono::milliseconds max_delay{10000};
    std::chrono::milliseconds timeout{30000};
};

/// Background delivery of automation POSTs (webhook callbacks, outbound notifications): a 2xx answer delivers;
/// other statuses and transport failures are retried by the policy, except a refused address or a bad URL, which
/// cannot get better. Never blocks the caller; failures are logged. Thread-safe.
class Outbox {
  public:
    Outbox(boost::asio::io_context& io, net::HttpClient& http, std::size_t max_in_flight = 512);

    /// Starts the delivery in the background. False (and a warning) when `max_in_flight` deliveries are already
    /// under way. `what` names the delivery in logs ("callback of task …").
    bool post(net::HttpRequest request, DeliveryPolicy policy, std::string what);

    std::size_t in_flight() const { return in_flight_.load(); }
    std::uint64_t delivered() const { return delivered_.load(); }
    std::uint64_t failed() const { return failed_.load(); }

  private:
    boost::asio::awaitable<void> deliver(net::HttpRequest request, DeliveryPolicy policy, std::string what);

    boost::asio::io_context& io_;
    net::HttpClient& http_;
    std::size_t max_in_flight_;
    std::atomic<std::size_t> in_flight_{0};
    std::atomic<std::uint64_t> delivered_{0};
    std::atomic<std::uint64_t> failed_{0};
};

}  // namespace hector::automation
