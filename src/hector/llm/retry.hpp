#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "hector/common/result.hpp"

namespace hector::llm {

/// Provider-level retry policy (llms.<id>.max_retries, DECISIONS 9): 429, 5xx and network errors are retried with
/// exponential backoff, honouring Retry-After; nothing is retried once output was streamed to the caller.
struct RetryPolicy {
    int max_retries = 3;
    std::chrono::milliseconds base_delay{500};
    std::chrono::milliseconds max_delay{20000};

    /// The delay before retry number `attempt` (1-based): Retry-After when the provider gave one (capped at
    /// max_delay), else base_delay * 2^(attempt-1) with ±20% jitter.
    std::chrono::milliseconds delay(int attempt, std::string_view retry_after) const;
};

/// Whether an HTTP status is worth retrying (408, 409, 429, 5xx).
bool retryable_status(int status);
/// Whether a transport error is worth retrying (network, timeout; never a cancel or a refused address).
bool retryable_error(const Error& e);
/// Retry-After as seconds or an HTTP-date; nullopt when absent or unreadable.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value);

/// The error for a provider's HTTP error status, with the provider's own message when the body has one
/// ({"error":{"message":...}} or {"error":"..."} or {"message":...}).
Error http_error(std::string_view provider, int status, std::string_view body);

}  // namespace hector::llm
