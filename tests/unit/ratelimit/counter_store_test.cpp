// The counter stores on every backend: memory, SQLite (a temp file) and PostgreSQL (skipped without
// HECTOR_TEST_PG_DSN). Charges stay within limits, refusals change nothing, nothing is lost under concurrency.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <future>

#include "hector/ratelimit/memory_counter_store.hpp"
#include "hector/ratelimit/rules.hpp"
#include "hector/ratelimit/sql_counter_store.hpp"
#include "ratelimit_test_util.hpp"
#include "unit/store/store_test_support.hpp"

namespace hector::ratelimit {
namespace {

namespace asio = boost::asio;
using store::testing::Backend;
using testing::sync;

Slot charge(std::string rule, std::int64_t limit, std::int64_t start = 600) {
    return Slot{std::move(rule), start, start + 60, limit, true};
}
Slot check(std::string rule, std::int64_t limit, std::int64_t start = 600) {
    return Slot{std::move(rule), start, start + 60, limit, false};
}

class CounterStores : public ::testing::TestWithParam<Backend> {
  protected:
    void SetUp() override {
        env_ = GetParam().make();
        if (auto why = env_->skip_reason()) GTEST_SKIP() << *why;
        auto opened = env_->open(pool_);
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        stores_ = std::move(opened).value();
        if (stores_.db)
            store_ = std::make_unique<SqlCounterStore>(*stores_.db, std::chrono::seconds(0));  // prune every call
        else
            store_ = std::make_unique<MemoryCounterStore>();
    }
    void TearDown() override {
        store_.reset();
        stores_ = {};
        env_.reset();
    }
    Usage admit(const std::string& key, std::vector<Slot> slots, std::int64_t amount = 1) {
        auto r = sync(store_->admit(key, std::move(slots), amount));
        EXPECT_TRUE(r.ok()) << r.error().message;
        return r.ok() ? std::move(r).value() : Usage{};
    }
    std::vector<std::int64_t> usage(const std::string& key, std::vector<Slot> slots) {
        auto r = sync(store_->usage(key, std::move(slots)));
        EXPECT_TRUE(r.ok()) << r.error().message;
        return r.ok() ? std::move(r).value() : std::vector<std::int64_t>{};
    }

