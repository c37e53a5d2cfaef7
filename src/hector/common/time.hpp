#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace hector {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;
using Duration = std::chrono::milliseconds;

/// RFC 3339 UTC with second precision and a Z suffix: 2025-01-20T10:00:00Z.
std::string format_rfc3339(TimePoint t);
/// RFC 3339 UTC with millisecond precision: 2025-01-20T10:00:00.123Z.
std::string format_rfc3339_ms(TimePoint t);
std::string now_rfc3339();
/// Accepts YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM).
std::optional<TimePoint> parse_rfc3339(std::string_view text);

/// Go-style durations ("30s", "1m30s", "1.5h", "250ms", "2d" as an extension); a bare number means seconds.
std::optional<Duration> parse_duration(std::string_view text);
/// The shortest Go-style spelling of d ("1m30s", "250ms", "0s").
std::string format_duration(Duration d);

std::int64_t unix_seconds(TimePoint t);

}  // namespace hector
