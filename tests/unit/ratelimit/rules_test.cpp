// Fixed windows aligned to UTC calendar boundaries, and the rules read from the config.
#include <gtest/gtest.h>

#include "hector/ratelimit/rules.hpp"

namespace hector::ratelimit {
namespace {

TimePoint at(const char* rfc3339) {
    auto t = parse_rfc3339(rfc3339);
    EXPECT_TRUE(t.has_value()) << rfc3339;
    return t.value_or(TimePoint{});
}

std::int64_t unix_at(const char* rfc3339) {
    return unix_seconds(at(rfc3339));
}

struct WindowCase {
    Window window;
    const char* now;
    const char* start;
    const char* end;
};

class Windows : public ::testing::TestWithParam<WindowCase> {};

TEST_P(Windows, ContainTheInstantAndAlignToTheCalendar) {
    const auto& c = GetParam();
    const auto span = window_at(c.window, at(c.now));
    EXPECT_EQ(span.start, unix_at(c.start)) << c.now;
    EXPECT_EQ(span.end, unix_at(c.end)) << c.now;
}

INSTANTIATE_TEST_SUITE_P(
    Calendar, Windows,
    ::testing::Values(
        WindowCase{Window::minute, "2025-01-20T10:00:00Z", "2025-01-20T10:00:00Z", "2025-01-20T10:01:00Z"},
        WindowCase{Window::minute, "2025-01-20T10:00:59.999Z", "2025-01-20T10:00:00Z", "2025-01-20T10:01:00Z"},
        WindowCase{Window::minute, "2025-12-31T23:59:30Z", "2025-12-31T23:59:00Z", "2026-01-01T00:00:00Z"},
        WindowCase{Window::hour, "2025-01-20T10:59:59Z", "2025-01-20T10:00:00Z", "2025-01-20T11:00:00Z"},
        WindowCase{Window::hour, "2025-01-20T12:30:00+02:00", "2025-01-20T10:00:00Z", "2025-01-20T11:00:00Z"},
        WindowCase{Window::day, "2025-01-20T23:59:59Z", "2025-01-20T00:00:00Z", "2025-01-21T00:00:00Z"},
        WindowCase{Window::day, "2025-01-21T01:00:00+02:00", "2025-01-20T00:00:00Z", "2025-01-21T00:00:00Z"},
        // 2025-01-20 is a Monday: weeks run Monday 00:00 to the next Monday 00:00 UTC.
        WindowCase{Window::week, "2025-01-20T00:00:00Z", "2025-01-20T00:00:00Z", "2025-01-27T00:00:00Z"},
        WindowCase{Window::week, "2025-01-26T23:59:59Z", "2025-01-20T00:00:00Z", "2025-01-27T00:00:00Z"},
        WindowCase{Window::week, "2025-01-22T12:00:00Z", "2025-01-20T00:00:00Z", "2025-01-27T00:00:00Z"},
        WindowCase{Window::week, "2025-01-01T12:00:00Z", "2024-12-30T00:00:00Z", "2025-01-06T00:00:00Z"},
        WindowCase{Window::month, "2025-01-31T23:59:59Z", "2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z"},
        WindowCase{Window::month, "2024-02-29T12:00:00Z", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"},
        WindowCase{Window::month, "2025-02-15T00:00:00Z", "2025-02-01T00:00:00Z", "2025-03-01T00:00:00Z"},
        WindowCase{Window::month, "2025-12-10T00:00:00Z", "2025-12-01T00:00:00Z", "2026-01-01T00:00:00Z"},
        WindowCase{Window::month, "2025-03-01T00:00:00Z", "2025-03-01T00:00:00Z", "2025-04-01T00:00:00Z"}));

TEST(Windows, BeforeTheEpochFloorsToo) {
    const auto span = window_at(Window::minute, at("1969-12-31T23:59:30Z"));
    EXPECT_EQ(span.start, -60);
    EXPECT_EQ(span.end, 0);
}

TEST(Rules, AreReadFromTheConfigWithTheirIds) {
    config::RateLimitingConfig c;
    c.limits = {{"count", "minute", 2}, {"token", "month", 1000}};
    auto rules = rules_from(c);
    ASSERT_TRUE(rules.ok());
    ASSERT_EQ(rules->size(), 2u);
    EXPECT_EQ((*rules)[0].kind, Kind::count);
    EXPECT_EQ((*rules)[0].window, Window::minute);
    EXPECT_EQ((*rules)[0].limit, 2);
    EXPECT_EQ(rule_id((*rules)[0]), "count:minute");
    EXPECT_EQ(rule_id((*rules)[1]), "token:month");
}

TEST(Rules, BadEntriesNameTheirPath) {
    config::RateLimitingConfig c;
    c.limits = {{"count", "minute", 2}, {"bytes", "minute", 1}};
    auto r = rules_from(c);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("rate_limiting.limits[1].type"), std::string::npos) << r.error().message;
    c.limits = {{"count", "fortnight", 1}};
    EXPECT_NE(rules_from(c).error().message.find("limits[0].window"), std::string::npos);
    c.limits = {{"count", "day", 0}};
    EXPECT_NE(rules_from(c).error().message.find("limits[0].limit"), std::string::npos);
}

}  // namespace
}  // namespace hector::ratelimit
