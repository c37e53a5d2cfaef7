#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "hector/store/postgres/pg_connection.hpp"

namespace hector::store::postgres {

/// A connection of its own LISTENing on one channel, with a thread of its own that waits on its socket and hands
/// each notification's payload to on_notify (on that thread). When the connection fails it reconnects (0.5 s,
/// doubling to 10 s) and then calls on_gap: notifications sent meanwhile are lost, so whoever follows changes
/// re-reads them. Stops and joins at destruction.
class PgListener {
  public:
    using Notify = std::function<void(std::string_view payload)>;
    PgListener(PgConnectSettings settings, std::string channel, Notify on_notify, std::function<void()> on_gap);
    /// Blocks until the first LISTEN is in place (true) or its first attempt failed or `limit` passed (false; the
    /// thread keeps trying). Signals sent before LISTEN are not heard.
    bool wait_listening(std::chrono::milliseconds limit);
    ~PgListener();
    PgListener(const PgListener&) = delete;
    PgListener& operator=(const PgListener&) = delete;

  private:
    void run();
    bool connect();  // true once LISTENing

    PgConnectSettings settings_;
    std::string channel_;
    Notify on_notify_;
    std::function<void()> on_gap_;
    std::unique_ptr<PgConnection> conn_;
    int stop_fd_ = -1;  // an eventfd that wakes the thread to stop
    std::atomic<bool> stopping_{false};
    std::mutex ready_mu_;
    std::condition_variable ready_cv_;
    int first_attempt_ = 0;  // 0 pending, 1 listening, -1 failed
    std::thread thread_;
};

}  // namespace hector::store::postgres
