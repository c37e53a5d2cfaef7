#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hector/http/message.hpp"

namespace hector::server {

/// One SSE event on the JSON-RPC binding (DECISIONS 5): `id:` (when >= 0), `event:`, a single-line `data:` and a
/// blank line. `data` must not contain a newline (serialised JSON never does).
std::string sse_event(std::int64_t id, std::string_view event, std::string_view data);
/// The keep-alive comment written after 15 s of silence: one line, no blank line after it.
inline constexpr std::string_view kSsePing = ": ping\n";
/// `{"jsonrpc":"2.0","id":<id_json>,"result":<result_json>}` built from already serialised parts.
std::string rpc_result_text(std::string_view id_json, std::string_view result_json);
/// Headers of an SSE response.
void set_sse_headers(http::Response& response);

}  // namespace hector::server
