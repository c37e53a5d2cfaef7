#include "hector/ratelimit/limiter.hpp"

#include <algorithm>

namespace hector::ratelimit {

Limiter::Limiter(std::vector<Rule> rules, std::unique_ptr<CounterStore> store, std::function<TimePoint()> now)
    : rules_(std::move(rules)), store_(std::move(store)), now_(std::move(now)) {}

bool Limiter::has_token_rules() const {
    return std::any_of(rules_.begin(), rules_.end(), [](const Rule& r) { return r.kind == Kind::token; });
}

std::vector<Slot> Limiter::slots(TimePoint now) const {
    std::vector<Slot> out;
    out.reserve(rules_.size());
    for (const auto& r : rules_) {
        const auto span = window_at(r.window, now);
        out.push_back(Slot{rule_id(r), span.start, span.end, r.limit, r.kind == Kind::count});
    }
    return out;
}

Decision Limiter::describe(const std::vector<std::int64_t>& used, TimePoint now, bool refused) const {
    const auto now_s = unix_seconds(now);
    Decision d;
    d.allowed = !refused;
    bool have = false;
    for (std::size_t i = 0; i < rules_.size() && i < used.size(); ++i) {
        const auto& r = rules_[i];
        const auto end = window_at(r.window, now).end;
        const auto remaining = std::max<std::int64_t>(0, r.limit - used[i]);
        if (refused) {
            // Describe what blocks, and of those the one that blocks longest: Retry-After is when a retry can pass.
            const bool blocks = remaining == 0;
            if (!blocks || (have && end <= d.reset)) continue;
        } else if (have && (remaining > d.remaining || (remaining == d.remaining && end <= d.reset))) {
            continue;  // the tightest: least remaining, then the later reset
        }
        have = true;
        d.limit = r.limit;
        d.remaining = remaining;
        d.reset = end;
    }
    if (!refused) return d;
    if (!have) {
        // Refused by a window that has since rolled over (a shared store read after the refusal): describe the
        // tightest rule, used up.
        d = describe(used, now, false);
        d.allowed = false;
        d.remaining = 0;
    }
    d.retry_after = std::max<std::int64_t>(1, d.reset - now_s);
    return d;
}

boost::asio::awaitable<Result<Decision>> Limiter::admit(std::string key) {
    const auto now = now_();
    auto usage = co_await store_->admit(std::move(key), slots(now), 1);
    if (!usage) co_return std::move(usage).error();
    co_return describe(usage->used, now, !usage->admitted);
}

boost::asio::awaitable<Result<Decision>> Limiter::peek(std::string key) {
    const auto now = now_();
    auto used = co_await store_->usage(std::move(key), slots(now));
    if (!used) co_return std::move(used).error();
    co_return describe(*used, now, false);
}

boost::asio::awaitable<Status> Limiter::charge_tokens(std::string key, std::int64_t tokens) {
    if (tokens <= 0 || !has_token_rules()) co_return Status{};
    auto all = slots(now_());
    std::erase_if(all, [](const Slot& s) { return s.charge; });  // the count rules
    co_return co_await store_->add(std::move(key), std::move(all), tokens);
}

}  // namespace hector::ratelimit
