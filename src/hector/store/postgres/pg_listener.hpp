#pragma once

#include <atomic>
#include <functional>
#include <memory>
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
    std::thread thread_;
};

}  // namespace hector::store::postgres
