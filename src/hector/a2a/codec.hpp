#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hector/a2a/types.hpp"
#include "hector/common/json.hpp"
#include "hector/common/json_writer.hpp"
#include "hector/common/result.hpp"

/// JSON <-> A2A v0.3.0 values (spec/a2a-wire.md §3, DECISIONS 3-4, 7, 27).
///
/// Output is exact: `kind` on every message, part, task and event, camelCase keys, lowercase states, parts also
/// carrying `"type"`, empty optional fields left out. Input is lenient: parts with `kind`, `type` or neither,
/// the flat file-part form, camelCase or snake_case keys, ROLE_USER/ROLE_AGENT, a missing message `kind` or
/// `messageId`, and JSON null for any optional field. Every input failure is Errc::invalid_argument with the
/// message "<json path>: <what is wrong>", e.g. "params.message.parts[2].file: exactly one of bytes or uri".
///
/// All functions are pure and thread-safe; none throws.
namespace hector::a2a {

/// The input limits of DECISIONS 27 (server.limits): identifiers (contextId, taskId, messageId, push config id,
/// request ids) are 1..max_id_length printable ASCII; a message has at most max_parts parts.
struct Limits {
    std::size_t max_id_length = 256;
    std::size_t max_parts = 100;
};

// ---- Output ---------------------------------------------------------------------------------------------------

/// Strings that are not valid UTF-8 (text, names) are written with U+FFFD in place of the bad bytes.
///
/// write() puts an object into a writer: a JsonWriter (its JSON text, the serving path, no json::value is built) or
/// a JsonValueBuilder (the value to_json() returns). to_text() is that text; to_json() the same object as a
/// json::value, for callers that edit or inspect it. Both writers are instantiated in codec_write.cpp.
template <class W>
void write(W& w, const Part& part);
template <class W>
void write(W& w, const std::vector<Part>& parts);
template <class W>
void write(W& w, const Message& message);
template <class W>
void write(W& w, const TaskStatus& status);
template <class W>
void write(W& w, const Artifact& artifact);
template <class W>
void write(W& w, const Task& task, std::optional<int> history_length = std::nullopt);
template <class W>
void write(W& w, const StatusUpdateEvent& event);
template <class W>
void write(W& w, const ArtifactUpdateEvent& event);
template <class W>
void write(W& w, const PushNotificationConfig& config);
template <class W>
void write(W& w, const TaskPushNotificationConfig& config);
template <class W>
void write(W& w, const std::vector<TaskPushNotificationConfig>& configs);

namespace detail {
/// The text in a string of exactly its size: the writer builds it in its own buffer (on the stack for most texts)
/// and copies it out once, where growing a fresh string by doubling took six or seven allocations.
template <class F>
std::string write_exact(F&& fill) {
    JsonWriter w;
    fill(w);
    return w.take();
}
}  // namespace detail

template <class T>
std::string to_text(const T& value) {
    return detail::write_exact([&](JsonWriter& w) { write(w, value); });
}
std::string to_text(const Task& task, std::optional<int> history_length = std::nullopt);

/// A status-update / artifact-update event's text from its parts, by reference: the same text as to_text() of the
/// event, without copying a task's status or artifact into one (no metadata).
std::string status_update_text(std::string_view task_id, std::string_view context_id, const TaskStatus& status,
                               bool final);
std::string artifact_update_text(std::string_view task_id, std::string_view context_id, const Artifact& artifact,
                                 bool append, bool last_chunk);

json::value to_json(const Part& part);
json::value to_json(const Message& message);
json::value to_json(const std::vector<Part>& parts);
/// Always has `state` and `timestamp` (the current time when the value has none).
json::value to_json(const TaskStatus& status);
json::value to_json(const Artifact& artifact);
/// Always has kind, id, contextId, status, history and artifacts. history_length (DECISIONS 4): absent -> the
/// full history, N > 0 -> the last N messages, 0 (or less) -> an empty array.
json::value to_json(const Task& task, std::optional<int> history_length = std::nullopt);
/// Always has `final`.
json::value to_json(const StatusUpdateEvent& event);
/// Always has `append` and `lastChunk`.
json::value to_json(const ArtifactUpdateEvent& event);
json::value to_json(const PushNotificationConfig& config);
/// The set/get result shape {"taskId", "pushNotificationConfig": {...}}.
json::value to_json(const TaskPushNotificationConfig& config);
/// The list result: an array of TaskPushNotificationConfig objects.
json::value to_json(const std::vector<TaskPushNotificationConfig>& configs);

// ---- Input: objects -------------------------------------------------------------------------------------------

/// `path` is where the value sits in the request ("params.message.parts[0]"); it prefixes error messages.
Result<Part> parse_part(const json::value& v, std::string_view path);
/// Requires role and a non-empty parts array; generates messageId (a UUID) when absent.
Result<Message> parse_message(const json::value& v, const Limits& limits, std::string_view path);
/// Requires an absolute http(s) `url`. `authentication` may be {"type":"bearer","token":T} (api.md) or
/// {"schemes":["Bearer"],"credentials":T} (spec); both are stored in the spec form (DECISIONS 7).
Result<PushNotificationConfig> parse_push_config(const json::value& v, const Limits& limits, std::string_view path);
Result<TaskStatus> parse_task_status(const json::value& v, const Limits& limits, std::string_view path);
Result<Artifact> parse_artifact(const json::value& v, const Limits& limits, std::string_view path);
Result<Task> parse_task(const json::value& v, const Limits& limits, std::string_view path);
Result<StatusUpdateEvent> parse_status_update(const json::value& v, const Limits& limits, std::string_view path);
Result<ArtifactUpdateEvent> parse_artifact_update(const json::value& v, const Limits& limits, std::string_view path);

// ---- Input: method params (paths start at "params") -----------------------------------------------------------

/// message/send and message/stream. A missing message fails with "params.message: required" (DECISIONS 8:
/// -32602 with data naming the field). configuration.blocking defaults to true; a negative historyLength fails.
Result<MessageSendParams> parse_send_params(const json::value& params, const Limits& limits);
/// tasks/get: {id (alias taskId), historyLength?, metadata?}; a negative historyLength fails.
Result<TaskQueryParams> parse_task_query(const json::value& params, const Limits& limits);
/// tasks/cancel, tasks/resubscribe: {id (alias taskId), metadata?}.
Result<TaskIdParams> parse_task_id_params(const json::value& params, const Limits& limits);
/// tasks/pushNotificationConfig/set: {taskId (alias id), pushNotificationConfig}. The config id defaults to the
/// task id (DECISIONS 7).
Result<TaskPushNotificationConfig> parse_push_set(const json::value& params, const Limits& limits);
/// tasks/pushNotificationConfig/get: {id (alias taskId), pushNotificationConfigId?}.
Result<PushConfigQuery> parse_push_get(const json::value& params, const Limits& limits);
/// tasks/pushNotificationConfig/list: {id (alias taskId)}.
Result<TaskIdParams> parse_push_list(const json::value& params, const Limits& limits);
/// tasks/pushNotificationConfig/delete: {id (alias taskId), pushNotificationConfigId}.
Result<PushConfigQuery> parse_push_delete(const json::value& params, const Limits& limits);

/// The body of the REST aliases POST /agents/{name}/message:send|stream (DECISIONS 6, server.md §5.9):
/// {"message", "configuration"?, "metadata"?, "session_id"?}. session_id (alias sessionId) becomes the message's
/// contextId unless the message names one. Paths start at the body root ("message.parts[0]").
Result<MessageSendParams> parse_rest_send(const json::value& body, const Limits& limits);

}  // namespace hector::a2a
