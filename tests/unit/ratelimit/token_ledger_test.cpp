// Which key pays a run's tokens, whatever order the binding, the end of the run and its usage arrive in.
#include <gtest/gtest.h>

#include "hector/ratelimit/token_ledger.hpp"

namespace hector::ratelimit {
namespace {

using Steady = TokenLedger::SteadyClock;
using namespace std::chrono_literals;

class Ledger : public ::testing::Test {
  protected:
    TokenLedger make(std::size_t max_entries = 1000) {
        return TokenLedger(60s, max_entries, [this] { return now_; });
    }
    Steady::time_point now_{std::chrono::hours(1)};
};

TEST_F(Ledger, UsageAfterTheBindingIsChargedToItsKey) {
    auto ledger = make();
    EXPECT_FALSE(ledger.bind("t1", "alice", now_));
    ledger.ended("t1");
    auto charge = ledger.used("t1", 42);
    ASSERT_TRUE(charge);
    EXPECT_EQ(charge->key, "alice");
    EXPECT_EQ(charge->tokens, 42);
    EXPECT_FALSE(ledger.used("t1", 5));  // the binding was used up; later usage waits for a new one
}

TEST_F(Ledger, UsageBeforeTheBindingWaitsForIt) {
    auto ledger = make();
    const auto admitted = now_;
    now_ += 1ms;
    ledger.ended("t1");
    EXPECT_FALSE(ledger.used("t1", 30));
    auto charge = ledger.bind("t1", "bob", admitted);
    ASSERT_TRUE(charge);
    EXPECT_EQ(charge->key, "bob");
    EXPECT_EQ(charge->tokens, 30);
}

TEST_F(Ledger, ABindingAfterTheRunEndedStillTakesTheUsageThenIsForgotten) {
    auto ledger = make();
    const auto admitted = now_;
    now_ += 1ms;
    ledger.ended("t1");
    EXPECT_FALSE(ledger.bind("t1", "carol", admitted));
    auto charge = ledger.used("t1", 7);
    ASSERT_TRUE(charge);
    EXPECT_EQ(charge->key, "carol");
    // A run that used no tokens leaves its binding for a minute only.
    now_ += 1ms;
    ledger.ended("t2");
    EXPECT_FALSE(ledger.bind("t2", "dave", admitted));
    now_ += 61s;
    ledger.ended("t3");  // any call sweeps
    EXPECT_FALSE(ledger.used("t2", 3));
}

TEST_F(Ledger, AResumedRunKeepsItsBindingPastTheEarlierInterruption) {
    auto ledger = make();
    EXPECT_FALSE(ledger.bind("t1", "erin", now_));
    ledger.ended("t1");  // input-required
    ASSERT_TRUE(ledger.used("t1", 10));
    now_ += 5s;
    EXPECT_FALSE(ledger.bind("t1", "erin", now_));  // the approval answer starts a second run
    now_ += 10min;                                  // a long run: its binding must not expire meanwhile
    ledger.ended("t1");
    auto charge = ledger.used("t1", 20);
    ASSERT_TRUE(charge);
    EXPECT_EQ(charge->tokens, 20);
}

TEST_F(Ledger, UnclaimedUsageAndEndsAreForgottenAfterTheLinger) {
    auto ledger = make();
    for (int i = 0; i < 100; ++i) {
        ledger.ended("t" + std::to_string(i));
        (void)ledger.used("t" + std::to_string(i), 1);
    }
    EXPECT_EQ(ledger.size(), 200u);
    now_ += 61s;
    ledger.ended("last");
    EXPECT_EQ(ledger.size(), 1u);
    EXPECT_FALSE(ledger.bind("t5", "late", now_ - 120s));  // its usage is gone
}

TEST_F(Ledger, BindingsAreBounded) {
    auto ledger = make(10);
    for (int i = 0; i < 50; ++i) (void)ledger.bind("t" + std::to_string(i), "k", now_);
    EXPECT_LE(ledger.size(), 10u);
    EXPECT_TRUE(ledger.used("t49", 1));
}

}  // namespace
}  // namespace hector::ratelimit
