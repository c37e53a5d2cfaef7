#include "hector/ratelimit/memory_counter_store.hpp"

#include <algorithm>

namespace hector::ratelimit {

namespace {

std::string counter_key(const std::string& key, const Slot& slot) {
    std::string k;
    k.reserve(key.size() + slot.rule.size() + 1);
    k.append(key).push_back('\n');
    k.append(slot.rule);
    return k;
}

}  // namespace

MemoryCounterStore::MemoryCounterStore(std::size_t max_counters, std::function<TimePoint()> now)
    : max_per_shard_(std::max<std::size_t>(1, max_counters / kShards)), now_(std::move(now)) {}

MemoryCounterStore::Shard& MemoryCounterStore::shard_of(const std::string& key) {
    // Every rule of one key lives in one shard, so admit() sees and changes them under one lock.
    return shards_[std::hash<std::string>{}(key) % kShards];
}

MemoryCounterStore::Counter& MemoryCounterStore::counter(Shard& shard, const std::string& key, const Slot& slot) {
    auto [it, inserted] = shard.counters.try_emplace(counter_key(key, slot));
    auto& c = it->second;
    if (inserted || c.start != slot.start) c = Counter{slot.start, slot.end, 0};
    if (inserted && shard.counters.size() > max_per_shard_) {
        const auto keep = it->first;
        evict(shard);
        return shard.counters.try_emplace(keep, Counter{slot.start, slot.end, 0}).first->second;
    }
    return c;
}

std::int64_t MemoryCounterStore::used(Shard& shard, const std::string& key, const Slot& slot) const {
    auto it = shard.counters.find(counter_key(key, slot));
    if (it == shard.counters.end() || it->second.start != slot.start) return 0;
    return it->second.used;
}

void MemoryCounterStore::evict(Shard& shard) {
    const auto now = unix_seconds(now_());
    std::erase_if(shard.counters, [now](const auto& kv) { return kv.second.end <= now; });
    if (shard.counters.size() <= max_per_shard_) return;
    // Still full of live windows: drop the ones ending soonest, down to 90% so this does not run on every insert.
    std::vector<std::pair<std::int64_t, std::string>> by_end;
    by_end.reserve(shard.counters.size());
    for (const auto& [k, c] : shard.counters) by_end.emplace_back(c.end, k);
    const std::size_t target = max_per_shard_ * 9 / 10;
    const std::size_t drop = by_end.size() - target;
    std::nth_element(by_end.begin(), by_end.begin() + static_cast<std::ptrdiff_t>(drop), by_end.end());
    for (std::size_t i = 0; i < drop; ++i) shard.counters.erase(by_end[i].second);
}

Usage MemoryCounterStore::admit_now(const std::string& key, const std::vector<Slot>& slots, std::int64_t amount) {
    auto& shard = shard_of(key);
    std::lock_guard lock(shard.mu);
    Usage out;
    out.admitted = true;
    for (const auto& s : slots) {
        const auto u = used(shard, key, s);
        if (s.charge ? u + amount > s.limit : u >= s.limit) out.admitted = false;
    }
    for (const auto& s : slots) {
        if (out.admitted && s.charge) {
            auto& c = counter(shard, key, s);
            c.used += amount;
            out.used.push_back(c.used);
        } else {
            out.used.push_back(used(shard, key, s));
        }
    }
    return out;
}

void MemoryCounterStore::add_now(const std::string& key, const std::vector<Slot>& slots, std::int64_t amount) {
    auto& shard = shard_of(key);
    std::lock_guard lock(shard.mu);
    for (const auto& s : slots) counter(shard, key, s).used += amount;
}

std::vector<std::int64_t> MemoryCounterStore::usage_now(const std::string& key, const std::vector<Slot>& slots) {
    auto& shard = shard_of(key);
    std::lock_guard lock(shard.mu);
    std::vector<std::int64_t> out;
    for (const auto& s : slots) out.push_back(used(shard, key, s));
    return out;
}

boost::asio::awaitable<Result<Usage>> MemoryCounterStore::admit(std::string key, std::vector<Slot> slots,
                                                                std::int64_t amount) {
    co_return admit_now(key, slots, amount);
}

boost::asio::awaitable<Status> MemoryCounterStore::add(std::string key, std::vector<Slot> slots, std::int64_t amount) {
    add_now(key, slots, amount);
    co_return Status{};
}

boost::asio::awaitable<Result<std::vector<std::int64_t>>> MemoryCounterStore::usage(std::string key,
                                                                                    std::vector<Slot> slots) {
    co_return usage_now(key, slots);
}

std::size_t MemoryCounterStore::size() const {
    std::size_t n = 0;
    for (auto& s : shards_) {
        std::lock_guard lock(s.mu);
        n += s.counters.size();
    }
    return n;
}

}  // namespace hector::ratelimit
