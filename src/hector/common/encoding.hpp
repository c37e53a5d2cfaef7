#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hector {

std::string base64_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);  // unpadded, RFC 4648 §5
/// Decodes standard or URL-safe base64, padded or not. nullopt on any invalid character.
std::optional<std::string> base64_decode(std::string_view text);
std::string hex_encode(std::string_view bytes);
/// Case-insensitive. nullopt on odd length or a non-hex character.
std::optional<std::string> hex_decode(std::string_view text);

}  // namespace hector
