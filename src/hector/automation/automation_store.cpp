#include "hector/automation/automation_store.hpp"

#include <map>
#include <mutex>
#include <set>
#include <tuple>

#include "hector/store/sql/database.hpp"
#include "hector/store/sql/row_codec.hpp"

namespace hector::automation {

namespace {

namespace asio = boost::asio;
using store::sql::Connection;
using store::sql::to_nanos;

// Old rows are swept at most this often, by whichever call comes first after the interval.
constexpr auto kSweepEvery = std::chrono::minutes(10);
// Firings are kept long enough that no instance can still be waiting to claim them.
constexpr auto kFiringRetention = std::chrono::hours(24 * 7);

class MemoryAutomationStore final : public AutomationStore {
  public:
    asio::awaitable<Result<DeliveryClaim>> claim_delivery(std::string app_id, std::string agent, std::string key,
                                                          TimePoint now, std::chrono::milliseconds ttl) override {
        std::lock_guard lock(mu_);
        sweep(now, ttl);
        auto id = std::make_tuple(std::move(app_id), std::move(agent), std::move(key));
        auto it = deliveries_.find(id);
        if (it != deliveries_.end() && it->second.created_at >= now - ttl)
            co_return DeliveryClaim{false, it->second.task_id};
        deliveries_[id] = Delivery{{}, now};
        co_return DeliveryClaim{true, {}};
    }

    asio::awaitable<Status> set_delivery_task(std::string app_id, std::string agent, std::string key,
                                              std::string task_id) override {
        std::lock_guard lock(mu_);
        auto it = deliveries_.find(std::make_tuple(std::move(app_id), std::move(agent), std::move(key)));
        if (it != deliveries_.end()) it->second.task_id = std::move(task_id);
        co_return Status{};
    }

    asio::awaitable<Status> release_delivery(std::string app_id, std::string agent, std::string key) override {
        std::lock_guard lock(mu_);
        deliveries_.erase(std::make_tuple(std::move(app_id), std::move(agent), std::move(key)));
        co_return Status{};
    }

    asio::awaitable<Result<bool>> claim_firing(std::string app_id, std::string agent, TimePoint fire_at,
                                               TimePoint now) override {
        std::lock_guard lock(mu_);
        std::erase_if(firings_, [&](const auto& f) { return std::get<2>(f) < now - kFiringRetention; });
        co_return firings_.emplace(std::move(app_id), std::move(agent), fire_at).second;
    }

  private:
    struct Delivery {
        std::string task_id;
        TimePoint created_at;
    };
    using Key = std::tuple<std::string, std::string, std::string>;

    void sweep(TimePoint now, std::chrono::milliseconds ttl) {
        if (now - last_sweep_ < kSweepEvery) return;
        last_sweep_ = now;
        std::erase_if(deliveries_, [&](const auto& kv) { return kv.second.created_at < now - ttl; });
    }

    std::mutex mu_;
    std::map<Key, Delivery> deliveries_;
    std::set<std::tuple<std::string, std::string, TimePoint>> firings_;
    TimePoint last_sweep_{};
};

const std::string kDeleteExpired =
    "DELETE FROM webhook_deliveries WHERE app_id = ? AND agent = ? AND delivery_key = ? AND created_at < ?";
const std::string kInsertDelivery =
    "INSERT INTO webhook_deliveries (app_id, agent, delivery_key, task_id, created_at) VALUES (?, ?, ?, '', ?) "
    "ON CONFLICT (app_id, agent, delivery_key) DO NOTHING";
const std::string kSelectDelivery =
    "SELECT task_id FROM webhook_deliveries WHERE app_id = ? AND agent = ? AND delivery_key = ?";
const std::string kSetDeliveryTask =
    "UPDATE webhook_deliveries SET task_id = ? WHERE app_id = ? AND agent = ? AND delivery_key = ?";
const std::string kDeleteDelivery =
    "DELETE FROM webhook_deliveries WHERE app_id = ? AND agent = ? AND delivery_key = ?";
const std::string kSweepDeliveries = "DELETE FROM webhook_deliveries WHERE created_at < ?";
const std::string kInsertFiring =
    "INSERT INTO schedule_firings (app_id, agent, fire_at, claimed_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (app_id, agent, fire_at) DO NOTHING";
const std::string kSweepFirings = "DELETE FROM schedule_firings WHERE fire_at < ?";

class SqlAutomationStore final : public AutomationStore {
  public:
    explicit SqlAutomationStore(store::sql::Database& db) : db_(db) {}

