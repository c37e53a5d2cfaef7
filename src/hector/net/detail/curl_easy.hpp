#pragma once

#include <curl/curl.h>

#include "hector/net/detail/transfer.hpp"

namespace hector::net::detail {

/// Configures the easy handle of a transfer (method, headers, body, limits, timeouts, protocol and address
/// restrictions) with callbacks that feed the transfer's state: `spare` (a handle curl_easy_reset left with its
/// defaults) or a new one. Reactor thread only; the handle belongs to `t` (t.easy, t.header_list) until the
/// reactor removes it.
Status setup_easy(Transfer& t, const HttpClientSettings& settings, CURL* spare = nullptr);

/// The error for a transfer that ended with `code`: the reason a callback recorded, or curl's own message.
Error curl_failure(const Transfer& t, CURLcode code);

/// Publishes the final response's status and headers to the awaiting side (once). Reactor thread only.
void publish_headers(Transfer& t);

}  // namespace hector::net::detail