    asio::thread_pool pool_{4};
    std::unique_ptr<store::testing::BackendEnv> env_;
    store::testing::BackendStores stores_;
    std::unique_ptr<CounterStore> store_;
};

TEST_P(CounterStores, AdmitChargesUpToTheLimitThenRefusesWithoutCharging) {
    for (std::int64_t i = 1; i <= 3; ++i) {
        auto u = admit("k", {charge("count:minute", 3)});
        EXPECT_TRUE(u.admitted);
        EXPECT_EQ(u.used, std::vector<std::int64_t>{i});
    }
    auto refused = admit("k", {charge("count:minute", 3)});
    EXPECT_FALSE(refused.admitted);
    EXPECT_EQ(refused.used, std::vector<std::int64_t>{3});
    EXPECT_EQ(usage("k", {charge("count:minute", 3)}), std::vector<std::int64_t>{3});
}

TEST_P(CounterStores, ChargesAreAllOrNothingAcrossRules) {
    const std::vector<Slot> slots{charge("count:minute", 1), charge("count:hour", 10, 0)};
    EXPECT_TRUE(admit("k", slots).admitted);
    auto refused = admit("k", slots);
    EXPECT_FALSE(refused.admitted);
    EXPECT_EQ(refused.used, (std::vector<std::int64_t>{1, 1}));
    EXPECT_EQ(usage("k", slots), (std::vector<std::int64_t>{1, 1}));
}

TEST_P(CounterStores, AUsedUpCheckSlotBlocksTheCharge) {
    ASSERT_TRUE(sync(store_->add("k", {check("token:minute", 5)}, 5)).ok());
    auto refused = admit("k", {charge("count:minute", 10), check("token:minute", 5)});
    EXPECT_FALSE(refused.admitted);
    EXPECT_EQ(refused.used, (std::vector<std::int64_t>{0, 5}));
    ASSERT_TRUE(sync(store_->add("other", {check("token:minute", 5)}, 4)).ok());
    auto passed = admit("other", {charge("count:minute", 10), check("token:minute", 5)});
    EXPECT_TRUE(passed.admitted);
    EXPECT_EQ(passed.used, (std::vector<std::int64_t>{1, 4}));
}

TEST_P(CounterStores, AddIgnoresLimitsAndAccumulates) {
    ASSERT_TRUE(sync(store_->add("k", {check("token:day", 10)}, 7)).ok());
    ASSERT_TRUE(sync(store_->add("k", {check("token:day", 10)}, 7)).ok());
    EXPECT_EQ(usage("k", {check("token:day", 10)}), std::vector<std::int64_t>{14});
}

TEST_P(CounterStores, KeysRulesAndWindowsAreCountedApart) {
    EXPECT_TRUE(admit("a", {charge("count:minute", 1)}).admitted);
    EXPECT_TRUE(admit("b", {charge("count:minute", 1)}).admitted);
    EXPECT_TRUE(admit("a", {charge("count:hour", 1)}).admitted);
    EXPECT_EQ(usage("b", {charge("count:minute", 1, 600)}), std::vector<std::int64_t>{1});
    // The next window starts from zero, and the ended one is forgotten.
    EXPECT_TRUE(admit("a", {charge("count:minute", 1, 660)}).admitted);
    EXPECT_EQ(usage("a", {charge("count:minute", 1, 600)}), std::vector<std::int64_t>{0});
    EXPECT_EQ(usage("a", {charge("count:minute", 1, 660)}), std::vector<std::int64_t>{1});
}

asio::awaitable<void> admit_once(CounterStore& store, std::int64_t limit, std::atomic<int>& admitted,
                                 std::atomic<int>& failed) {
    std::vector<Slot> slots{charge("count:minute", limit), charge("count:day", 1000000, 0)};
    auto r = co_await store.admit("shared", std::move(slots), 1);
    if (!r)
        ++failed;
    else if (r->admitted)
        ++admitted;
}

asio::awaitable<void> add_once(CounterStore& store, std::atomic<int>& failed) {
    std::vector<Slot> slots{check("token:day", 10, 0)};
    auto st = co_await store.add("tokens", std::move(slots), 3);
    if (!st) ++failed;
}

TEST_P(CounterStores, ConcurrentAdmitsNeverOvershootNorLoseIncrements) {
    constexpr int kCalls = 120;
    constexpr std::int64_t kLimit = 90;
    asio::thread_pool callers(4);
    std::atomic<int> admitted{0}, failed{0};
    std::vector<std::future<void>> done;
    for (int i = 0; i < kCalls; ++i)
        done.push_back(asio::co_spawn(callers, admit_once(*store_, kLimit, admitted, failed), asio::use_future));
    for (auto& f : done) f.get();
    EXPECT_EQ(failed.load(), 0);
    EXPECT_EQ(admitted.load(), kLimit);
    EXPECT_EQ(usage("shared", {charge("count:minute", kLimit), charge("count:day", 1000000, 0)}),
              (std::vector<std::int64_t>{kLimit, kLimit}));

    // Unconditional adds from many threads all land.
    std::vector<std::future<void>> adds;
    for (int i = 0; i < kCalls; ++i)
        adds.push_back(asio::co_spawn(callers, add_once(*store_, failed), asio::use_future));
    for (auto& f : adds) f.get();
    EXPECT_EQ(failed.load(), 0);
    EXPECT_EQ(usage("tokens", {check("token:day", 10, 0)}), std::vector<std::int64_t>{3 * kCalls});
}

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
    return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(Backends, CounterStores,
                         ::testing::Values(store::testing::memory_backend(), store::testing::sqlite_backend(),
                                           store::testing::postgres_backend()),
                         backend_name);

TEST(MemoryCounterStore, HoldsAtMostItsBoundAndKeepsTheNewestCounter) {
    auto now = *parse_rfc3339("2025-01-20T10:00:00Z");
    MemoryCounterStore store(32, [&now] { return now; });
    const auto day = window_at(Window::day, now);
    const Slot slot{"count:day", day.start, day.end, 5, true};
    for (int i = 0; i < 1000; ++i) store.admit_now("key-" + std::to_string(i), {slot}, 1);
    EXPECT_LE(store.size(), 32u);
    EXPECT_EQ(store.usage_now("key-999", {slot}), std::vector<std::int64_t>{1});
    // Windows that have ended are dropped first.
    now += std::chrono::hours(48);
    const auto later = window_at(Window::day, now);
    const Slot next{"count:day", later.start, later.end, 5, true};
    for (int i = 0; i < 40; ++i) store.admit_now("new-" + std::to_string(i), {next}, 1);
    EXPECT_LE(store.size(), 32u);
    EXPECT_EQ(store.usage_now("new-39", {next}), std::vector<std::int64_t>{1});
}

}  // namespace
}  // namespace hector::ratelimit
