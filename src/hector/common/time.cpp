#include "hector/common/time.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>

#include <fmt/format.h>

namespace hector {

namespace {

std::tm to_utc_tm(TimePoint t) {
    std::time_t tt = Clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    return tm;
}

// Days from civil date (Howard Hinnant's algorithm), valid for the proleptic Gregorian calendar.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool read_int(std::string_view s, std::size_t pos, std::size_t len, int& out) {
    if (pos + len > s.size()) return false;
    for (std::size_t i = pos; i < pos + len; ++i)
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    auto r = std::from_chars(s.data() + pos, s.data() + pos + len, out);
    return r.ec == std::errc{};
}

}  // namespace

std::string format_rfc3339(TimePoint t) {
    auto tm = to_utc_tm(t);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                       tm.tm_min, tm.tm_sec);
}

std::string format_rfc3339_ms(TimePoint t) {
    auto tm = to_utc_tm(t);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
    if (ms < 0) ms += 1000;
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

std::string now_rfc3339() {
    // Formatted once a second per thread: every task state change asks for the time.
    thread_local std::time_t cached_second = -1;
    thread_local std::string cached;
    const std::time_t now = Clock::to_time_t(Clock::now());
    if (now != cached_second) {
        cached = format_rfc3339(Clock::from_time_t(now));
        cached_second = now;
    }
    return cached;
}

std::optional<TimePoint> parse_rfc3339(std::string_view s) {
    int y, mo, d, h, mi, se;
    if (s.size() < 20) return std::nullopt;
    if (!read_int(s, 0, 4, y) || s[4] != '-' || !read_int(s, 5, 2, mo) || s[7] != '-' || !read_int(s, 8, 2, d) ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !read_int(s, 11, 2, h) || s[13] != ':' ||
        !read_int(s, 14, 2, mi) || s[16] != ':' || !read_int(s, 17, 2, se))
        return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
    std::size_t pos = 19;
    std::int64_t frac_ns = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        std::int64_t scale = 100000000;
        std::size_t start = pos;
        while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
            frac_ns += (s[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start) return std::nullopt;
    }
    if (pos >= s.size()) return std::nullopt;
    int offset_min = 0;
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
        int oh, om;
        if (!read_int(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !read_int(s, pos + 4, 2, om))
            return std::nullopt;
        offset_min = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
    std::int64_t secs = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
                        mi * 60 + se - static_cast<std::int64_t>(offset_min) * 60;
    return TimePoint(
        std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(secs) + std::chrono::nanoseconds(frac_ns)));
}

std::optional<Duration> parse_duration(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    if (s.empty()) return std::nullopt;
    bool negative = false;
    if (s.front() == '-' || s.front() == '+') {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    // A bare number is seconds.
    bool all_numeric = !s.empty();
    for (char c : s)
        if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') all_numeric = false;
    if (all_numeric) {
        double v = 0;
        auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) return std::nullopt;
        auto ms = static_cast<std::int64_t>(std::llround(v * 1000.0));
        return Duration(negative ? -ms : ms);
    }
    double total_ms = 0;
    while (!s.empty()) {
        std::size_t i = 0;
        while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
        if (i == 0) return std::nullopt;
        double v = 0;
        auto r = std::from_chars(s.data(), s.data() + i, v);
        if (r.ec != std::errc{} || r.ptr != s.data() + i) return std::nullopt;
        s.remove_prefix(i);
        std::size_t j = 0;
        while (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) ++j;
        auto unit = s.substr(0, j);
        s.remove_prefix(j);
        double factor;
        if (unit == "ns")
            factor = 1e-6;
        else if (unit == "us" || unit == "µs")
            factor = 1e-3;
        else if (unit == "ms")
            factor = 1;
        else if (unit == "s")
            factor = 1000;
        else if (unit == "m")
            factor = 60000;
        else if (unit == "h")
            factor = 3600000;
        else if (unit == "d")
            factor = 86400000;
        else
            return std::nullopt;
        total_ms += v * factor;
    }
    if (total_ms > 9.2e15) return std::nullopt;
    auto ms = static_cast<std::int64_t>(std::llround(total_ms));
    return Duration(negative ? -ms : ms);
}

std::string format_duration(Duration d) {
    auto ms = d.count();
    if (ms == 0) return "0s";
    std::string out;
    if (ms < 0) {
        out = "-";
        ms = -ms;
    }
    if (ms < 1000) return out + fmt::format("{}ms", ms);
    auto h = ms / 3600000;
    ms %= 3600000;
    auto m = ms / 60000;
    ms %= 60000;
    if (h) out += fmt::format("{}h", h);
    if (m) out += fmt::format("{}m", m);
    if (ms) {
        if (ms % 1000 == 0)
            out += fmt::format("{}s", ms / 1000);
        else
            out += fmt::format("{}.{:03}s", ms / 1000, ms % 1000);
    }
    return out;
}

std::int64_t unix_seconds(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace hector
