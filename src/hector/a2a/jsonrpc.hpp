#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "hector/a2a/codec.hpp"
#include "hector/common/json.hpp"
#include "hector/common/result.hpp"

/// The JSON-RPC 2.0 envelope of the A2A binding (spec/a2a-wire.md §1, §4; DECISIONS 2, 8). Requests are validated
/// in the order the TCK expects: parse (-32700) -> envelope (-32600) -> method (-32601) -> params (-32602).
/// All functions are pure and thread-safe; none throws.
namespace hector::a2a {

/// The A2A methods, each reachable by its canonical name and the aliases of DECISIONS 2.
enum class Method {
    message_send,       // message/send, message:send
    message_stream,     // message/stream, message:stream
    tasks_get,          // tasks/get
    tasks_cancel,       // tasks/cancel
    tasks_resubscribe,  // tasks/resubscribe, tasks/subscribe
    push_set,           // tasks/pushNotificationConfig/set, tasks/pushNotification/set
    push_get,           // tasks/pushNotificationConfig/get, tasks/pushNotification/get
    push_list,          // tasks/pushNotificationConfig/list
    push_delete,        // tasks/pushNotificationConfig/delete
    get_extended_card,  // agent/getAuthenticatedExtendedCard
};

std::optional<Method> find_method(std::string_view name);
/// The canonical (spec) name.
std::string_view method_name(Method m);
/// message/stream and tasks/resubscribe answer with an SSE stream.
bool is_streaming(Method m);

/// A well-formed request. `params` is an object; for a method whose params are optional and were left out (or
/// null) it is an empty object.
struct RpcRequest {
    json::value id;       // string, integer or null, with the JSON type it was sent with
    bool has_id = false;  // false for a notification; it is answered all the same, with id null
    std::string method;   // as sent
    Method kind = Method::message_send;
    json::value params;
    /// The exact text of an integer id too large for 64 bits (Boost.JSON holds it as a double); empty otherwise.
    /// Pass it to serialize_response so the id is echoed digit for digit.
    std::string id_text;
};

/// A JSON-RPC error: `data` is a string naming the detail (null: no data member); `id` is the request id when it
/// could be read, else null.
struct RpcError {
    int code = -32603;
    std::string message;
    json::value data;
    json::value id;
    std::string id_text;  // as RpcRequest::id_text
};

using ParsedRequest = std::variant<RpcRequest, RpcError>;

/// Parses and validates one request body. max_depth is the JSON nesting limit (DECISIONS 27); string ids must be
/// at most limits.max_id_length printable ASCII characters.
ParsedRequest parse_request(std::string_view body, std::size_t max_depth, const Limits& limits = {});

/// A message/send or message/stream request, read in one pass without building its JSON value.
struct ParsedSend {
    RpcRequest rpc;  // its params left empty: they are in `params`
    MessageSendParams params;
};

/// The serving path's common case read straight from the text: the envelope and params of a message/send or
/// message/stream whose message has text parts only (role, parts, messageId, contextId, taskId, kind) and whose
/// configuration holds at most blocking, historyLength and acceptedOutputModes. Gives exactly what parse_request()
/// then parse_send_params() give for such a body. Anything else (another method, other members, nulls, duplicate
/// members, a number id that is not an integer, any value those would refuse, broken JSON) is declined with
/// nullopt, and the general path decides it, errors included.
std::optional<ParsedSend> parse_send_request(std::string_view body, std::size_t max_depth, const Limits& limits = {});

/// An error with the canonical message for code (error_table.hpp) and detail as data (none when empty).
RpcError rpc_error(int code, std::string_view detail = {});
/// The error for a failure reported by any subsystem: code from hector::jsonrpc_code(), data = e.message.
RpcError error_from(const Error& e);

/// {"jsonrpc":"2.0","id":id,"result":result}
json::value make_result(const json::value& id, json::value result);
/// {"jsonrpc":"2.0","id":id,"error":{"code","message","data"?}}
json::value make_error(const json::value& id, const RpcError& error);
/// As above with the error's own id.
json::value make_error(const RpcError& error);

/// Serialises a response on one line. When id_text is set (see RpcRequest::id_text) it is written as the id.
std::string serialize_response(const json::value& response, std::string_view id_text = {});

/// A request id as JSON text, as it was sent (id_text when set, see RpcRequest::id_text).
std::string id_json(const json::value& id, std::string_view id_text);
/// {"jsonrpc":"2.0","id":<id>,"result":<result>} from the id and the result as JSON text (id_json(), a2a::to_text):
/// a result written by the codec goes out without a json::value built for it.
std::string result_response(std::string_view id, std::string_view result);

}  // namespace hector::a2a