    asio::awaitable<Result<DeliveryClaim>> claim_delivery(std::string app_id, std::string agent, std::string key,
                                                          TimePoint now, std::chrono::milliseconds ttl) override {
        const std::int64_t cutoff = to_nanos(now - ttl);
        const bool sweep = due(now);
        auto tx = [&](Connection& c) -> Result<DeliveryClaim> {
            if (sweep) {
                if (auto r = c.run(kSweepDeliveries, {cutoff}); !r) return std::move(r).error();
            }
            if (auto r = c.run(kDeleteExpired, {app_id, agent, key, cutoff}); !r) return std::move(r).error();
            auto ins = c.run(kInsertDelivery, {app_id, agent, key, to_nanos(now)});
            if (!ins) return std::move(ins).error();
            if (ins->affected == 1) return DeliveryClaim{true, {}};
            auto sel = c.run(kSelectDelivery, {app_id, agent, key});
            if (!sel) return std::move(sel).error();
            return DeliveryClaim{false, sel->rows.empty() ? std::string() : sel->rows.front().text(0)};
        };
        co_return co_await db_.write<DeliveryClaim>(std::move(tx));
    }

    asio::awaitable<Status> set_delivery_task(std::string app_id, std::string agent, std::string key,
                                              std::string task_id) override {
        auto tx = [&](Connection& c) -> Status {
            auto r = c.run(kSetDeliveryTask, {task_id, app_id, agent, key});
            if (!r) return std::move(r).error();
            return {};
        };
        co_return co_await db_.write<void>(std::move(tx));
    }

    asio::awaitable<Status> release_delivery(std::string app_id, std::string agent, std::string key) override {
        auto tx = [&](Connection& c) -> Status {
            auto r = c.run(kDeleteDelivery, {app_id, agent, key});
            if (!r) return std::move(r).error();
            return {};
        };
        co_return co_await db_.write<void>(std::move(tx));
    }

    asio::awaitable<Result<bool>> claim_firing(std::string app_id, std::string agent, TimePoint fire_at,
                                               TimePoint now) override {
        const bool sweep = due(now);
        const std::int64_t cutoff = to_nanos(now - kFiringRetention);
        auto tx = [&](Connection& c) -> Result<bool> {
            if (sweep) {
                if (auto r = c.run(kSweepFirings, {cutoff}); !r) return std::move(r).error();
            }
            auto r = c.run(kInsertFiring, {app_id, agent, to_nanos(fire_at), to_nanos(now)});
            if (!r) return std::move(r).error();
            return r->affected == 1;
        };
        co_return co_await db_.write<bool>(std::move(tx));
    }

  private:
    bool due(TimePoint now) {
        std::lock_guard lock(mu_);
        if (now - last_sweep_ < kSweepEvery) return false;
        last_sweep_ = now;
        return true;
    }

    store::sql::Database& db_;
    std::mutex mu_;
    TimePoint last_sweep_{};
};

}  // namespace

std::unique_ptr<AutomationStore> make_memory_automation_store() {
    return std::make_unique<MemoryAutomationStore>();
}

std::unique_ptr<AutomationStore> make_sql_automation_store(store::sql::Database& db) {
    return std::make_unique<SqlAutomationStore>(db);
}

}  // namespace hector::automation
