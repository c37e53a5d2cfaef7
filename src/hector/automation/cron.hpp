#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hector/common/result.hpp"
#include "hector/common/time.hpp"

namespace date {
class time_zone;
}

namespace hector::automation {

/// A 5-field cron expression (minute hour day-of-month month day-of-week) in an IANA time zone (server.md §9.2,
/// DECISIONS 34). Fields take `*`, numbers, ranges `a-b`, lists `a,b` and steps `*/n`, `a-b/n`, `a/n` (a to the
/// field's end); day-of-week 0 and 7 are Sunday. Names (JAN, MON) are not accepted.
///
/// Day matching is cron's: when both day-of-month and day-of-week are restricted (neither starts with `*`), a day
/// matches either; otherwise both must match.
///
/// Daylight-saving changes follow cron's practice: a time skipped by a spring-forward jump fires once at the first
/// instant after the jump; a time that occurs twice in a fall-back hour fires once, at its first occurrence,
/// unless the hour field is `*` (every hour), in which case both occurrences fire, keeping the spacing of
/// frequent schedules.
///
/// Immutable; thread-safe. Zone data comes from the system's tz database (/usr/share/zoneinfo).
class CronSchedule {
  public:
    /// Errc::invalid_argument naming the bad field or the unknown zone.
    static Result<CronSchedule> parse(std::string_view expression, std::string_view timezone = "UTC");

    /// The first firing strictly after `after`; nullopt when none comes within eight years (e.g. `0 0 30 2 *`).
    std::optional<TimePoint> next_after(TimePoint after) const;

    const std::string& expression() const { return expression_; }
    const std::string& timezone() const { return timezone_; }

  private:
    std::string expression_;
    std::string timezone_;
    std::uint64_t minutes_ = 0;  // bit n = value n
    std::uint64_t hours_ = 0;
    std::uint64_t days_ = 0;
    std::uint64_t months_ = 0;
    std::uint64_t weekdays_ = 0;  // 0 = Sunday
    bool dom_star_ = false;
    bool dow_star_ = false;
    bool every_hour_ = false;
    const date::time_zone* zone_ = nullptr;
};

}  // namespace hector::automation
