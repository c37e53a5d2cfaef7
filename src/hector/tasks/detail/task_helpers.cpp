#include "hector/tasks/detail/task_helpers.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hector/a2a/codec.hpp"
#include "hector/common/ids.hpp"
#include "hector/common/time.hpp"

namespace hector::tasks::detail {

namespace json = boost::json;
using store::TaskEvent;

Error task_not_found() {
    return Error{Errc::task_not_found, "Task not found"};
}

a2a::TaskStatus status_now(a2a::TaskState state, std::optional<a2a::Message> message) {
    a2a::TaskStatus s;
    s.state = state;
    s.timestamp = now_rfc3339();
    s.message = std::move(message);
    return s;
}

a2a::Message agent_message(const store::TaskRecord& r, std::string text, SparseObject metadata) {
    a2a::Message m;
    m.message_id = new_ordered_uuid();
    m.role = a2a::Role::agent;
    m.parts.push_back(a2a::Part::make_text(std::move(text)));
    m.context_id = r.task.context_id;
    m.task_id = r.task.id;
    m.metadata = std::move(metadata);
    return m;
}

std::string status_payload(const store::TaskRecord& r, bool final) {
    return a2a::status_update_text(r.task.id, r.task.context_id, r.task.status, final);
}

namespace {

// `type/*` and `*/*` wildcards on either side (DECISIONS 19).
bool media_matches(std::string_view pattern, std::string_view type) {
    if (pattern == "*/*" || type == "*/*" || pattern == type) return true;
    auto prefix = [](std::string_view s) { return s.substr(0, s.find('/')); };
    if (pattern.size() > 2 && pattern.substr(pattern.size() - 2) == "/*") return prefix(pattern) == prefix(type);
    if (type.size() > 2 && type.substr(type.size() - 2) == "/*") return prefix(pattern) == prefix(type);
    return false;
}

bool any_matches(const std::vector<std::string>& patterns, std::string_view type) {
    for (const auto& p : patterns)
        if (media_matches(p, type)) return true;
    return false;
}

}  // namespace

Status check_media(const config::AgentConfig& agent, const a2a::MessageSendParams& params) {
    const auto& parts = params.message.parts;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const auto& p = parts[i];
        if (p.kind != a2a::Part::Kind::file || p.file->mime_type.empty()) continue;
        if (!any_matches(agent.input_modes, p.file->mime_type))
            return Error{Errc::content_type_not_supported,
                         fmt::format("params.message.parts[{}]: media type {} is not accepted by this agent ({})", i,
                                     p.file->mime_type, fmt::join(agent.input_modes, ", "))};
    }
    const auto& accepted = params.configuration.accepted_output_modes;
    if (!accepted.empty()) {
        bool ok = false;
        for (const auto& out : agent.output_modes) ok = ok || any_matches(accepted, out);
        if (!ok)
            return Error{Errc::content_type_not_supported,
                         fmt::format("params.configuration.acceptedOutputModes: this agent answers in {}",
                                     fmt::join(agent.output_modes, ", "))};
    }
    return {};
}

store::SessionEvent user_event(const a2a::Message& m, const std::string& task_id) {
    store::SessionEvent e;
    e.author = "user";
    e.role = "user";
    e.invocation_id = task_id;
    if (auto parts = a2a::to_json(m.parts); parts.is_array()) e.parts = std::move(parts.as_array());
    return e;
}

// Token-level artifact chunks become one event per artifact when a task ends (DECISIONS 26).
std::vector<TaskEvent> compact(const std::vector<TaskEvent>& log, const store::TaskRecord& record) {
    std::vector<TaskEvent> out;
    out.reserve(std::min<std::size_t>(log.size(), 16));
    // A task has a handful of artifacts at most: a linear search beats a map's allocations.
    std::vector<std::pair<std::string_view, std::size_t>> artifact_slot;
    // The stored copy: artifact_id only serves this compaction.
    auto stored = [](const TaskEvent& e) {
        TaskEvent c;
        c.seq = e.seq;
        c.kind = e.kind;
        c.payload = e.payload;
        c.final = e.final;
        return c;
    };
    for (const auto& e : log) {
        if (e.kind != TaskEvent::Kind::artifact) {
            out.push_back(stored(e));
            continue;
        }
        auto it = std::find_if(artifact_slot.begin(), artifact_slot.end(),
                               [&](const auto& s) { return s.first == e.artifact_id; });
        if (it == artifact_slot.end()) {
            artifact_slot.emplace_back(e.artifact_id, out.size());
            out.push_back(stored(e));
        } else {
            out[it->second].seq = e.seq;
        }
    }
    for (auto& [id, slot] : artifact_slot) {
        for (const auto& a : record.task.artifacts) {
            if (a.artifact_id != id) continue;
            out[slot].payload = store::make_json_text(
                a2a::artifact_update_text(record.task.id, record.task.context_id, a, false, true));
        }
    }
    return out;
}

// An approval answer (platform.md §5.6): a data part {"approved": bool, "tool_call_id"?} or the text
// approve/deny (yes/no), case-insensitive.
std::optional<agent::Resume> approval_of(const a2a::Message& m) {
    for (const auto& p : m.parts) {
        if (p.kind == a2a::Part::Kind::data) {
            if (const auto* a = p.data.if_contains("approved"); a && a->is_bool()) {
                agent::Resume r;
                r.approved = a->get_bool();
                if (const auto* id = p.data.if_contains("tool_call_id"); id && id->is_string())
                    r.tool_call_id = std::string(id->get_string());
                return r;
            }
        } else if (p.kind == a2a::Part::Kind::text) {
            std::string t;
            for (char c : p.text)
                if (!std::isspace(static_cast<unsigned char>(c)) && c != '.' && c != '!')
                    t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
            if (t == "approve" || t == "approved" || t == "yes" || t == "y") return agent::Resume{true};
            if (t == "deny" || t == "denied" || t == "no" || t == "n") return agent::Resume{false};
        }
    }
    return std::nullopt;
}

}  // namespace hector::tasks::detail
