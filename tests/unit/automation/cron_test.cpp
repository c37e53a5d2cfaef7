#include "hector/automation/cron.hpp"

#include <gtest/gtest.h>

namespace hector::automation {
namespace {

TimePoint at(std::string_view rfc3339) {
    auto t = parse_rfc3339(rfc3339);
    EXPECT_TRUE(t) << rfc3339;
    return t.value_or(TimePoint{});
}

CronSchedule cron(std::string_view expr, std::string_view zone = "UTC") {
    auto c = CronSchedule::parse(expr, zone);
    EXPECT_TRUE(c) << expr << ": " << (c ? "" : c.error().message);
    return c ? *c : *CronSchedule::parse("* * * * *");
}

// The next `n` firings after `from`, as RFC 3339 UTC.
std::vector<std::string> firings(const CronSchedule& c, std::string_view from, int n) {
    std::vector<std::string> out;
    TimePoint t = at(from);
    for (int i = 0; i < n; ++i) {
        auto next = c.next_after(t);
        if (!next) break;
        out.push_back(format_rfc3339(*next));
        t = *next;
    }
    return out;
}

using V = std::vector<std::string>;

TEST(Cron, EveryMinuteIsStrictlyAfter) {
    EXPECT_EQ(firings(cron("* * * * *"), "2025-01-20T10:00:00Z", 2),
              (V{"2025-01-20T10:01:00Z", "2025-01-20T10:02:00Z"}));
    EXPECT_EQ(firings(cron("* * * * *"), "2025-01-20T10:00:59Z", 1), (V{"2025-01-20T10:01:00Z"}));
}

TEST(Cron, StepsRangesAndLists) {
    EXPECT_EQ(firings(cron("*/15 * * * *"), "2025-01-20T10:07:00Z", 3),
              (V{"2025-01-20T10:15:00Z", "2025-01-20T10:30:00Z", "2025-01-20T10:45:00Z"}));
    EXPECT_EQ(firings(cron("5/20 * * * *"), "2025-01-20T10:00:00Z", 4),
              (V{"2025-01-20T10:05:00Z", "2025-01-20T10:25:00Z", "2025-01-20T10:45:00Z", "2025-01-20T11:05:00Z"}));
    EXPECT_EQ(firings(cron("10-20/5 9 * * *"), "2025-01-20T00:00:00Z", 4),
              (V{"2025-01-20T09:10:00Z", "2025-01-20T09:15:00Z", "2025-01-20T09:20:00Z", "2025-01-21T09:10:00Z"}));
    EXPECT_EQ(firings(cron("0 8,12,18 * * *"), "2025-01-20T09:00:00Z", 3),
              (V{"2025-01-20T12:00:00Z", "2025-01-20T18:00:00Z", "2025-01-21T08:00:00Z"}));
    EXPECT_EQ(firings(cron("0 9 * * 1-5"), "2025-01-24T10:00:00Z", 2),  // Friday → Monday, Tuesday
              (V{"2025-01-27T09:00:00Z", "2025-01-28T09:00:00Z"}));
    EXPECT_EQ(firings(cron("0 0 1 */3 *"), "2025-01-15T00:00:00Z", 2),
              (V{"2025-04-01T00:00:00Z", "2025-07-01T00:00:00Z"}));
}

TEST(Cron, SundayIsZeroOrSeven) {
    EXPECT_EQ(firings(cron("0 0 * * 7"), "2025-06-04T00:00:00Z", 1), (V{"2025-06-08T00:00:00Z"}));
    EXPECT_EQ(firings(cron("0 0 * * 0"), "2025-06-04T00:00:00Z", 1), (V{"2025-06-08T00:00:00Z"}));
    EXPECT_EQ(firings(cron("0 0 * * 5-7"), "2025-06-04T00:00:00Z", 3),
              (V{"2025-06-06T00:00:00Z", "2025-06-07T00:00:00Z", "2025-06-08T00:00:00Z"}));
}

TEST(Cron, DayOfMonthOrDayOfWeekWhenBothAreRestricted) {
    // 2025-06-01 is a Sunday; the 6th is a Friday, the 13th a Friday too, the 10th a Tuesday.
    EXPECT_EQ(firings(cron("0 0 10 * 5"), "2025-06-01T00:00:00Z", 3),
              (V{"2025-06-06T00:00:00Z", "2025-06-10T00:00:00Z", "2025-06-13T00:00:00Z"}));
    EXPECT_EQ(firings(cron("0 0 10 * *"), "2025-06-01T00:00:00Z", 1), (V{"2025-06-10T00:00:00Z"}));
    EXPECT_EQ(firings(cron("0 0 * * 5"), "2025-06-01T00:00:00Z", 1), (V{"2025-06-06T00:00:00Z"}));
    // A day-of-month starting with * is unrestricted: both must match (odd days that are Fridays).
    EXPECT_EQ(firings(cron("0 0 */2 * 5"), "2025-06-01T00:00:00Z", 1), (V{"2025-06-13T00:00:00Z"}));
}

TEST(Cron, LeapDaysAndNever) {
    EXPECT_EQ(firings(cron("0 0 29 2 *"), "2025-01-01T00:00:00Z", 2),
              (V{"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}));
    EXPECT_FALSE(cron("0 0 30 2 *").next_after(at("2025-01-01T00:00:00Z")));
    EXPECT_FALSE(cron("0 0 31 4 *").next_after(at("2025-01-01T00:00:00Z")));
}

TEST(Cron, TimeZoneShiftsTheWallClock) {
    EXPECT_EQ(firings(cron("0 9 * * *", "Europe/Berlin"), "2025-01-20T00:00:00Z", 1), (V{"2025-01-20T08:00:00Z"}));
    EXPECT_EQ(firings(cron("0 9 * * *", "Europe/Berlin"), "2025-07-20T00:00:00Z", 1), (V{"2025-07-20T07:00:00Z"}));
    EXPECT_EQ(firings(cron("0 9 * * *", "Asia/Kolkata"), "2025-01-20T00:00:00Z", 1), (V{"2025-01-20T03:30:00Z"}));
}

// America/New_York springs forward on 2025-03-09: 02:00 EST (07:00Z) becomes 03:00 EDT.
TEST(Cron, SpringForwardFiresSkippedTimesAsTheClockLands) {
    auto daily = cron("30 2 * * *", "America/New_York");
    EXPECT_EQ(firings(daily, "2025-03-08T12:00:00Z", 3),
              (V{"2025-03-09T07:00:00Z", "2025-03-10T06:30:00Z", "2025-03-11T06:30:00Z"}));
    auto half_hourly = cron("*/30 * * * *", "America/New_York");
    EXPECT_EQ(firings(half_hourly, "2025-03-09T06:15:00Z", 3),
              (V{"2025-03-09T06:30:00Z", "2025-03-09T07:00:00Z", "2025-03-09T07:30:00Z"}));
    // A daily run before the jump is unaffected.
    EXPECT_EQ(firings(cron("0 1 * * *", "America/New_York"), "2025-03-08T12:00:00Z", 2),
              (V{"2025-03-09T06:00:00Z", "2025-03-10T05:00:00Z"}));
}

// America/New_York falls back on 2025-11-02: 02:00 EDT (06:00Z) becomes 01:00 EST; 01:00-01:59 happens twice.
TEST(Cron, FallBackFiresOnceUnlessEveryHour) {
    auto daily = cron("30 1 * * *", "America/New_York");
    EXPECT_EQ(firings(daily, "2025-11-01T12:00:00Z", 2), (V{"2025-11-02T05:30:00Z", "2025-11-03T06:30:00Z"}));
    auto every_half_hour = cron("0,30 * * * *", "America/New_York");
    EXPECT_EQ(firings(every_half_hour, "2025-11-02T05:00:00Z", 4),
              (V{"2025-11-02T05:30:00Z", "2025-11-02T06:00:00Z", "2025-11-02T06:30:00Z", "2025-11-02T07:00:00Z"}));
}

TEST(Cron, ParseErrorsNameTheField) {
    auto error = [](std::string_view expr, std::string_view zone = "UTC") {
        auto c = CronSchedule::parse(expr, zone);
        EXPECT_FALSE(c) << expr;
        return c ? std::string() : c.error().message;
    };
    EXPECT_EQ(error("* * * *"), "cron \"* * * *\": expected 5 fields (minute hour day month weekday), got 4");
    EXPECT_EQ(error("60 * * * *"), "cron \"60 * * * *\": minute field \"60\": values must lie in 0-59, low to high");
    EXPECT_EQ(error("* 24 * * *"), "cron \"* 24 * * *\": hour field \"24\": values must lie in 0-23, low to high");
    EXPECT_EQ(error("* * 0 * *"), "cron \"* * 0 * *\": day of month field \"0\": values must lie in 1-31, low to high");
    EXPECT_EQ(error("* * * 13 *"), "cron \"* * * 13 *\": month field \"13\": values must lie in 1-12, low to high");
    EXPECT_EQ(error("* * * * 8"), "cron \"* * * * 8\": day of week field \"8\": values must lie in 0-7, low to high");
    EXPECT_EQ(error("5-1 * * * *"), "cron \"5-1 * * * *\": minute field \"5-1\": values must lie in 0-59, low to high");
    EXPECT_EQ(error("*/0 * * * *"),
              "cron \"*/0 * * * *\": minute field \"*/0\": the step must be a number from 1 to 99");
    EXPECT_EQ(error("* * * JAN *"),
              "cron \"* * * JAN *\": month field \"JAN\": expected *, a number, a range a-b or a list");
    EXPECT_EQ(error("1,,2 * * * *"),
              "cron \"1,,2 * * * *\": minute field \"1,,2\": expected *, a number, a range a-b or a list");
    EXPECT_EQ(error("* * * * *", "Mars/Olympus_Mons"),
              "unknown time zone \"Mars/Olympus_Mons\" (an IANA name such as UTC or Europe/Berlin)");
}

TEST(Cron, KeepsExpressionAndZone) {
    auto c = cron("0 9 * * 1-5", "Europe/Berlin");
    EXPECT_EQ(c.expression(), "0 9 * * 1-5");
    EXPECT_EQ(c.timezone(), "Europe/Berlin");
    EXPECT_EQ(cron("* * * * *", "").timezone(), "UTC");
}

}  // namespace
}  // namespace hector::automation
