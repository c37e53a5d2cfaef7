#include "hector/ratelimit/token_ledger.hpp"

namespace hector::ratelimit {

TokenLedger::TokenLedger(std::chrono::seconds linger, std::size_t max_entries,
                         std::function<SteadyClock::time_point()> now)
    : linger_(linger), max_entries_(max_entries), now_(std::move(now)) {}

void TokenLedger::sweep(SteadyClock::time_point now) {
    while (!expiries_.empty() && now - expiries_.front().at >= linger_) {
        const auto& e = expiries_.front();
        auto erase_if_same = [&e](auto& map) {
            auto it = map.find(e.task_id);
            if (it != map.end() && it->second.generation == e.generation) map.erase(it);
        };
        switch (e.kind) {
            case Kind::binding:
                erase_if_same(bound_);
                break;
            case Kind::unclaimed:
                erase_if_same(unclaimed_);
                break;
            case Kind::ended:
                erase_if_same(ended_);
                break;
        }
        expiries_.pop_front();
    }
}

std::optional<TokenLedger::Charge> TokenLedger::bind(const std::string& task_id, const std::string& key,
                                                     SteadyClock::time_point admitted_at) {
    std::lock_guard lock(mu_);
    const auto now = now_();
    sweep(now);
    if (auto it = unclaimed_.find(task_id); it != unclaimed_.end()) {
        Charge charge{key, it->second.tokens};
        unclaimed_.erase(it);
        return charge;
    }
    if (bound_.size() >= max_entries_) bound_.erase(bound_.begin());  // a safety bound; sweeps normally suffice
    const auto generation = ++generation_;
    bound_[task_id] = Binding{key, generation};
    // The run already ended (after this request admitted it): keep the binding only long enough for its usage.
    if (auto it = ended_.find(task_id); it != ended_.end() && it->second.at >= admitted_at)
        expiries_.push_back(Expiry{now, Kind::binding, task_id, generation});
    return std::nullopt;
}

void TokenLedger::ended(const std::string& task_id) {
    std::lock_guard lock(mu_);
    const auto now = now_();
    sweep(now);
    const auto generation = ++generation_;
    ended_[task_id] = Ended{now, generation};
    expiries_.push_back(Expiry{now, Kind::ended, task_id, generation});
    if (auto it = bound_.find(task_id); it != bound_.end())
        expiries_.push_back(Expiry{now, Kind::binding, task_id, it->second.generation});
}

std::optional<TokenLedger::Charge> TokenLedger::used(const std::string& task_id, std::int64_t tokens) {
    if (tokens <= 0) return std::nullopt;
    std::lock_guard lock(mu_);
    const auto now = now_();
    sweep(now);
    if (auto it = bound_.find(task_id); it != bound_.end()) {
        Charge charge{std::move(it->second.key), tokens};
        bound_.erase(it);
        return charge;
    }
    auto& u = unclaimed_[task_id];
    u.tokens += tokens;
    u.generation = ++generation_;
    expiries_.push_back(Expiry{now, Kind::unclaimed, task_id, u.generation});
    return std::nullopt;
}

std::size_t TokenLedger::size() const {
    std::lock_guard lock(mu_);
    return bound_.size() + unclaimed_.size() + ended_.size();
}

}  // namespace hector::ratelimit
