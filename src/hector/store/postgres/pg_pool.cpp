#include "hector/store/postgres/pg_pool.hpp"

#include <fmt/format.h>

#include <vector>

namespace hector::store::postgres {

using SteadyClock = std::chrono::steady_clock;

PgPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), conn_(std::move(other.conn_)), reused_(other.reused_) {}

PgPool::Lease::~Lease() {
    if (conn_) pool_->give_back(std::move(conn_));
}

void PgPool::Lease::discard() {
    if (!conn_) return;
    conn_.reset();
    {
        std::lock_guard lock(pool_->mu_);
        --pool_->open_;
    }
    pool_->cv_.notify_one();
}

PgPool::~PgPool() {
    std::lock_guard lock(mu_);
    idle_.clear();
}

bool PgPool::expired(const PgConnection& conn, SteadyClock::time_point now) const {
    return conn.broken() || now - conn.opened_at() >= settings_.conn_max_lifetime;
}

Result<PgPool::Lease> PgPool::acquire() {
    const auto deadline = SteadyClock::now() + settings_.acquire_timeout;
    std::vector<std::unique_ptr<PgConnection>> to_close;  // closed outside the lock (PQfinish may block)
    std::unique_lock lock(mu_);
    for (;;) {
        const auto now = SteadyClock::now();
        while (!idle_.empty()) {
            Idle item = std::move(idle_.back());
            idle_.pop_back();
            if (expired(*item.conn, now) || now - item.since >= settings_.conn_max_idle_time) {
                --open_;
                to_close.push_back(std::move(item.conn));
                continue;
            }
            lock.unlock();
            to_close.clear();
            return Lease(this, std::move(item.conn), true);
        }
        if (open_ < settings_.max_conns) {
            ++open_;
            lock.unlock();
            to_close.clear();
            auto conn = PgConnection::connect(settings_.connect);
            if (!conn) {
                {
                    std::lock_guard relock(mu_);
                    --open_;
                }
                cv_.notify_one();
                return std::move(conn).error();
            }
            return Lease(this, std::move(conn).value(), false);
        }
        if (waiting_ >= settings_.max_waiters)
            return Error{Errc::unavailable,
                         fmt::format("postgres: all {} connections are busy and {} callers are already waiting",
                                     settings_.max_conns, waiting_)};
        ++waiting_;
        const bool woke = cv_.wait_until(lock, deadline, [&] { return !idle_.empty() || open_ < settings_.max_conns; });
        --waiting_;
        if (!woke)
            return Error{Errc::unavailable, fmt::format("postgres: no connection became free within {} ms (all {} "
                                                        "are busy)",
                                                        settings_.acquire_timeout.count(), settings_.max_conns)};
    }
}

void PgPool::give_back(std::unique_ptr<PgConnection> conn) {
    const auto now = SteadyClock::now();
    {
        std::lock_guard lock(mu_);
        if (!expired(*conn, now) && idle_.size() < settings_.max_idle) {
            idle_.push_back({std::move(conn), now});
        } else {
            --open_;
        }
    }
    cv_.notify_one();
    // A connection not kept is closed here, outside the lock.
}

void PgPool::drop_idle() {
    std::deque<Idle> dropped;
    {
        std::lock_guard lock(mu_);
        open_ -= idle_.size();
        dropped.swap(idle_);
    }
    cv_.notify_all();
}

PgPool::Stats PgPool::stats() const {
    std::lock_guard lock(mu_);
    return {open_, idle_.size(), waiting_};
}

}  // namespace hector::store::postgres
