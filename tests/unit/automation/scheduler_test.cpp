#include "hector/automation/scheduler.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <mutex>
#include <set>
#include <thread>

#include "hector/config/loader.hpp"

namespace hector::automation {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

/// A clock the test moves by hand; sleepers look at it every millisecond of real time. It knows what its sleepers
/// wait for, so a test moves it only once the scheduler is waiting.
class ManualClock final : public SchedulerClock {
  public:
    explicit ManualClock(TimePoint start) : now_(start) {}
    TimePoint now() const override {
        std::lock_guard lock(mu_);
        return now_;
    }
    void set(TimePoint t) {
        std::lock_guard lock(mu_);
        now_ = t;
    }
    asio::awaitable<void> sleep_until(TimePoint when) override {
        {
            std::lock_guard lock(mu_);
            sleepers_.insert(when);
        }
        while (now() < when) {
            asio::steady_timer timer(co_await asio::this_coro::executor, 1ms);
            co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        }
        std::lock_guard lock(mu_);
        sleepers_.erase(sleepers_.find(when));
    }
    std::size_t sleepers(TimePoint when) const {
        std::lock_guard lock(mu_);
        return sleepers_.count(when);
    }
    /// Waits (bounded by 5 s of real time) until `n` sleepers wait for `when`.
    bool wait_sleepers(TimePoint when, std::size_t n) const {
        for (int i = 0; i < 5000; ++i) {
            if (sleepers(when) == n) return true;
            std::this_thread::sleep_for(1ms);
        }
        return false;
    }

  private:
    mutable std::mutex mu_;
    TimePoint now_;
    std::multiset<TimePoint> sleepers_;
};

/// What the scheduler fired, in order.
class Recorder {
  public:
    void add(const std::string& agent, TimePoint at) {
        std::lock_guard lock(mu_);
        fired_.push_back(agent + "@" + format_rfc3339(at));
    }
    std::vector<std::string> fired() const {
        std::lock_guard lock(mu_);
        return fired_;
    }

  private:
    mutable std::mutex mu_;
    std::vector<std::string> fired_;
};

std::shared_ptr<const Catalog> catalog(std::string_view agents_yaml) {
    auto loaded =
        config::load_config_text(std::string("llms: {m: {provider: echo}}\nagents:\n") + std::string(agents_yaml),
                                 config::Environment::fixed({}));
    auto built = Catalog::build(loaded.config);
    EXPECT_TRUE(built) << built.error().message;
    return *built;
}

TimePoint at(std::string_view s) {
    return *parse_rfc3339(s);
}

class SchedulerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        clock_ = std::make_shared<ManualClock>(at("2025-01-20T10:00:30Z"));
        store_ = make_memory_automation_store();
    }
    void TearDown() override {
        for (auto& s : schedulers_) s->stop();
        work_.reset();
        io_.stop();
        if (thread_.joinable()) thread_.join();
    }
    Scheduler& add(std::shared_ptr<const Catalog> cat, Recorder& rec) {
        schedulers_.push_back(
            std::make_unique<Scheduler>(io_, clock_, *store_, "default", std::move(cat),
                                        [&rec](const ScheduleTrigger& t, TimePoint when) -> asio::awaitable<void> {
                                            rec.add(t.agent, when);
                                            co_return;
                                        }));
        return *schedulers_.back();
    }
    void run() {
        for (auto& s : schedulers_) s->start();
        thread_ = std::thread([this] { io_.run(); });
    }

    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
    std::thread thread_;
    std::shared_ptr<ManualClock> clock_;
    std::unique_ptr<AutomationStore> store_;
    std::vector<std::unique_ptr<Scheduler>> schedulers_;
};

TEST_F(SchedulerTest, FiresAtEachTickOfTheFakeClock) {
    Recorder rec;
    add(catalog("  tick:\n    llm: m\n    trigger: {type: schedule, cron: \"* * * * *\"}\n"), rec);
    run();
    ASSERT_TRUE(clock_->wait_sleepers(at("2025-01-20T10:01:00Z"), 1));
    clock_->set(at("2025-01-20T10:01:00Z"));
    ASSERT_TRUE(clock_->wait_sleepers(at("2025-01-20T10:02:00Z"), 1));
    clock_->set(at("2025-01-20T10:02:00Z"));
    ASSERT_TRUE(clock_->wait_sleepers(at("2025-01-20T10:03:00Z"), 1));
    EXPECT_EQ(rec.fired(), (std::vector<std::string>{"tick@2025-01-20T10:01:00Z", "tick@2025-01-20T10:02:00Z"}));
}

