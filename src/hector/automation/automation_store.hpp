#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "hector/common/result.hpp"
#include "hector/common/time.hpp"

namespace hector::store::sql {
class Database;
}

namespace hector::automation {

/// The outcome of claiming a webhook delivery key.
struct DeliveryClaim {
    bool fresh = false;   // this caller owns the key: start the task, then set_delivery_task (or release)
    std::string task_id;  // not fresh: the task the first delivery started; empty while it is still starting
};

/// What automations share across instances (DECISIONS 21, server.md §9.2): webhook delivery keys remembered for a
/// while, and schedule firings claimed exactly once. The SQL store keeps them in the tasks database (schema step
/// 6), so every instance on that database agrees; the memory store is for one process. Thread-safe; the SQL store
/// runs its work on the database's blocking pool.
class AutomationStore {
  public:
    virtual ~AutomationStore() = default;

    /// Claims (app, agent, key). A claim older than `ttl` has expired and is replaced.
    virtual boost::asio::awaitable<Result<DeliveryClaim>> claim_delivery(std::string app_id, std::string agent,
                                                                         std::string key, TimePoint now,
                                                                         std::chrono::milliseconds ttl) = 0;
    /// Records the task a fresh claim started.
    virtual boost::asio::awaitable<Status> set_delivery_task(std::string app_id, std::string agent, std::string key,
                                                             std::string task_id) = 0;
    /// Forgets a fresh claim whose task could not start, so a retry of the delivery may start it.
    virtual boost::asio::awaitable<Status> release_delivery(std::string app_id, std::string agent, std::string key) = 0;
    /// True for the one caller (cluster-wide) that claims this firing of the agent's schedule.
    virtual boost::asio::awaitable<Result<bool>> claim_firing(std::string app_id, std::string agent, TimePoint fire_at,
                                                              TimePoint now) = 0;
};

std::unique_ptr<AutomationStore> make_memory_automation_store();
/// `db` must outlive the store and carry schema step 6.
std::unique_ptr<AutomationStore> make_sql_automation_store(store::sql::Database& db);

}  // namespace hector::automation
