#include "hector/llm/retry.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <ctime>
#include <random>

#include <fmt/format.h>

namespace hector::llm {

std::chrono::milliseconds RetryPolicy::delay(int attempt, std::string_view retry_after) const {
    if (auto ra = parse_retry_after(retry_after)) return std::min(*ra, max_delay);
    auto base = base_delay.count() * (1LL << std::min(attempt - 1, 20));
    thread_local std::mt19937 rng{std::random_device{}()};
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    auto ms = static_cast<std::int64_t>(static_cast<double>(base) * jitter(rng));
    return std::min(std::chrono::milliseconds(ms), max_delay);
}

bool retryable_status(int status) {
    return status == 408 || status == 409 || status == 429 || status >= 500;
}

bool retryable_error(const Error& e) {
    return e.code == Errc::unavailable || e.code == Errc::timeout || e.code == Errc::upstream_error;
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view v) {
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    if (v.empty()) return std::nullopt;
    double seconds = 0;
    auto r = std::from_chars(v.data(), v.data() + v.size(), seconds);
    if (r.ec == std::errc{} && r.ptr == v.data() + v.size() && seconds >= 0)
        return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
    std::tm tm{};
    std::string text(v);
    if (strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) {
        auto when = timegm(&tm);
        auto now = std::time(nullptr);
        return std::chrono::milliseconds(std::max<std::int64_t>(0, (when - now) * 1000));
    }
    return std::nullopt;
}

Error http_error(std::string_view provider, int status, std::string_view body) {
    std::string message;
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (!ec && v.is_object()) {
        const auto& o = v.as_object();
        if (const auto* e = o.if_contains("error")) {
            if (e->is_object()) {
                if (const auto* m = e->as_object().if_contains("message"); m && m->is_string())
                    message = std::string(m->as_string());
            } else if (e->is_string()) {
                message = std::string(e->as_string());
            }
        }
        if (message.empty())
            if (const auto* m = o.if_contains("message"); m && m->is_string()) message = std::string(m->as_string());
    }
    if (message.empty()) message = std::string(body.substr(0, 300));
    Errc code = status == 429                    ? Errc::rate_limited
                : status == 401 || status == 403 ? Errc::upstream_error
                : status == 408 || status == 504 ? Errc::timeout
                                                 : Errc::upstream_error;
    return Error{code, fmt::format("{} returned HTTP {}: {}", provider, status, message)};
}

}  // namespace hector::llm
