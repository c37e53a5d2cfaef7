#include "hector/a2a/types.hpp"

#include <array>
#include <utility>

namespace hector::a2a {

namespace {

constexpr std::array<std::pair<std::string_view, TaskState>, 9> kCanonical{{
    {"submitted", TaskState::submitted},
    {"working", TaskState::working},
    {"input-required", TaskState::input_required},
    {"completed", TaskState::completed},
    {"canceled", TaskState::canceled},
    {"failed", TaskState::failed},
    {"rejected", TaskState::rejected},
    {"auth-required", TaskState::auth_required},
    {"unknown", TaskState::unknown},
}};

/// Spellings used by the docs (pending/running, cancelled) and by the proto (TASK_STATE_CANCELLED,
/// TASK_STATE_UNSPECIFIED), after lower-casing and mapping '_' to '-'.
constexpr std::array<std::pair<std::string_view, TaskState>, 4> kAliases{{
    {"cancelled", TaskState::canceled},
    {"pending", TaskState::submitted},
    {"running", TaskState::working},
    {"unspecified", TaskState::unknown},
}};

}  // namespace

bool is_terminal(TaskState s) {
    return s == TaskState::completed || s == TaskState::canceled || s == TaskState::failed || s == TaskState::rejected;
}

bool is_interrupted(TaskState s) {
    return s == TaskState::input_required || s == TaskState::auth_required;
}

std::string_view to_string(TaskState s) {
    for (const auto& [name, state] : kCanonical) {
        if (state == s) return name;
    }
    return "unknown";
}

std::optional<TaskState> parse_state(std::string_view s) {
    constexpr std::string_view kProtoPrefix = "task-state-";
    if (s.size() > 32) return std::nullopt;
    std::string norm;
    norm.reserve(s.size());
    for (char c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        norm.push_back(c == '_' ? '-' : c);
    }
    std::string_view key = norm;
    if (key.starts_with(kProtoPrefix)) key.remove_prefix(kProtoPrefix.size());
    for (const auto& [name, state] : kCanonical) {
        if (name == key) return state;
    }
    for (const auto& [name, state] : kAliases) {
        if (name == key) return state;
    }
    return std::nullopt;
}

std::string Message::text() const {
    std::string out;
    bool first = true;
    for (const auto& p : parts) {
        if (p.kind != Part::Kind::text) continue;
        if (!first) out += '\n';
        out += p.text;
        first = false;
    }
    return out;
}

}  // namespace hector::a2a
