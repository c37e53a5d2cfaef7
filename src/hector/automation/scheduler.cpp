#include "hector/automation/scheduler.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <charconv>

#include "hector/common/logging.hpp"

namespace hector::automation {

namespace asio = boost::asio;

namespace {

// Sleeps in bounded steps and re-reads the clock after each, so a system clock that jumps (NTP, suspend) is
// followed within a minute.
constexpr auto kMaxStep = std::chrono::seconds(60);

class SystemClock final : public SchedulerClock {
  public:
    TimePoint now() const override { return Clock::now(); }
    asio::awaitable<void> sleep_until(TimePoint when) override {
        for (auto left = when - now(); left > Clock::duration::zero(); left = when - now()) {
            asio::steady_timer timer(co_await asio::this_coro::executor,
                                     std::min<std::chrono::steady_clock::duration>(left, kMaxStep));
            co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        }
    }
};

class AcceleratedClock final : public SchedulerClock {
  public:
    AcceleratedClock(double factor, TimePoint origin) : factor_(factor), origin_(origin) {}
    TimePoint now() const override {
        const auto real = Clock::now() - origin_;
        return origin_ + std::chrono::duration_cast<Clock::duration>(real * factor_);
    }
    asio::awaitable<void> sleep_until(TimePoint when) override {
        for (auto left = when - now(); left > Clock::duration::zero(); left = when - now()) {
            auto real = std::chrono::duration_cast<std::chrono::steady_clock::duration>(left / factor_);
            asio::steady_timer timer(co_await asio::this_coro::executor,
                                     std::max<std::chrono::steady_clock::duration>(real, std::chrono::milliseconds(1)));
            co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        }
    }

  private:
    double factor_;
    TimePoint origin_;
};

}  // namespace

std::shared_ptr<SchedulerClock> system_scheduler_clock() {
    return std::make_shared<SystemClock>();
}

std::shared_ptr<SchedulerClock> accelerated_scheduler_clock(double factor, TimePoint origin) {
    return std::make_shared<AcceleratedClock>(factor > 0 ? factor : 1.0, origin);
}

std::shared_ptr<SchedulerClock> test_scheduler_clock(std::string_view spec) {
    if (spec.empty()) return nullptr;
    const auto at = spec.find('@');
    const std::string_view number = spec.substr(0, at);
    double factor = 0;
    auto r = std::from_chars(number.data(), number.data() + number.size(), factor);
    if (r.ec != std::errc{} || r.ptr != number.data() + number.size() || !(factor > 1.0)) return nullptr;
    TimePoint origin = std::chrono::floor<std::chrono::hours>(Clock::now());
    if (at != std::string_view::npos) {
        auto parsed = parse_rfc3339(spec.substr(at + 1));
        if (!parsed) return nullptr;
        origin = *parsed;
    }
    log::warn("automation",
              "HECTOR_TEST_SCHEDULER_SPEEDUP: schedules run {}x faster than real time from {} (tests only)", factor,
              format_rfc3339(origin));
    return accelerated_scheduler_clock(factor, origin);
}

Scheduler::Scheduler(asio::io_context& io, std::shared_ptr<SchedulerClock> clock, AutomationStore& store,
                     std::string app_id, std::shared_ptr<const Catalog> catalog, Fire fire)
    : io_(io),
      clock_(std::move(clock)),
      store_(store),
      app_id_(std::move(app_id)),
      catalog_(std::move(catalog)),
      fire_(std::move(fire)) {}

void Scheduler::start() {
    for (const auto& trigger : catalog_->schedules()) {
        log::info("automation", "agent {}: schedule \"{}\" ({}), next run {}", trigger.agent, trigger.cron.expression(),
                  trigger.cron.timezone(),
                  format_rfc3339(trigger.cron.next_after(clock_->now()).value_or(TimePoint{})));
        ++loops_;
        // The completion handler runs only when the loop ends (not when the io_context drops it at exit), so it
        // may count down on this scheduler, which is kept until idle().
        asio::co_spawn(io_, loop(&trigger), [this, agent = trigger.agent](std::exception_ptr e) {
            --loops_;
            if (!e) return;
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                log::error("automation", "agent {}: the schedule stopped: {}", agent, ex.what());
            }
        });
    }
}

asio::awaitable<void> Scheduler::loop(const ScheduleTrigger* trigger) {
    TimePoint last{};
    while (!stopped_) {
        const auto next = trigger->cron.next_after(std::max(clock_->now(), last));
        if (!next) {
            log::warn("automation", "agent {}: schedule \"{}\" has no further firing", trigger->agent,
                      trigger->cron.expression());
            co_return;
        }
        co_await clock_->sleep_until(*next);
        if (stopped_) co_return;
        last = *next;
        auto claimed = co_await store_.claim_firing(app_id_, trigger->agent, *next, clock_->now());
        if (!claimed) {
            log::warn("automation", "agent {}: could not claim the firing at {}: {}", trigger->agent,
                      format_rfc3339(*next), claimed.error().message);
            continue;
        }
        if (!*claimed) {
            log::debug("automation", "agent {}: the firing at {} runs on another instance", trigger->agent,
                       format_rfc3339(*next));
            continue;
        }
        ++fired_;
        co_await fire_(*trigger, *next);
    }
}

}  // namespace hector::automation
