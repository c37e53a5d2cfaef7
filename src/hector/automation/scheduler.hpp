#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hector/automation/automation_store.hpp"
#include "hector/automation/catalog.hpp"
#include "hector/common/time.hpp"

namespace hector::automation {

/// The scheduler's time: what time it is and a way to sleep until a time. Injectable so that tests drive
/// schedules with a fake clock. Thread-safe.
class SchedulerClock {
  public:
    virtual ~SchedulerClock() = default;
    virtual TimePoint now() const = 0;
    /// Completes once now() >= when (by this clock), resuming on the awaiting coroutine's executor.
    virtual boost::asio::awaitable<void> sleep_until(TimePoint when) = 0;
};

/// The system clock.
std::shared_ptr<SchedulerClock> system_scheduler_clock();
/// A clock that agrees with the system clock at `origin` and runs `factor` times faster from there: with 60 a cron
/// minute passes in one real second. For integration tests (HECTOR_TEST_SCHEDULER_SPEEDUP), never for production.
std::shared_ptr<SchedulerClock> accelerated_scheduler_clock(double factor, TimePoint origin);
/// The clock that HECTOR_TEST_SCHEDULER_SPEEDUP asks for, "<factor>" or "<factor>@<RFC 3339 origin>" (default
/// origin: the start of the current UTC hour; instances given the same origin share one clock): an accelerated
/// clock, with a warning in the log. Null when `spec` is empty or malformed, or the factor is not above 1.
std::shared_ptr<SchedulerClock> test_scheduler_clock(std::string_view spec);

/// Runs the schedule triggers of one app (server.md §9.2): for each, sleeps until the next firing, claims
/// (app, agent, firing time) in the AutomationStore so exactly one instance sharing the database fires it, and
/// calls `fire`. After a firing (or a late wake-up) the next time is computed from the clock's present, so missed
/// ticks are not replayed. Thread-safe; start() and stop() are called once each.
class Scheduler {
  public:
    /// Starts the task of one firing. Errors are logged by the callee.
    using Fire = std::function<boost::asio::awaitable<void>(const ScheduleTrigger&, TimePoint fire_at)>;

    Scheduler(boost::asio::io_context& io, std::shared_ptr<SchedulerClock> clock, AutomationStore& store,
              std::string app_id, std::shared_ptr<const Catalog> catalog, Fire fire);

    void start();
    /// No firing starts after this returns; sleeping loops end when they wake (or with the io_context).
    void stop() { stopped_ = true; }
    std::uint64_t fired() const { return fired_.load(); }
    /// True once no loop of this scheduler runs any more (never started, or stopped and every loop woke and
    /// ended): the scheduler may then be destroyed.
    bool idle() const { return loops_.load() == 0; }

  private:
    boost::asio::awaitable<void> loop(const ScheduleTrigger* trigger);

    boost::asio::io_context& io_;
    std::shared_ptr<SchedulerClock> clock_;
    AutomationStore& store_;
    std::string app_id_;
    std::shared_ptr<const Catalog> catalog_;
    Fire fire_;
    std::atomic<bool> stopped_{false};
    std::atomic<std::uint64_t> fired_{0};
    std::atomic<std::size_t> loops_{0};
};

}  // namespace hector::automation
