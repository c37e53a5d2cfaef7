#pragma once

// Internal to tasks/: turns an agent's run reports into task events (DECISIONS 5).

#include "hector/a2a/codec.hpp"
#include "hector/agent/agent.hpp"
#include "hector/common/ids.hpp"
#include "hector/common/time.hpp"
#include "hector/tasks/live_task.hpp"

namespace hector::tasks {

class RunEmitter final : public agent::RunEmitter {
  public:
    explicit RunEmitter(TaskManager::Live& task) : task_(task) {}

    void answer_delta(std::string_view text) override {
        if (text.empty()) return;
        std::lock_guard lock(task_.mu);
        if (task_.finished) return;
        auto event = [&](std::string chunk, bool append) {
            a2a::ArtifactUpdateEvent e;
            e.task_id = task_.record.task.id;
            e.context_id = task_.record.task.context_id;
            e.artifact.artifact_id = task_.artifact_id;
            e.artifact.name = "answer";
            e.artifact.parts.push_back(a2a::Part::make_text(std::move(chunk)));
            e.append = append;
            e.last_chunk = false;
            return e;
        };
        if (!task_.artifact_open) {
            // Every chunk's event differs from the next only in its text and `append`: the codec writes the first
            // one once with a marker for the text (a control character, which no id or name here can hold), and
            // each chunk's event is that text split around the marker, with the chunk's text in between.
            const auto with_marker = a2a::to_text(event(std::string(kMarker), false));
            if (const auto at = with_marker.find(kMarkerJson); at != std::string::npos) {
                task_.chunk_prefix = with_marker.substr(0, at);
                task_.chunk_suffix = with_marker.substr(at + kMarkerJson.size());
            }
        }
        std::string payload;
        if (task_.chunk_prefix.empty()) {
            // No template (the codec would have to write the marker otherwise): each event written whole.
            payload = a2a::to_text(event(std::string(text), task_.artifact_open));
        } else {
            payload.reserve(task_.chunk_prefix.size() + text.size() + 2 + task_.chunk_suffix.size());
            payload.append(task_.chunk_prefix);
            append_json_string(payload, text);
            payload += task_.chunk_suffix;
        }
        if (!task_.artifact_open) {
            // The next chunks append to this one (the only member the template has to change).
            if (const auto flag = task_.chunk_suffix.find(kFirstChunk); flag != std::string::npos)
                task_.chunk_suffix.replace(flag, kFirstChunk.size(), kNextChunks);
            task_.artifact_open = true;
        }
        task_.answer.append(text);
        task_.append(store::TaskEvent::Kind::artifact, std::move(payload), false, false, true, task_.artifact_id);
    }

    void thinking_delta(std::string_view text) override { progress(text, "thinking", {}); }

    void tool_progress(std::string_view tool_call_id, std::string_view text) override {
        progress(text, "tool_progress", tool_call_id);
    }

    void tool_call_started(std::string_view tool_call_id, std::function<void()> cancel) override {
        std::lock_guard lock(task_.mu);
        task_.tool_calls[std::string(tool_call_id)] = std::move(cancel);
    }

    void tool_call_finished(std::string_view tool_call_id) override {
        std::lock_guard lock(task_.mu);
        task_.tool_calls.erase(std::string(tool_call_id));
    }

  private:
    static constexpr std::string_view kMarker = "\x01";
    static constexpr std::string_view kMarkerJson = "\"\\u0001\"";
    static constexpr std::string_view kFirstChunk = "\"append\":false";
    static constexpr std::string_view kNextChunks = "\"append\":true";

    void progress(std::string_view text, std::string_view type, std::string_view call_id) {
        if (text.empty()) return;
        std::lock_guard lock(task_.mu);
        if (task_.finished) return;
        a2a::StatusUpdateEvent e;
        e.task_id = task_.record.task.id;
        e.context_id = task_.record.task.context_id;
        e.status.state = a2a::TaskState::working;
        e.status.timestamp = now_rfc3339();
        a2a::Message m;
        m.message_id = new_uuid();
        m.role = a2a::Role::agent;
        m.parts.push_back(a2a::Part::make_text(std::string(text)));
        m.task_id = e.task_id;
        m.context_id = e.context_id;
        m.metadata["type"] = type;
        if (!call_id.empty()) m.metadata["tool_call_id"] = call_id;
        e.status.message = std::move(m);
        e.final = false;
        task_.append(store::TaskEvent::Kind::status, a2a::to_text(e), false, false);
    }

    TaskManager::Live& task_;
};

}  // namespace hector::tasks
