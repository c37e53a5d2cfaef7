// Output half of codec.hpp: exact spec objects (DECISIONS 3-4).
#include <algorithm>

#include "hector/a2a/codec.hpp"
#include "hector/a2a/detail/utf8.hpp"
#include "hector/common/strings.hpp"
#include "hector/common/time.hpp"

namespace hector::a2a {

namespace {

json::string wire_string(std::string_view s) {
    if (is_valid_utf8(s)) return json::string(s);
    return json::string(detail::to_valid_utf8(s));
}

json::array wire_strings(const std::vector<std::string>& items) {
    json::array out;
    out.reserve(items.size());
    for (const auto& s : items) out.emplace_back(wire_string(s));
    return out;
}

void put_if(json::object& o, std::string_view key, const std::string& value) {
    if (!value.empty()) o.emplace(key, wire_string(value));
}

void put_if(json::object& o, std::string_view key, const std::vector<std::string>& values) {
    if (!values.empty()) o.emplace(key, wire_strings(values));
}

void put_if(json::object& o, std::string_view key, const json::object& value) {
    if (!value.empty()) o.emplace(key, value);
}

json::array parts_json(const std::vector<Part>& parts) {
    json::array out;
    out.reserve(parts.size());
    for (const auto& p : parts) out.emplace_back(to_json(p));
    return out;
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

json::object file_json(const FileContent& f) {
    json::object o;
    put_if(o, "name", f.name);
    put_if(o, "mimeType", f.mime_type);
    // Exactly one of bytes | uri, as the schema's anyOf demands.
    if (!f.uri.empty() && f.bytes.empty()) {
        o.emplace("uri", wire_string(f.uri));
    } else {
        o.emplace("bytes", wire_string(f.bytes));
    }
    return o;
}

}  // namespace

json::value to_json(const Part& part) {
    json::object o;
    const std::string_view kind = kind_name(part.kind);
    o.emplace("kind", kind);
    o.emplace("type", kind);
    switch (part.kind) {
        case Part::Kind::text:
            o.emplace("text", wire_string(part.text));
            break;
        case Part::Kind::file:
            o.emplace("file", file_json(part.file));
            break;
        case Part::Kind::data:
            o.emplace("data", part.data);
            break;
    }
    put_if(o, "metadata", part.metadata);
    return o;
}

json::value to_json(const Message& message) {
    json::object o;
    o.emplace("kind", "message");
    o.emplace("messageId", wire_string(message.message_id));
    o.emplace("role", message.role == Role::agent ? "agent" : "user");
    o.emplace("parts", parts_json(message.parts));
    put_if(o, "contextId", message.context_id);
    put_if(o, "taskId", message.task_id);
    put_if(o, "referenceTaskIds", message.reference_task_ids);
    put_if(o, "extensions", message.extensions);
    put_if(o, "metadata", message.metadata);
    return o;
}

json::value to_json(const TaskStatus& status) {
    json::object o;
    o.emplace("state", to_string(status.state));
    if (status.message) o.emplace("message", to_json(*status.message));
    o.emplace("timestamp", status.timestamp.empty() ? json::string(now_rfc3339()) : wire_string(status.timestamp));
    return o;
}

json::value to_json(const Artifact& artifact) {
    json::object o;
    o.emplace("artifactId", wire_string(artifact.artifact_id));
    put_if(o, "name", artifact.name);
    put_if(o, "description", artifact.description);
    o.emplace("parts", parts_json(artifact.parts));
    put_if(o, "metadata", artifact.metadata);
    put_if(o, "extensions", artifact.extensions);
    return o;
}

json::value to_json(const Task& task, std::optional<int> history_length) {
    json::object o;
    o.emplace("kind", "task");
    o.emplace("id", wire_string(task.id));
    o.emplace("contextId", wire_string(task.context_id));
    o.emplace("status", to_json(task.status));

    std::size_t keep = task.history.size();
    if (history_length) keep = std::min(keep, static_cast<std::size_t>(std::max(*history_length, 0)));
    json::array history;
    history.reserve(keep);
    for (auto it = task.history.end() - static_cast<std::ptrdiff_t>(keep); it != task.history.end(); ++it) {
        history.emplace_back(to_json(*it));
    }
    o.emplace("history", std::move(history));

    json::array artifacts;
    artifacts.reserve(task.artifacts.size());
    for (const auto& a : task.artifacts) artifacts.emplace_back(to_json(a));
    o.emplace("artifacts", std::move(artifacts));
    put_if(o, "metadata", task.metadata);
    return o;
}

json::value to_json(const StatusUpdateEvent& event) {
    json::object o;
    o.emplace("kind", "status-update");
    o.emplace("taskId", wire_string(event.task_id));
    o.emplace("contextId", wire_string(event.context_id));
    o.emplace("status", to_json(event.status));
    o.emplace("final", event.final);
    put_if(o, "metadata", event.metadata);
    return o;
}

json::value to_json(const ArtifactUpdateEvent& event) {
    json::object o;
    o.emplace("kind", "artifact-update");
    o.emplace("taskId", wire_string(event.task_id));
    o.emplace("contextId", wire_string(event.context_id));
    o.emplace("artifact", to_json(event.artifact));
    o.emplace("append", event.append);
    o.emplace("lastChunk", event.last_chunk);
    put_if(o, "metadata", event.metadata);
    return o;
}

json::value to_json(const PushNotificationConfig& config) {
    json::object o;
    put_if(o, "id", config.id);
    o.emplace("url", wire_string(config.url));
    put_if(o, "token", config.token);
    if (config.authentication) {
        json::object auth;
        auth.emplace("schemes", wire_strings(config.authentication->schemes));
        put_if(auth, "credentials", config.authentication->credentials);
        o.emplace("authentication", std::move(auth));
    }
    return o;
}

json::value to_json(const TaskPushNotificationConfig& config) {
    json::object o;
    o.emplace("taskId", wire_string(config.task_id));
    o.emplace("pushNotificationConfig", to_json(config.config));
    return o;
}

json::value to_json(const std::vector<TaskPushNotificationConfig>& configs) {
    json::array out;
    out.reserve(configs.size());
    for (const auto& c : configs) out.emplace_back(to_json(c));
    return out;
}

}  // namespace hector::a2a
