// Lenient readers for tasks, artifacts and stream events: what a remote A2A agent or a stored snapshot sends back.
#include "hector/a2a/codec.hpp"
#include "hector/a2a/detail/reader.hpp"
#include "hector/common/ids.hpp"

namespace hector::a2a {

namespace {

using detail::Field;
using detail::field;
using detail::invalid;

Status check_kind(const json::object& o, std::string_view path, std::string_view expected) {
    Field k = field(o, path, "kind");
    if (!k) return {};
    if (k.value->is_string() && k.value->get_string() == expected) return {};
    return invalid(k.path, "must be \"" + std::string(expected) + "\"");
}

Status read_ids(const json::object& o, std::string_view path, const Limits& limits, std::string& task_id,
                std::string& context_id) {
    if (auto st = detail::require_id(field(o, path, "taskId", {"task_id"}), limits.max_id_length, task_id); !st) {
        return st;
    }
    return detail::read_id(field(o, path, "contextId", {"context_id"}), limits.max_id_length, context_id);
}

template <class T, class Parse>
Status read_list(const Field& f, std::vector<T>& out, Parse parse) {
    if (!f) return {};
    const auto* arr = f.value->if_array();
    if (!arr) return invalid(f.path, "must be an array");
    out.clear();
    out.reserve(arr->size());
    for (std::size_t i = 0; i < arr->size(); ++i) {
        auto item = parse((*arr)[i], detail::element(f.path, i));
        if (!item) return std::move(item).error();
        out.push_back(std::move(item).value());
    }
    return {};
}

Result<TaskStatus> required_status(const json::object& o, std::string_view path, const Limits& limits) {
    Field s = field(o, path, "status");
    if (!s) return invalid(s.path, "required");
    return parse_task_status(*s.value, limits, s.path);
}

}  // namespace

Result<TaskStatus> parse_task_status(const json::value& v, const Limits& limits, std::string_view path) {
    auto obj = detail::object_at(v, path);
    if (!obj) return obj.error();
    const json::object& o = **obj;
    TaskStatus s;
    Field state = field(o, path, "state");
    std::string name;
    if (auto st = detail::require_string(state, name); !st) return st.error();
    auto parsed = parse_state(name);
    if (!parsed) return invalid(state.path, "must be a task state such as \"working\" or \"completed\"");
    s.state = *parsed;
    if (Field m = field(o, path, "message")) {
        auto msg = parse_message(*m.value, limits, m.path);
        if (!msg) return msg.error();
        s.message = std::move(msg).value();
    }
    if (auto st = detail::read_string(field(o, path, "timestamp"), s.timestamp); !st) return st.error();
    return s;
}

Result<Artifact> parse_artifact(const json::value& v, const Limits& limits, std::string_view path) {
    auto obj = detail::object_at(v, path);
    if (!obj) return obj.error();
    const json::object& o = **obj;
    Artifact a;
    Field id = field(o, path, "artifactId", {"artifact_id"});
    if (auto st = detail::read_id(id, limits.max_id_length, a.artifact_id); !st) return st.error();
    // Seed-era artifacts carry no id; the spec requires one.
    if (a.artifact_id.empty()) a.artifact_id = new_uuid();
    if (auto st = detail::read_string(field(o, path, "name"), a.name); !st) return st.error();
    if (auto st = detail::read_string(field(o, path, "description"), a.description); !st) return st.error();
    Field parts = field(o, path, "parts", {"content"});
    if (!parts) return invalid(parts.path, "required");
    auto part = [](const json::value& p, const std::string& pp) { return parse_part(p, pp); };
    if (auto st = read_list(parts, a.parts, part); !st) return st.error();
    if (auto st = detail::read_object(field(o, path, "metadata"), a.metadata); !st) return st.error();
    if (auto st = detail::read_string_array(field(o, path, "extensions"), a.extensions); !st) return st.error();
    return a;
}

Result<Task> parse_task(const json::value& v, const Limits& limits, std::string_view path) {
    auto obj = detail::object_at(v, path);
    if (!obj) return obj.error();
    const json::object& o = **obj;
    if (auto st = check_kind(o, path, "task"); !st) return st.error();
    Task t;
    if (auto st = detail::require_id(field(o, path, "id"), limits.max_id_length, t.id); !st) return st.error();
    Field ctx = field(o, path, "contextId", {"context_id"});
    if (auto st = detail::read_id(ctx, limits.max_id_length, t.context_id); !st) return st.error();
    auto status = required_status(o, path, limits);
    if (!status) return status.error();
    t.status = std::move(status).value();
    auto message = [&limits](const json::value& m, const std::string& mp) { return parse_message(m, limits, mp); };
    if (auto st = read_list(field(o, path, "history"), t.history, message); !st) return st.error();
    auto artifact = [&limits](const json::value& a, const std::string& ap) { return parse_artifact(a, limits, ap); };
    if (auto st = read_list(field(o, path, "artifacts"), t.artifacts, artifact); !st) return st.error();
    if (auto st = detail::read_object(field(o, path, "metadata"), t.metadata); !st) return st.error();
    return t;
}

Result<StatusUpdateEvent> parse_status_update(const json::value& v, const Limits& limits, std::string_view path) {
    auto obj = detail::object_at(v, path);
    if (!obj) return obj.error();
    const json::object& o = **obj;
    if (auto st = check_kind(o, path, "status-update"); !st) return st.error();
    StatusUpdateEvent e;
    if (auto st = read_ids(o, path, limits, e.task_id, e.context_id); !st) return st.error();
    auto status = required_status(o, path, limits);
    if (!status) return status.error();
    e.status = std::move(status).value();
    if (auto st = detail::read_bool(field(o, path, "final"), e.final); !st) return st.error();
    if (auto st = detail::read_object(field(o, path, "metadata"), e.metadata); !st) return st.error();
    return e;
}

Result<ArtifactUpdateEvent> parse_artifact_update(const json::value& v, const Limits& limits, std::string_view path) {
    auto obj = detail::object_at(v, path);
    if (!obj) return obj.error();
    const json::object& o = **obj;
    if (auto st = check_kind(o, path, "artifact-update"); !st) return st.error();
    ArtifactUpdateEvent e;
    if (auto st = read_ids(o, path, limits, e.task_id, e.context_id); !st) return st.error();
    Field art = field(o, path, "artifact");
    if (!art) return invalid(art.path, "required");
    auto artifact = parse_artifact(*art.value, limits, art.path);
    if (!artifact) return artifact.error();
    e.artifact = std::move(artifact).value();
    if (auto st = detail::read_bool(field(o, path, "append"), e.append); !st) return st.error();
    if (auto st = detail::read_bool(field(o, path, "lastChunk", {"last_chunk"}), e.last_chunk); !st) return st.error();
    if (auto st = detail::read_object(field(o, path, "metadata"), e.metadata); !st) return st.error();
    return e;
}

}  // namespace hector::a2a
