#include "hector/common/time.hpp"

#include <gtest/gtest.h>

namespace hector {
namespace {

using namespace std::chrono_literals;

TEST(Time, DurationsInGoSyntax) {
    EXPECT_EQ(parse_duration("30s"), Duration(30000));
    EXPECT_EQ(parse_duration("1m30s"), Duration(90000));
    EXPECT_EQ(parse_duration("1.5h"), Duration(5400000));
    EXPECT_EQ(parse_duration("250ms"), Duration(250));
    EXPECT_EQ(parse_duration("45"), Duration(45000));  // bare number = seconds
    EXPECT_FALSE(parse_duration("soon"));
    EXPECT_FALSE(parse_duration("10 parsecs"));
    EXPECT_FALSE(parse_duration(""));
    EXPECT_EQ(format_duration(Duration(90000)), "1m30s");
    EXPECT_EQ(format_duration(Duration(250)), "250ms");
    EXPECT_EQ(format_duration(Duration(0)), "0s");
}

TEST(Time, Rfc3339RoundTrip) {
    auto t = parse_rfc3339("2025-01-20T10:00:00Z");
    ASSERT_TRUE(t);
    EXPECT_EQ(unix_seconds(*t), 1737367200);
    EXPECT_EQ(format_rfc3339(*t), "2025-01-20T10:00:00Z");
    auto offset = parse_rfc3339("2025-01-20T12:00:00+02:00");
    ASSERT_TRUE(offset);
    EXPECT_EQ(*offset, *t);
    EXPECT_FALSE(parse_rfc3339("2025-13-20T10:00:00Z"));
    EXPECT_FALSE(parse_rfc3339("yesterday"));
}

}  // namespace
}  // namespace hector
