#pragma once

#include <string_view>

#include "hector/common/result.hpp"

namespace hector {

/// The one mapping from error categories to the wire. JSON-RPC routes answer with jsonrpc_code and HTTP 200;
/// plain HTTP routes answer with http_status and {"error": reason_phrase(status)}.
int jsonrpc_code(Errc code);
int http_status(Errc code);
/// The canonical JSON-RPC message for a code ("Task not found", "Invalid params", ...).
std::string_view jsonrpc_message(int code);
/// The HTTP reason phrase used as the "error" field of HTTP error bodies ("Not Found", ...).
std::string_view reason_phrase(int status);
/// The A2A error class name ("TaskNotFoundError") used in REST error bodies.
std::string_view a2a_error_name(int jsonrpc_code);

}  // namespace hector
