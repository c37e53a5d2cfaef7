#pragma once

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>

#include "hector/store/task_store.hpp"

namespace hector::net {
class HttpClient;
}

namespace hector::tasks {

struct PushSettings {
    int max_attempts = 3;
    std::chrono::milliseconds initial_backoff{1000};
    std::chrono::milliseconds max_backoff{30000};
    std::chrono::milliseconds timeout{10000};  // per attempt
    std::size_t max_in_flight = 512;           // deliveries beyond this are dropped with a warning
};

/// Delivers A2A push notifications (DECISIONS 7, server.md §5.6): on each status change to working,
/// input-required or a terminal state, POSTs the Task (tasks/get shape) to every push config of the task, with
/// `Authorization: Bearer` (authentication) and/or `X-A2A-Notification-Token` (token). Asynchronous, retried with
/// backoff; never blocks or fails the task. Push URLs are chosen by callers, so private addresses are refused
/// unless server.outbound.allow_private_networks (DECISIONS 28). Thread-safe.
class PushNotifier {
  public:
    PushNotifier(boost::asio::io_context& io, store::TaskStore& store, net::HttpClient& http, PushSettings settings);
    /// A task's status changed. `known`: its push configs when the caller read them with the change (none: they
    /// are read here, off the caller's path).
    using Configs = std::vector<a2a::PushNotificationConfig>;
    void on_status(const store::TaskRecord& record, const Configs* known = nullptr);
    std::size_t in_flight() const { return in_flight_.load(); }
    std::uint64_t delivered() const { return delivered_.load(); }
    std::uint64_t failed() const { return failed_.load(); }

  private:
    boost::asio::awaitable<void> deliver(store::TaskRecord record, std::optional<Configs> known);

    boost::asio::io_context& io_;
    store::TaskStore& store_;
    net::HttpClient& http_;
    PushSettings settings_;
    std::atomic<std::size_t> in_flight_{0};
    std::atomic<std::uint64_t> delivered_{0};
    std::atomic<std::uint64_t> failed_{0};
};

}  // namespace hector::tasks