TEST_F(SchedulerTest, MissedTicksAreNotReplayed) {
    Recorder rec;
    add(catalog("  tick:\n    llm: m\n    trigger: {type: schedule, cron: \"* * * * *\"}\n"), rec);
    run();
    ASSERT_TRUE(clock_->wait_sleepers(at("2025-01-20T10:01:00Z"), 1));
    // The clock jumps over five ticks: the one being waited for fires (late), the others are skipped.
    clock_->set(at("2025-01-20T10:06:30Z"));
    ASSERT_TRUE(clock_->wait_sleepers(at("2025-01-20T10:07:00Z"), 1));
    clock_->set(at("2025-01-20T10:07:00Z"));
    ASSERT_TRUE(clock_->wait_sleepers(at("2025-01-20T10:08:00Z"), 1));
    EXPECT_EQ(rec.fired(), (std::vector<std::string>{"tick@2025-01-20T10:01:00Z", "tick@2025-01-20T10:07:00Z"}));
}

TEST_F(SchedulerTest, InstancesSharingAStoreFireEachTickOnce) {
    Recorder a, b;
    const char* yaml = "  tick:\n    llm: m\n    trigger: {type: schedule, cron: \"*/5 * * * *\"}\n";
    add(catalog(yaml), a);
    add(catalog(yaml), b);
    run();
    for (const char* tick : {"2025-01-20T10:05:00Z", "2025-01-20T10:10:00Z", "2025-01-20T10:15:00Z"}) {
        ASSERT_TRUE(clock_->wait_sleepers(at(tick), 2)) << tick;
        clock_->set(at(tick));
    }
    ASSERT_TRUE(clock_->wait_sleepers(at("2025-01-20T10:20:00Z"), 2));
    auto all = a.fired();
    for (auto& f : b.fired()) all.push_back(f);
    std::sort(all.begin(), all.end());
    EXPECT_EQ(all, (std::vector<std::string>{"tick@2025-01-20T10:05:00Z", "tick@2025-01-20T10:10:00Z",
                                             "tick@2025-01-20T10:15:00Z"}));
}

TEST_F(SchedulerTest, OnlyEnabledSchedulesRunAndStopEndsFiring) {
    Recorder rec;
    auto& s = add(catalog("  on:\n    llm: m\n    trigger: {type: schedule, cron: \"* * * * *\"}\n"
                          "  off:\n    llm: m\n    trigger: {type: schedule, cron: \"* * * * *\", enabled: false}\n"),
                  rec);
    run();
    ASSERT_TRUE(clock_->wait_sleepers(at("2025-01-20T10:01:00Z"), 1));  // one loop: "off" has none
    clock_->set(at("2025-01-20T10:01:00Z"));
    ASSERT_TRUE(clock_->wait_sleepers(at("2025-01-20T10:02:00Z"), 1));
    s.stop();
    clock_->set(at("2025-01-20T10:02:00Z"));
    ASSERT_TRUE(clock_->wait_sleepers(at("2025-01-20T10:02:00Z"), 0));  // woke up and ended
    ASSERT_TRUE(clock_->wait_sleepers(at("2025-01-20T10:03:00Z"), 0));
    EXPECT_EQ(rec.fired(), std::vector<std::string>{"on@2025-01-20T10:01:00Z"});
    EXPECT_EQ(s.fired(), 1u);
}

TEST(SchedulerClocks, AcceleratedClockRunsFaster) {
    auto fast = accelerated_scheduler_clock(1000, Clock::now());
    const auto real_before = Clock::now();
    const auto t0 = fast->now();
    std::this_thread::sleep_for(20ms);
    const auto elapsed_fast = fast->now() - t0;
    const auto elapsed_real = Clock::now() - real_before;
    EXPECT_GT(elapsed_fast, elapsed_real * 100);
    EXPECT_FALSE(test_scheduler_clock(""));
    EXPECT_FALSE(test_scheduler_clock("fast"));
    EXPECT_FALSE(test_scheduler_clock("0.5"));
    EXPECT_FALSE(test_scheduler_clock("60x"));
    EXPECT_FALSE(test_scheduler_clock("60@yesterday"));
    EXPECT_TRUE(test_scheduler_clock("60"));
    // With an origin, the clock reads that origin plus 60 times the real time elapsed since it.
    const auto origin = Clock::now() - 10s;
    auto anchored = test_scheduler_clock("60@" + format_rfc3339(origin));
    ASSERT_TRUE(anchored);
    EXPECT_GE(anchored->now(), origin + 590s);
    EXPECT_LT(anchored->now(), origin + 3600s);
}

}  // namespace
}  // namespace hector::automation
