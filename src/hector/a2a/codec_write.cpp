// Output half of codec.hpp: exact spec objects (DECISIONS 3-4). Each write() serves both writers: JsonWriter puts
// the JSON text down in one pass (the serving path), JsonValueBuilder builds the json::value that to_json()
// returns, so every object's shape is defined once, here.
#include <algorithm>

#include "hector/a2a/codec.hpp"
#include "hector/common/time.hpp"

namespace hector::a2a {

namespace {

template <class W>
void put_if(W& w, std::string_view key, const std::string& value) {
    if (!value.empty()) w.key(key).string(value);
}

template <class W>
void put_if(W& w, std::string_view key, const std::vector<std::string>& values) {
    if (values.empty()) return;
    w.key(key).begin_array();
    for (const auto& s : values) w.string(s);
    w.end_array();
}

template <class W>
void put_if(W& w, std::string_view key, const json::object& value) {
    if (!value.empty()) w.key(key).value(value);
}

std::string_view kind_name(Part::Kind k) {
    switch (k) {
        case Part::Kind::text:
            return "text";
        case Part::Kind::file:
            return "file";
        case Part::Kind::data:
            return "data";
    }
    return "text";
}

template <class T>
json::value value_of(const T& v) {
    JsonValueBuilder b;
    write(b, v);
    return b.take();
}

}  // namespace

template <class W>
void write(W& w, const Part& part) {
    const std::string_view kind = kind_name(part.kind);
    w.begin_object();
    w.key("kind").token(kind);
    w.key("type").token(kind);
    switch (part.kind) {
        case Part::Kind::text:
            w.key("text").string(part.text);
            break;
        case Part::Kind::file: {
            const auto& f = part.file.get();
            w.key("file").begin_object();
            put_if(w, "name", f.name);
            put_if(w, "mimeType", f.mime_type);
            // Exactly one of bytes | uri, as the schema's anyOf demands.
            if (!f.uri.empty() && f.bytes.empty())
                w.key("uri").string(f.uri);
            else
                w.key("bytes").string(f.bytes);
            w.end_object();
            break;
        }
        case Part::Kind::data:
            w.key("data").value(part.data);
            break;
    }
    put_if(w, "metadata", part.metadata);
    w.end_object();
}

template <class W>
void write(W& w, const std::vector<Part>& parts) {
    w.begin_array();
    for (const auto& p : parts) write(w, p);
    w.end_array();
}

template <class W>
void write(W& w, const Message& message) {
    w.begin_object();
    w.key("kind").token("message");
    w.key("messageId").string(message.message_id);
    w.key("role").token(message.role == Role::agent ? "agent" : "user");
    w.key("parts");
    write(w, message.parts);
    put_if(w, "contextId", message.context_id);
    put_if(w, "taskId", message.task_id);
    put_if(w, "referenceTaskIds", message.reference_task_ids);
    put_if(w, "extensions", message.extensions);
    put_if(w, "metadata", message.metadata);
    w.end_object();
}

template <class W>
void write(W& w, const TaskStatus& status) {
    w.begin_object();
    w.key("state").token(to_string(status.state));
    if (status.message) {
        w.key("message");
        write(w, *status.message);
    }
    w.key("timestamp").string(status.timestamp.empty() ? now_rfc3339() : status.timestamp);
    w.end_object();
}

template <class W>
void write(W& w, const Artifact& artifact) {
    w.begin_object();
    w.key("artifactId").string(artifact.artifact_id);
    put_if(w, "name", artifact.name);
    put_if(w, "description", artifact.description);
    w.key("parts");
    write(w, artifact.parts);
    put_if(w, "metadata", artifact.metadata);
    put_if(w, "extensions", artifact.extensions);
    w.end_object();
}

template <class W>
void write(W& w, const Task& task, std::optional<int> history_length) {
    w.begin_object();
    w.key("kind").token("task");
    w.key("id").string(task.id);
    w.key("contextId").string(task.context_id);
    w.key("status");
    write(w, task.status);
    std::size_t keep = task.history.size();
    if (history_length) keep = std::min(keep, static_cast<std::size_t>(std::max(*history_length, 0)));
    w.key("history").begin_array();
    for (auto it = task.history.end() - static_cast<std::ptrdiff_t>(keep); it != task.history.end(); ++it)
        write(w, *it);
    w.end_array();
    w.key("artifacts").begin_array();
    for (const auto& a : task.artifacts) write(w, a);
    w.end_array();
    put_if(w, "metadata", task.metadata);
    w.end_object();
}

template <class W>
void write_status_update(W& w, std::string_view task_id, std::string_view context_id, const TaskStatus& status,
                         bool final, const json::object& metadata) {
    w.begin_object();
    w.key("kind").token("status-update");
    w.key("taskId").string(task_id);
    w.key("contextId").string(context_id);
    w.key("status");
    write(w, status);
    w.key("final").boolean(final);
    if (!metadata.empty()) w.key("metadata").value(metadata);
    w.end_object();
}

template <class W>
void write(W& w, const StatusUpdateEvent& event) {
    write_status_update(w, event.task_id, event.context_id, event.status, event.final, event.metadata);
}

template <class W>
void write_artifact_update(W& w, std::string_view task_id, std::string_view context_id, const Artifact& artifact,
                           bool append, bool last_chunk, const json::object& metadata) {
    w.begin_object();
    w.key("kind").token("artifact-update");
    w.key("taskId").string(task_id);
    w.key("contextId").string(context_id);
    w.key("artifact");
    write(w, artifact);
    w.key("append").boolean(append);
    w.key("lastChunk").boolean(last_chunk);
    if (!metadata.empty()) w.key("metadata").value(metadata);
    w.end_object();
}

template <class W>
void write(W& w, const ArtifactUpdateEvent& event) {
    write_artifact_update(w, event.task_id, event.context_id, event.artifact, event.append, event.last_chunk,
                          event.metadata);
}

template <class W>
void write(W& w, const PushNotificationConfig& config) {
    w.begin_object();
    put_if(w, "id", config.id);
    w.key("url").string(config.url);
    put_if(w, "token", config.token);
    if (config.authentication) {
        w.key("authentication").begin_object();
        w.key("schemes").begin_array();
        for (const auto& s : config.authentication->schemes) w.string(s);
        w.end_array();
        put_if(w, "credentials", config.authentication->credentials);
        w.end_object();
    }
    w.end_object();
}

template <class W>
void write(W& w, const TaskPushNotificationConfig& config) {
    w.begin_object();
    w.key("taskId").string(config.task_id);
    w.key("pushNotificationConfig");
    write(w, config.config);
    w.end_object();
}

template <class W>
void write(W& w, const std::vector<TaskPushNotificationConfig>& configs) {
    w.begin_array();
    for (const auto& c : configs) write(w, c);
    w.end_array();
}

// The two writers every write() serves (codec.hpp).
#define HECTOR_A2A_WRITERS(W)                                   \
    template void write(W&, const Part&);                       \
    template void write(W&, const std::vector<Part>&);          \
    template void write(W&, const Message&);                    \
    template void write(W&, const TaskStatus&);                 \
    template void write(W&, const Artifact&);                   \
    template void write(W&, const Task&, std::optional<int>);   \
    template void write(W&, const StatusUpdateEvent&);          \
    template void write(W&, const ArtifactUpdateEvent&);        \
    template void write(W&, const PushNotificationConfig&);     \
    template void write(W&, const TaskPushNotificationConfig&); \
    template void write(W&, const std::vector<TaskPushNotificationConfig>&);
HECTOR_A2A_WRITERS(JsonWriter)
HECTOR_A2A_WRITERS(JsonValueBuilder)
#undef HECTOR_A2A_WRITERS

std::string status_update_text(std::string_view task_id, std::string_view context_id, const TaskStatus& status,
                               bool final) {
    static const json::object none;
    return detail::write_exact(
        [&](JsonWriter& w) { write_status_update(w, task_id, context_id, status, final, none); });
}

std::string artifact_update_text(std::string_view task_id, std::string_view context_id, const Artifact& artifact,
                                 bool append, bool last_chunk) {
    static const json::object none;
    return detail::write_exact(
        [&](JsonWriter& w) { write_artifact_update(w, task_id, context_id, artifact, append, last_chunk, none); });
}

std::string to_text(const Task& task, std::optional<int> history_length) {
    return detail::write_exact([&](JsonWriter& w) { write(w, task, history_length); });
}

json::value to_json(const Part& part) {
    return value_of(part);
}
json::value to_json(const Message& message) {
    return value_of(message);
}
json::value to_json(const std::vector<Part>& parts) {
    return value_of(parts);
}
json::value to_json(const TaskStatus& status) {
    return value_of(status);
}
json::value to_json(const Artifact& artifact) {
    return value_of(artifact);
}
json::value to_json(const Task& task, std::optional<int> history_length) {
    JsonValueBuilder b;
    write(b, task, history_length);
    return b.take();
}
json::value to_json(const StatusUpdateEvent& event) {
    return value_of(event);
}
json::value to_json(const ArtifactUpdateEvent& event) {
    return value_of(event);
}
json::value to_json(const PushNotificationConfig& config) {
    return value_of(config);
}
json::value to_json(const TaskPushNotificationConfig& config) {
    return value_of(config);
}
json::value to_json(const std::vector<TaskPushNotificationConfig>& configs) {
    return value_of(configs);
}

}  // namespace hector::a2a
