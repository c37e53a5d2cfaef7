#pragma once

#include "hector/config/model.hpp"

// Older spellings of sections that moved (server.md §12 and OQ-21). finalize() applies them where the canonical
// section is left at its defaults; validate() warns when both are written and differ.
namespace hector::config::detail {

/// The top-level rate_limiting that a legacy server.rate_limiting block stands for.
RateLimitingConfig rate_limiting_from_legacy(const LegacyRateLimitConfig& legacy);

/// Copies the sections a legacy observability block writes into `top`, where `top` still has defaults.
void apply_legacy_observability(ObservabilityConfig& top, const LegacyObservabilityConfig& legacy);

}  // namespace hector::config::detail
