#pragma once

// Internal to tasks/: small helpers shared by the task manager's files.

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

#include "hector/a2a/types.hpp"
#include "hector/agent/agent.hpp"
#include "hector/common/result.hpp"
#include "hector/config/model.hpp"
#include "hector/store/task_store.hpp"

namespace hector::tasks::detail {

/// How much of its conversation a run reads: the newest events of its session.
inline constexpr std::size_t kRunHistoryEvents = 1000;

Error task_not_found();
a2a::TaskStatus status_now(a2a::TaskState state, std::optional<a2a::Message> message = std::nullopt);
a2a::Message agent_message(const store::TaskRecord& r, std::string text, SparseObject metadata = {});
/// The task's status as a status-update event, JSON text.
std::string status_payload(const store::TaskRecord& r, bool final);
/// File parts against the agent's input modes, acceptedOutputModes against its output modes (DECISIONS 19).
Status check_media(const config::AgentConfig& agent, const a2a::MessageSendParams& params);
store::SessionEvent user_event(const a2a::Message& m, const std::string& task_id);
/// Token-level artifact chunks become one event per artifact when a task ends (DECISIONS 26).
std::vector<store::TaskEvent> compact(const std::vector<store::TaskEvent>& log, const store::TaskRecord& record);
/// An approval answer (platform.md §5.6): a data part {"approved": bool, "tool_call_id"?} or the text
/// approve/deny (yes/no), case-insensitive.
std::optional<agent::Resume> approval_of(const a2a::Message& m);

}  // namespace hector::tasks::detail
