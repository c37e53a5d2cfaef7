#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hector/common/result.hpp"
#include "hector/common/time.hpp"
#include "hector/ratelimit/counter_store.hpp"
#include "hector/ratelimit/rules.hpp"

namespace hector::ratelimit {

/// Where a key stands against its rules, described by the tightest one (server.md §12): the X-RateLimit-* values,
/// and on a refusal the seconds until the blocking window ends (Retry-After).
struct Decision {
    bool allowed = true;
    std::int64_t limit = 0;
    std::int64_t remaining = 0;
    std::int64_t reset = 0;        // Unix seconds: the end of the described rule's window
    std::int64_t retry_after = 0;  // refusals: seconds until the request could pass (at least 1)
};

/// Applies rate_limiting.limits to keys (a session, a user or an IP): `count` rules allow so many agent invocations
/// per window, `token` rules so many LLM tokens, checked before a run and charged after it. Windows are fixed and
/// aligned to UTC calendar boundaries. Thread-safe; awaits its counter store (which may do database work on the
/// blocking pool).
class Limiter {
  public:
    /// `rules` is not empty. `now` is the wall clock (tests inject one).
    Limiter(
        std::vector<Rule> rules, std::unique_ptr<CounterStore> store,
        std::function<TimePoint()> now = [] { return Clock::now(); });

    /// One agent invocation by `key`: refused while a token rule's window is used up or a count rule's has no room
    /// left; otherwise charges 1 to every count rule (all or nothing).
    boost::asio::awaitable<Result<Decision>> admit(std::string key);
    /// Where `key` stands, charging nothing (headers on limited routes that invoke no agent).
    boost::asio::awaitable<Result<Decision>> peek(std::string key);
    /// Charges the LLM tokens of a finished run to the token rules. No-op without token rules or tokens.
    boost::asio::awaitable<Status> charge_tokens(std::string key, std::int64_t tokens);

    bool has_token_rules() const;
    const std::vector<Rule>& rules() const { return rules_; }

    /// The decision for `used` (one value per rule) at `now`; `refused` says the request did not pass.
    Decision describe(const std::vector<std::int64_t>& used, TimePoint now, bool refused) const;

  private:
    std::vector<Slot> slots(TimePoint now) const;

    std::vector<Rule> rules_;
    std::unique_ptr<CounterStore> store_;
    std::function<TimePoint()> now_;
};

}  // namespace hector::ratelimit
