// The limiter's decisions with an injected clock: count and token rules, the tightest limit, window roll-over.
#include <gtest/gtest.h>

#include "hector/ratelimit/limiter.hpp"
#include "hector/ratelimit/memory_counter_store.hpp"
#include "ratelimit_test_util.hpp"

namespace hector::ratelimit {
namespace {

using testing::sync;

class LimiterTest : public ::testing::Test {
  protected:
    void SetUp() override { now_ = *parse_rfc3339("2025-01-20T10:00:15Z"); }
    Limiter make(std::vector<Rule> rules) {
        return Limiter(std::move(rules), std::make_unique<MemoryCounterStore>(1000, [this] { return now_; }),
                       [this] { return now_; });
    }
    static std::int64_t unix_at(const char* t) { return unix_seconds(*parse_rfc3339(t)); }
    TimePoint now_;
};

TEST_F(LimiterTest, TheThirdInvocationInAMinuteIsRefusedUntilTheWindowEnds) {
    auto limiter = make({{Kind::count, Window::minute, 2}});
    auto first = sync(limiter.admit("k"));
    ASSERT_TRUE(first.ok());
    EXPECT_TRUE(first->allowed);
    EXPECT_EQ(first->limit, 2);
    EXPECT_EQ(first->remaining, 1);
    EXPECT_EQ(first->reset, unix_at("2025-01-20T10:01:00Z"));
    auto second = sync(limiter.admit("k"));
    EXPECT_TRUE(second->allowed);
    EXPECT_EQ(second->remaining, 0);

    now_ += std::chrono::seconds(20);  // 10:00:35
    auto third = sync(limiter.admit("k"));
    EXPECT_FALSE(third->allowed);
    EXPECT_EQ(third->remaining, 0);
    EXPECT_EQ(third->reset, unix_at("2025-01-20T10:01:00Z"));
    EXPECT_EQ(third->retry_after, 25);
    // A refusal charges nothing, and other keys are not affected.
    EXPECT_EQ(sync(limiter.peek("k"))->remaining, 0);
    EXPECT_TRUE(sync(limiter.admit("other"))->allowed);

    now_ = *parse_rfc3339("2025-01-20T10:01:00Z");  // the next window
    auto fresh = sync(limiter.admit("k"));
    EXPECT_TRUE(fresh->allowed);
    EXPECT_EQ(fresh->remaining, 1);
    EXPECT_EQ(fresh->reset, unix_at("2025-01-20T10:02:00Z"));
}

TEST_F(LimiterTest, RetryAfterIsAtLeastOneSecond) {
    auto limiter = make({{Kind::count, Window::minute, 1}});
    now_ = *parse_rfc3339("2025-01-20T10:00:59.900Z");
    EXPECT_TRUE(sync(limiter.admit("k"))->allowed);
    auto refused = sync(limiter.admit("k"));
    EXPECT_FALSE(refused->allowed);
    EXPECT_EQ(refused->retry_after, 1);
}

TEST_F(LimiterTest, HeadersDescribeTheTightestRule) {
    auto limiter = make({{Kind::count, Window::hour, 100}, {Kind::count, Window::minute, 3}});
    auto d = sync(limiter.admit("k"));
    EXPECT_EQ(d->limit, 3);
    EXPECT_EQ(d->remaining, 2);
    EXPECT_EQ(d->reset, unix_at("2025-01-20T10:01:00Z"));
    // Equal remaining: the later reset describes when the key is free again.
    auto even = make({{Kind::count, Window::minute, 5}, {Kind::count, Window::day, 5}});
    auto e = sync(even.admit("k"));
    EXPECT_EQ(e->remaining, 4);
    EXPECT_EQ(e->reset, unix_at("2025-01-21T00:00:00Z"));
}

TEST_F(LimiterTest, ARefusalNamesTheRuleThatBlocksLongest) {
    auto limiter = make({{Kind::count, Window::minute, 1}, {Kind::count, Window::day, 1}});
    EXPECT_TRUE(sync(limiter.admit("k"))->allowed);
    auto refused = sync(limiter.admit("k"));
    EXPECT_FALSE(refused->allowed);
    EXPECT_EQ(refused->reset, unix_at("2025-01-21T00:00:00Z"));
    EXPECT_EQ(refused->retry_after, unix_at("2025-01-21T00:00:00Z") - unix_at("2025-01-20T10:00:15Z"));
}

TEST_F(LimiterTest, CountRulesAreChargedAllOrNothing) {
    auto store = std::make_unique<MemoryCounterStore>(1000, [this] { return now_; });
    auto* counters = store.get();
    Limiter limiter({{Kind::count, Window::minute, 1}, {Kind::count, Window::hour, 10}}, std::move(store),
                    [this] { return now_; });
    const auto hour = window_at(Window::hour, now_);
    const Slot hour_slot{"count:hour", hour.start, hour.end, 10, true};
    EXPECT_TRUE(sync(limiter.admit("k"))->allowed);
    EXPECT_FALSE(sync(limiter.admit("k"))->allowed);  // the minute blocks: the hour is not charged either
    EXPECT_FALSE(sync(limiter.admit("k"))->allowed);
    EXPECT_EQ(counters->usage_now("k", {hour_slot}), std::vector<std::int64_t>{1});
    now_ += std::chrono::minutes(1);
    EXPECT_TRUE(sync(limiter.admit("k"))->allowed);
    EXPECT_EQ(counters->usage_now("k", {hour_slot}), std::vector<std::int64_t>{2});
    auto peeked = sync(limiter.peek("k"));
    EXPECT_EQ(peeked->limit, 1);  // the minute is the tightest (none left)
    EXPECT_EQ(peeked->remaining, 0);
}

TEST_F(LimiterTest, TokensAreCheckedBeforeARunAndChargedAfterIt) {
    auto limiter = make({{Kind::token, Window::day, 100}});
    EXPECT_TRUE(limiter.has_token_rules());
    auto first = sync(limiter.admit("k"));
    EXPECT_TRUE(first->allowed);
    EXPECT_EQ(first->remaining, 100);  // admission itself uses no tokens
    ASSERT_TRUE(sync(limiter.charge_tokens("k", 60)).ok());
    EXPECT_TRUE(sync(limiter.admit("k"))->allowed);          // 40 left: the next run may start
    ASSERT_TRUE(sync(limiter.charge_tokens("k", 60)).ok());  // a run may overshoot; it is charged in full
    auto refused = sync(limiter.admit("k"));
    EXPECT_FALSE(refused->allowed);
    EXPECT_EQ(refused->remaining, 0);
    EXPECT_EQ(refused->reset, unix_at("2025-01-21T00:00:00Z"));
    now_ = *parse_rfc3339("2025-01-21T00:00:00Z");
    EXPECT_TRUE(sync(limiter.admit("k"))->allowed);
}

TEST_F(LimiterTest, ATokenLimitBlocksCountChargesToo) {
    auto limiter = make({{Kind::count, Window::minute, 5}, {Kind::token, Window::hour, 10}});
    ASSERT_TRUE(sync(limiter.charge_tokens("k", 10)).ok());
    EXPECT_FALSE(sync(limiter.admit("k"))->allowed);
    auto peeked = sync(limiter.peek("k"));
    EXPECT_EQ(peeked->limit, 10);
    EXPECT_EQ(peeked->remaining, 0);
    // The refused admission did not use up an invocation.
    Limiter counts_only({{Kind::count, Window::minute, 5}},
                        std::make_unique<MemoryCounterStore>(1000, [this] { return now_; }), [this] { return now_; });
    EXPECT_EQ(sync(counts_only.admit("k"))->remaining, 4);
}

TEST_F(LimiterTest, ChargingTokensWithoutTokenRulesDoesNothing) {
    auto limiter = make({{Kind::count, Window::minute, 2}});
    EXPECT_FALSE(limiter.has_token_rules());
    ASSERT_TRUE(sync(limiter.charge_tokens("k", 1000)).ok());
    EXPECT_EQ(sync(limiter.peek("k"))->remaining, 2);
}

}  // namespace
}  // namespace hector::ratelimit
