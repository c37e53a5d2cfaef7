#include "hector/automation/cron.hpp"

#include <date/tz.h>

#include <charconv>

#include <fmt/format.h>

#include "hector/common/strings.hpp"

namespace hector::automation {

namespace {

struct FieldSpec {
    std::string_view name;
    int lo;
    int hi;
};

constexpr FieldSpec kFields[] = {
    {"minute", 0, 59}, {"hour", 0, 23}, {"day of month", 1, 31}, {"month", 1, 12}, {"day of week", 0, 7}};

bool number(std::string_view s, int& out) {
    if (s.empty() || s.size() > 2) return false;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

Result<std::uint64_t> parse_field(std::string_view field, const FieldSpec& spec) {
    auto bad = [&](std::string_view why) {
        return Error{Errc::invalid_argument, fmt::format("{} field \"{}\": {}", spec.name, field, why)};
    };
    if (field.empty()) return bad("is empty");
    std::uint64_t bits = 0;
    for (const auto& part : split(field, ',')) {
        std::string_view p = part;
        int step = 1;
        bool stepped = false;
        if (auto slash = p.find('/'); slash != std::string_view::npos) {
            if (!number(p.substr(slash + 1), step) || step < 1) return bad("the step must be a number from 1 to 99");
            p = p.substr(0, slash);
            stepped = true;
        }
        int a = spec.lo, b = spec.hi;
        if (p != "*") {
            auto dash = p.find('-');
            if (!number(p.substr(0, dash), a)) return bad("expected *, a number, a range a-b or a list");
            b = a;
            if (dash != std::string_view::npos) {
                if (!number(p.substr(dash + 1), b)) return bad("expected a range a-b");
            } else if (stepped) {
                b = spec.hi;  // a/n: from a to the end of the field
            }
            if (a < spec.lo || b > spec.hi || a > b)
                return bad(fmt::format("values must lie in {}-{}, low to high", spec.lo, spec.hi));
        }
        for (int v = a; v <= b; v += step) bits |= std::uint64_t{1} << v;
    }
    return bits;
}

bool has(std::uint64_t bits, unsigned v) {
    return (bits >> v) & 1U;
}

}  // namespace

Result<CronSchedule> CronSchedule::parse(std::string_view expression, std::string_view timezone) {
    std::string spaced(expression);
    std::replace(spaced.begin(), spaced.end(), '\t', ' ');
    auto fields = split_trimmed(spaced, ' ');
    if (fields.size() != 5)
        return Error{Errc::invalid_argument,
                     fmt::format("cron \"{}\": expected 5 fields (minute hour day month weekday), got {}", expression,
                                 fields.size())};
    CronSchedule c;
    c.expression_ = std::string(expression);
    c.timezone_ = std::string(timezone.empty() ? "UTC" : timezone);
    std::uint64_t* targets[] = {&c.minutes_, &c.hours_, &c.days_, &c.months_, &c.weekdays_};
    for (std::size_t i = 0; i < 5; ++i) {
        auto bits = parse_field(fields[i], kFields[i]);
        if (!bits)
            return Error{Errc::invalid_argument, fmt::format("cron \"{}\": {}", expression, bits.error().message)};
        *targets[i] = *bits;
    }
    if (has(c.weekdays_, 7)) c.weekdays_ = (c.weekdays_ | 1U) & ~(std::uint64_t{1} << 7);
    c.dom_star_ = fields[2].front() == '*';
    c.dow_star_ = fields[4].front() == '*';
    c.every_hour_ = fields[1] == "*";
    try {
        c.zone_ = date::locate_zone(c.timezone_);
    } catch (const std::exception&) {
        return Error{Errc::invalid_argument,
                     fmt::format("unknown time zone \"{}\" (an IANA name such as UTC or Europe/Berlin)", c.timezone_)};
    }
    return c;
}

std::optional<TimePoint> CronSchedule::next_after(TimePoint after) const {
    using namespace std::chrono;
    const auto after_s = time_point_cast<seconds>(after);
    const date::local_days first = date::floor<date::days>(zone_->to_local(after_s)) - date::days{1};
    constexpr int kHorizonDays = 366 * 8 + 2;
    for (int i = 0; i < kHorizonDays; ++i) {
        const date::local_days day = first + date::days{i};
        const date::year_month_day ymd{day};
        if (!has(months_, static_cast<unsigned>(ymd.month()))) continue;
        const bool dom = has(days_, static_cast<unsigned>(ymd.day()));
        const bool dow = has(weekdays_, date::weekday{day}.c_encoding());
        if (dom_star_ || dow_star_ ? !(dom && dow) : !(dom || dow)) continue;

        std::optional<date::sys_seconds> best;
        auto consider = [&](date::sys_seconds t) {
            if (t > after && (!best || t < *best)) best = t;
        };
        for (unsigned h = 0; h < 24; ++h) {
            if (!has(hours_, h)) continue;
            for (unsigned m = 0; m < 60; ++m) {
                if (!has(minutes_, m)) continue;
                const date::local_seconds local = day + hours{h} + minutes{m};
                const auto info = zone_->get_info(local);
                switch (info.result) {
                    case date::local_info::unique:
                        consider(date::sys_seconds{local.time_since_epoch() - info.first.offset});
                        break;
                    case date::local_info::nonexistent:
                        consider(info.first.end);  // skipped by the jump: fire as the clock lands
                        break;
                    case date::local_info::ambiguous:
                        consider(date::sys_seconds{local.time_since_epoch() - info.first.offset});
                        if (every_hour_) consider(date::sys_seconds{local.time_since_epoch() - info.second.offset});
                        break;
                }
            }
        }
        if (best) return time_point_cast<TimePoint::duration>(*best);
    }
    return std::nullopt;
}

}  // namespace hector::automation
