#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hector/a2a/types.hpp"
#include "hector/common/json.hpp"
#include "hector/common/result.hpp"
#include "hector/common/time.hpp"
#include "hector/store/task_store.hpp"

/// How the SQL stores turn values into columns and back. A2A objects are stored as their wire JSON (a2a/codec.hpp),
/// so a row reads like what a client saw. All functions are pure and thread-safe.
namespace hector::store::sql {

/// Nanoseconds since the Unix epoch: exact round trips of TimePoint on both engines.
std::int64_t to_nanos(TimePoint t);
TimePoint from_nanos(std::int64_t ns);

/// Stored JSON text back to a value. A row that does not parse is damage, not user error: Errc::io_error naming
/// `what`.
Result<json::value> parse_stored(std::string_view text, std::string_view what);

/// The JSON columns of a2a_tasks.
struct TaskColumns {
    std::string state;  // a2a::to_string(status.state), indexed for the CAS and the purge
    std::string status_json;
    std::string history_json;
    std::string artifacts_json;
    std::string metadata_json;
};

TaskColumns encode_task(const a2a::Task& task);
std::string encode_status(const a2a::TaskStatus& status);
/// Rebuilds the task from its columns (id and context from their own columns).
Result<a2a::Task> decode_task(std::string id, std::string context_id, const TaskColumns& columns);

std::string encode_push_config(const a2a::PushNotificationConfig& config);
Result<a2a::PushNotificationConfig> decode_push_config(std::string_view text);

std::string_view event_kind_name(TaskEvent::Kind kind);
TaskEvent::Kind event_kind_from_name(std::string_view name);

/// The states in which a task is finished, as SQL text for `state IN (...)`. Tested against a2a::is_terminal.
inline constexpr std::string_view kTerminalStatesSql = "('completed', 'canceled', 'failed', 'rejected')";

}  // namespace hector::store::sql
