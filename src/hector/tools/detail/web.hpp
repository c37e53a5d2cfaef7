#pragma once

#include <string>
#include <string_view>

#include "hector/common/result.hpp"

/// Helpers shared by web_fetch, web_request and web_search. Pure: thread-safe.
namespace hector::tools::detail {

/// The largest response body the web tools accept.
inline constexpr std::size_t kMaxWebResponseBytes = 5 * 1024 * 1024;

/// Errc::invalid_argument unless `url` is an http or https URL with a host (DECISIONS 28).
Status check_web_url(std::string_view url);

/// A response body as text for the model: HTML (by content type, or sniffed when there is none) becomes readable
/// text, other text is passed through (ISO-8859-1 bodies are converted to UTF-8), and binary content is summarised
/// as "[binary content (type), N bytes, not shown]". Always valid UTF-8.
std::string body_as_text(std::string_view content_type, std::string_view body);

/// The URL without its query and fragment (they may carry secrets), for messages.
std::string url_for_messages(std::string_view url);

}  // namespace hector::tools::detail
