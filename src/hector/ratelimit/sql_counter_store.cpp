#include "hector/ratelimit/sql_counter_store.hpp"

namespace hector::ratelimit {

namespace sql = store::sql;

namespace {

// Both SQLite (3.35+) and PostgreSQL accept this upsert; the WHERE makes the increment conditional, and RETURNING
// yields no row when the limit would be passed.
constexpr const char* kChargeWithin =
    "INSERT INTO rate_limit_counters (scope_key, rule, window_start, used) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (scope_key, rule, window_start) DO UPDATE SET used = rate_limit_counters.used + excluded.used "
    "WHERE rate_limit_counters.used + excluded.used <= ? RETURNING used";
constexpr const char* kCharge =
    "INSERT INTO rate_limit_counters (scope_key, rule, window_start, used) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (scope_key, rule, window_start) DO UPDATE SET used = rate_limit_counters.used + excluded.used";
constexpr const char* kUsed =
    "SELECT used FROM rate_limit_counters WHERE scope_key = ? AND rule = ? AND window_start = ?";
constexpr const char* kPrune = "DELETE FROM rate_limit_counters WHERE rule = ? AND window_start < ?";

Result<std::int64_t> read_used(sql::Connection& c, const std::string& key, const Slot& s) {
    auto r = c.run(kUsed, {key, s.rule, s.start});
    if (!r) return std::move(r).error();
    return r->rows.empty() ? std::int64_t{0} : r->rows.front().integer(0);
}

Result<std::vector<std::int64_t>> read_all(sql::Connection& c, const std::string& key, const std::vector<Slot>& slots) {
    std::vector<std::int64_t> out;
    for (const auto& s : slots) {
        auto u = read_used(c, key, s);
        if (!u) return std::move(u).error();
        out.push_back(*u);
    }
    return out;
}

Status prune(sql::Connection& c, const std::vector<Slot>& slots) {
    for (const auto& s : slots)
        if (auto r = c.run(kPrune, {s.rule, s.start}); !r) return std::move(r).error();
    return {};
}

}  // namespace

SqlCounterStore::SqlCounterStore(sql::Database& db, std::chrono::seconds prune_every)
    : db_(db), prune_every_(prune_every) {}

bool SqlCounterStore::prune_due() {
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
    auto due = next_prune_.load();
    return now >= due && next_prune_.compare_exchange_strong(due, now + prune_every_.count());
}

boost::asio::awaitable<Result<Usage>> SqlCounterStore::admit(std::string key, std::vector<Slot> slots,
                                                             std::int64_t amount) {
    const bool prune_now = prune_due();
    // A refusal rolls the transaction back (nothing charged) and is told apart from a failure by this flag.
    bool refused = false;
    auto charged =
        co_await db_.write<std::vector<std::int64_t>>([&](sql::Connection& c) -> Result<std::vector<std::int64_t>> {
            if (prune_now)
                if (auto st = prune(c, slots); !st) return std::move(st).error();
            std::vector<std::int64_t> used(slots.size(), 0);
            for (std::size_t i = 0; i < slots.size(); ++i) {
                if (slots[i].charge) continue;
                auto u = read_used(c, key, slots[i]);
                if (!u) return std::move(u).error();
                used[i] = *u;
                if (*u >= slots[i].limit) refused = true;
            }
            // Rules are charged in one order on every instance, so concurrent transactions cannot deadlock.
            for (std::size_t i = 0; i < slots.size() && !refused; ++i) {
                const auto& s = slots[i];
                if (!s.charge) continue;
                if (amount > s.limit) {
                    refused = true;
                    break;
                }
                auto r = c.run(kChargeWithin, {key, s.rule, s.start, amount, s.limit});
                if (!r) return std::move(r).error();
                if (r->rows.empty()) {
                    refused = true;
                    break;
                }
                used[i] = r->rows.front().integer(0);
            }
            if (refused) return Error{Errc::rate_limited, "limit reached"};
            return used;
        });
    if (charged) co_return Usage{true, std::move(charged).value()};
    if (!refused) co_return std::move(charged).error();
    auto now = co_await usage(std::move(key), std::move(slots));
    if (!now) co_return std::move(now).error();
    co_return Usage{false, std::move(now).value()};
}

boost::asio::awaitable<Status> SqlCounterStore::add(std::string key, std::vector<Slot> slots, std::int64_t amount) {
    auto done = co_await db_.write<bool>([&](sql::Connection& c) -> Result<bool> {
        for (const auto& s : slots)
            if (auto r = c.run(kCharge, {key, s.rule, s.start, amount}); !r) return std::move(r).error();
        return true;
    });
    if (!done) co_return std::move(done).error();
    co_return Status{};
}

boost::asio::awaitable<Result<std::vector<std::int64_t>>> SqlCounterStore::usage(std::string key,
                                                                                 std::vector<Slot> slots) {
    co_return co_await db_.read<std::vector<std::int64_t>>([&](sql::Connection& c) { return read_all(c, key, slots); });
}

}  // namespace hector::ratelimit
