#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hector/common/out_of_line.hpp"
#include "hector/common/sparse_object.hpp"

/// A2A v0.3.0 protocol objects (spec/a2a-wire.md §3), as plain values. The codec (codec.hpp) reads them
/// leniently (kind/type/none, camelCase or snake_case, ROLE_USER) and writes them exactly (kind on everything,
/// camelCase, lowercase states, parts also carrying "type").
namespace hector::a2a {

enum class Role { user, agent };

enum class TaskState {
    submitted,
    working,
    input_required,
    completed,
    canceled,
    failed,
    rejected,
    auth_required,
    unknown
};

/// completed, canceled, failed, rejected.
bool is_terminal(TaskState s);
/// input-required, auth-required: the task waits on the client.
bool is_interrupted(TaskState s);
std::string_view to_string(TaskState s);
std::optional<TaskState> parse_state(std::string_view s);  // also accepts "cancelled", "input_required", "pending"...

struct FileContent {
    std::string name;
    std::string mime_type;
    std::string bytes;  // base64, as on the wire
    std::string uri;    // exactly one of bytes | uri is set
};

struct Part {
    enum class Kind { text, file, data };
    Kind kind = Kind::text;
    std::string text;
    /// Set only on file parts: out of line, as most parts are text (a part is copied into every message, task and
    /// session event that holds it).
    OutOfLine<FileContent> file;
    SparseObject data;
    SparseObject metadata;

    static Part make_text(std::string t) {
        Part p;
        p.text = std::move(t);
        return p;
    }
};

struct Message {
    std::string message_id;
    Role role = Role::user;
    std::vector<Part> parts;
    std::string context_id;
    std::string task_id;
    std::vector<std::string> reference_task_ids;
    std::vector<std::string> extensions;
    SparseObject metadata;

    /// Concatenated text of the text parts, joined by newlines.
    std::string text() const;
};

struct TaskStatus {
    TaskState state = TaskState::submitted;
    std::optional<Message> message;
    std::string timestamp;  // RFC 3339 UTC
};

struct Artifact {
    std::string artifact_id;
    std::string name;
    std::string description;
    std::vector<Part> parts;
    SparseObject metadata;
    std::vector<std::string> extensions;
};

struct Task {
    std::string id;
    std::string context_id;
    TaskStatus status;
    std::vector<Message> history;
    std::vector<Artifact> artifacts;
    SparseObject metadata;
};

struct StatusUpdateEvent {
    std::string task_id;
    std::string context_id;
    TaskStatus status;
    bool final = false;
    SparseObject metadata;
};

struct ArtifactUpdateEvent {
    std::string task_id;
    std::string context_id;
    Artifact artifact;
    bool append = false;
    bool last_chunk = false;
    SparseObject metadata;
};

struct PushAuthentication {
    std::vector<std::string> schemes;  // e.g. {"Bearer"}
    std::string credentials;
};

struct PushNotificationConfig {
    std::string id;
    std::string url;
    std::string token;
    std::optional<PushAuthentication> authentication;
};

struct TaskPushNotificationConfig {
    std::string task_id;
    PushNotificationConfig config;
};

struct SendConfiguration {
    std::vector<std::string> accepted_output_modes;
    std::optional<int> history_length;
    std::optional<PushNotificationConfig> push_notification_config;
    bool blocking = true;
};

struct MessageSendParams {
    Message message;
    SendConfiguration configuration;
    SparseObject metadata;
};

/// tasks/get: {id, historyLength?, metadata?}.
struct TaskQueryParams {
    std::string id;
    std::optional<int> history_length;
    SparseObject metadata;
};

/// tasks/cancel, tasks/resubscribe, tasks/pushNotificationConfig/list: {id, metadata?}.
struct TaskIdParams {
    std::string id;
    SparseObject metadata;
};

/// tasks/pushNotificationConfig/get and /delete: {id, pushNotificationConfigId?, metadata?}.
struct PushConfigQuery {
    std::string task_id;
    std::string config_id;  // empty: get answers the first config; delete requires it
    SparseObject metadata;
};

}  // namespace hector::a2a
