#pragma once

#include <array>
#include <functional>
#include <mutex>
#include <unordered_map>

#include "hector/common/time.hpp"
#include "hector/ratelimit/counter_store.hpp"

namespace hector::ratelimit {

/// Counters in this process's memory (rate_limiting.backend: memory): each instance limits on its own. Only the
/// current window of each (key, rule) is kept, and the number of counters is bounded: past `max_counters`, windows
/// that have ended go first, then those ending soonest (their keys start afresh). Never blocks on I/O; a mutex per
/// shard of keys. Thread-safe.
class MemoryCounterStore final : public CounterStore {
  public:
    explicit MemoryCounterStore(std::size_t max_counters = 100000, std::function<TimePoint()> now = Clock::now);

    boost::asio::awaitable<Result<Usage>> admit(std::string key, std::vector<Slot> slots, std::int64_t amount) override;
    boost::asio::awaitable<Status> add(std::string key, std::vector<Slot> slots, std::int64_t amount) override;
    boost::asio::awaitable<Result<std::vector<std::int64_t>>> usage(std::string key, std::vector<Slot> slots) override;

    /// Counters held now (for tests of the bound).
    std::size_t size() const;

    /// The synchronous forms of the calls above (the awaitables complete at once).
    Usage admit_now(const std::string& key, const std::vector<Slot>& slots, std::int64_t amount);
    void add_now(const std::string& key, const std::vector<Slot>& slots, std::int64_t amount);
    std::vector<std::int64_t> usage_now(const std::string& key, const std::vector<Slot>& slots);

  private:
    struct Counter {
        std::int64_t start = 0;
        std::int64_t end = 0;
        std::int64_t used = 0;
    };
    struct Shard {
        std::mutex mu;
        std::unordered_map<std::string, Counter> counters;  // key + '\n' + rule
    };
    static constexpr std::size_t kShards = 16;

    Shard& shard_of(const std::string& key);
    /// The counter of `slot`, reset when it belongs to an earlier window. Caller holds the shard's lock.
    Counter& counter(Shard& shard, const std::string& key, const Slot& slot);
    std::int64_t used(Shard& shard, const std::string& key, const Slot& slot) const;
    void evict(Shard& shard);

    std::size_t max_per_shard_;
    std::function<TimePoint()> now_;
    mutable std::array<Shard, kShards> shards_;
};

}  // namespace hector::ratelimit
