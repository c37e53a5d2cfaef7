#pragma once

#include <atomic>
#include <chrono>

#include "hector/ratelimit/counter_store.hpp"
#include "hector/store/sql/database.hpp"

namespace hector::ratelimit {

/// Counters in the `rate_limit_counters` table of a SQL database (rate_limiting.backend: sql), shared by every
/// instance on that database. A charge is one upsert-increment guarded by the limit, so concurrent requests on any
/// number of instances never overshoot a count limit and never lose an increment; admit() charges all of a key's
/// count rules in one transaction, all or nothing. Rows of ended windows are deleted now and then. Database work
/// runs on the database's blocking pool. Thread-safe; `db` outlives the store.
class SqlCounterStore final : public CounterStore {
  public:
    explicit SqlCounterStore(store::sql::Database& db, std::chrono::seconds prune_every = std::chrono::minutes(10));

    boost::asio::awaitable<Result<Usage>> admit(std::string key, std::vector<Slot> slots, std::int64_t amount) override;
    boost::asio::awaitable<Status> add(std::string key, std::vector<Slot> slots, std::int64_t amount) override;
    boost::asio::awaitable<Result<std::vector<std::int64_t>>> usage(std::string key, std::vector<Slot> slots) override;

  private:
    /// True at most once per prune interval (the caller then deletes ended windows of its rules).
    bool prune_due();

    store::sql::Database& db_;
    std::chrono::seconds prune_every_;
    std::atomic<std::int64_t> next_prune_{0};  // steady-clock seconds
};

}  // namespace hector::ratelimit
