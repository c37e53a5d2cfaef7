#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "hector/common/result.hpp"

namespace hector::ratelimit {

/// One rule's counter for one key in one window.
struct Slot {
    std::string rule;        // rule_id(): "count:minute"
    std::int64_t start = 0;  // window [start, end) in Unix seconds
    std::int64_t end = 0;
    std::int64_t limit = 0;
    bool charge = false;  // admit(): true = add the amount if it fits; false = only require used < limit
};

struct Usage {
    bool admitted = false;
    std::vector<std::int64_t> used;  // per slot, after the call
};

/// Where usage is counted: per instance (MemoryCounterStore) or shared by every instance (SqlCounterStore). A slot
/// whose window has no counter yet counts as 0. Thread-safe.
class CounterStore {
  public:
    virtual ~CounterStore() = default;

    /// Atomically: when every check slot (charge=false) has used < limit and every charge slot has room for
    /// `amount` (used + amount <= limit), adds `amount` to the charge slots; otherwise changes nothing. Returns
    /// whether it charged, and every slot's usage afterwards.
    virtual boost::asio::awaitable<Result<Usage>> admit(std::string key, std::vector<Slot> slots,
                                                        std::int64_t amount) = 0;
    /// Adds `amount` to every slot whatever the limits (tokens, charged after the run that used them).
    virtual boost::asio::awaitable<Status> add(std::string key, std::vector<Slot> slots, std::int64_t amount) = 0;
    /// Every slot's usage.
    virtual boost::asio::awaitable<Result<std::vector<std::int64_t>>> usage(std::string key,
                                                                            std::vector<Slot> slots) = 0;
};

}  // namespace hector::ratelimit
