#pragma once

#include <string>
#include <string_view>

namespace hector::automation {

/// HMAC-SHA256(key, data): the 32 raw bytes. Pure, thread-safe.
std::string hmac_sha256(std::string_view key, std::string_view data);

/// Checks a webhook signature header against HMAC-SHA256(secret, raw body) (server.md §9.1, DECISIONS 15, OQ-31).
/// Accepted spellings: `sha256=<hex>` (GitHub; the prefix in any case), bare hex in any case, and standard or
/// URL-safe base64 (Shopify), surrounding spaces ignored. The digest is compared in constant time; an empty,
/// undecodable or wrong-length value is false. Pure, thread-safe.
bool verify_signature(std::string_view secret, std::string_view body, std::string_view header_value);

}  // namespace hector::automation
