#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hector/common/result.hpp"
#include "hector/common/time.hpp"
#include "hector/config/model.hpp"

/// Rate-limit rules and their fixed windows (server.md §12).
namespace hector::ratelimit {

/// What a rule counts: agent invocations, or the LLM tokens they used.
enum class Kind { count, token };
/// Fixed windows aligned to UTC calendar boundaries; weeks start on Monday, months on the 1st.
enum class Window { minute, hour, day, week, month };

struct Rule {
    Kind kind = Kind::count;
    Window window = Window::minute;
    std::int64_t limit = 0;
};

/// The id under which a rule's usage is stored ("count:minute"). The limit is not part of it, so raising or lowering
/// a limit keeps what was already used in the current window.
std::string rule_id(const Rule& rule);

/// [start, end) of a window, in Unix seconds.
struct Span {
    std::int64_t start = 0;
    std::int64_t end = 0;
};
/// The window of kind `window` that contains `t`.
Span window_at(Window window, TimePoint t);

/// The rules of rate_limiting.limits; errors name the entry (an unknown type or window, a limit below 1).
Result<std::vector<Rule>> rules_from(const config::RateLimitingConfig& config);

}  // namespace hector::ratelimit
