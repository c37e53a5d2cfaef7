#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "hector/store/postgres/pg_connection.hpp"

namespace hector::store::postgres {

struct PgPoolSettings {
    PgConnectSettings connect;
    std::size_t max_conns = 25;  // databases.<n>.max_conns
    std::size_t max_idle = 5;    // idle connections kept open
    std::chrono::milliseconds conn_max_lifetime{std::chrono::minutes(5)};
    std::chrono::milliseconds conn_max_idle_time{std::chrono::minutes(1)};
    /// How long acquire() waits for a connection when all max_conns are busy.
    std::chrono::milliseconds acquire_timeout{5000};
    /// How many callers may wait at once; more fail at once (the pool is overloaded, waiting would not help).
    std::size_t max_waiters = 256;
};

/// A bounded pool of libpq connections. Connections are opened on demand up to max_conns; a caller beyond that
/// waits up to acquire_timeout, then gets Errc::unavailable. A connection found broken is closed instead of being
/// given back, and with it every idle one (they talk to the same server, which probably restarted); new ones are
/// opened as the server comes back. acquire() blocks; run it on the blocking pool. Thread-safe.
class PgPool {
  public:
    explicit PgPool(PgPoolSettings settings) : settings_(std::move(settings)) {}
    ~PgPool();
    PgPool(const PgPool&) = delete;
    PgPool& operator=(const PgPool&) = delete;

    /// A connection on loan; given back when the lease ends, unless discarded.
    class Lease {
      public:
        Lease(Lease&& other) noexcept;
        Lease& operator=(Lease&&) = delete;
        ~Lease();
        PgConnection& operator*() { return *conn_; }
        PgConnection* operator->() { return conn_.get(); }
        /// True when the connection was idle in the pool (it may have gone stale since), false when just opened.
        bool reused() const { return reused_; }
        /// Closes the connection instead of giving it back.
        void discard();

      private:
        friend class PgPool;
        Lease(PgPool* pool, std::unique_ptr<PgConnection> conn, bool reused)
            : pool_(pool), conn_(std::move(conn)), reused_(reused) {}
        PgPool* pool_;
        std::unique_ptr<PgConnection> conn_;
        bool reused_;
    };

    /// Blocking: an idle connection, a new one while fewer than max_conns are open, or one given back within
    /// acquire_timeout. Errc::unavailable when none comes or the server cannot be reached.
    Result<Lease> acquire();

    /// Closes every idle connection (after a failure that suggests the server went away).
    void drop_idle();

    struct Stats {
        std::size_t open = 0;  // idle + on loan
        std::size_t idle = 0;
        std::size_t waiting = 0;
    };
    Stats stats() const;
    const PgPoolSettings& settings() const { return settings_; }

  private:
    struct Idle {
        std::unique_ptr<PgConnection> conn;
        std::chrono::steady_clock::time_point since;
    };
    void give_back(std::unique_ptr<PgConnection> conn);
    bool expired(const PgConnection& conn, std::chrono::steady_clock::time_point now) const;

    PgPoolSettings settings_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Idle> idle_;  // most recently used at the back
    std::size_t open_ = 0;   // idle + on loan + being opened
    std::size_t waiting_ = 0;
};

}  // namespace hector::store::postgres
