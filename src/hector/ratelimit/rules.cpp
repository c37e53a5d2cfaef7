#include "hector/ratelimit/rules.hpp"

#include <fmt/format.h>

#include <chrono>

namespace hector::ratelimit {

namespace {

namespace chr = std::chrono;

std::int64_t seconds_of(chr::sys_days d) {
    return chr::duration_cast<chr::seconds>(d.time_since_epoch()).count();
}

std::string_view kind_name(Kind k) {
    return k == Kind::count ? "count" : "token";
}

std::string_view window_name(Window w) {
    switch (w) {
        case Window::minute:
            return "minute";
        case Window::hour:
            return "hour";
        case Window::day:
            return "day";
        case Window::week:
            return "week";
        case Window::month:
            return "month";
    }
    return "minute";
}

}  // namespace

std::string rule_id(const Rule& rule) {
    return fmt::format("{}:{}", kind_name(rule.kind), window_name(rule.window));
}

Span window_at(Window window, TimePoint t) {
    const auto secs = chr::floor<chr::seconds>(t).time_since_epoch().count();
    auto fixed = [secs](std::int64_t length) {
        // Floor division, so instants before 1970 fall into the right window too.
        std::int64_t start = secs / length * length;
        if (start > secs) start -= length;
        return Span{start, start + length};
    };
    switch (window) {
        case Window::minute:
            return fixed(60);
        case Window::hour:
            return fixed(3600);
        case Window::day:
            return fixed(86400);
        case Window::week: {
            const auto day = chr::floor<chr::days>(t);
            // c_encoding: Sunday 0 … Saturday 6; days since the last Monday:
            const auto since_monday = (chr::weekday(day).c_encoding() + 6) % 7;
            const auto start = day - chr::days(since_monday);
            return Span{seconds_of(start), seconds_of(start + chr::days(7))};
        }
        case Window::month: {
            const chr::year_month_day ymd(chr::floor<chr::days>(t));
            const auto first = ymd.year() / ymd.month() / 1;
            const auto next = first + chr::months(1);
            return Span{seconds_of(chr::sys_days(first)), seconds_of(chr::sys_days(next))};
        }
    }
    return fixed(60);
}

Result<std::vector<Rule>> rules_from(const config::RateLimitingConfig& config) {
    std::vector<Rule> out;
    for (std::size_t i = 0; i < config.limits.size(); ++i) {
        const auto& l = config.limits[i];
        const auto path = fmt::format("rate_limiting.limits[{}]", i);
        Rule r;
        if (l.type == "count") {
            r.kind = Kind::count;
        } else if (l.type == "token") {
            r.kind = Kind::token;
        } else {
            return Error{Errc::invalid_argument, fmt::format("{}.type: \"{}\" is not count or token", path, l.type)};
        }
        if (l.window == "minute") {
            r.window = Window::minute;
        } else if (l.window == "hour") {
            r.window = Window::hour;
        } else if (l.window == "day") {
            r.window = Window::day;
        } else if (l.window == "week") {
            r.window = Window::week;
        } else if (l.window == "month") {
            r.window = Window::month;
        } else {
            return Error{Errc::invalid_argument,
                         fmt::format("{}.window: \"{}\" is not minute, hour, day, week or month", path, l.window)};
        }
        if (l.limit < 1) return Error{Errc::invalid_argument, fmt::format("{}.limit: must be at least 1", path)};
        r.limit = l.limit;
        out.push_back(r);
    }
    return out;
}

}  // namespace hector::ratelimit
