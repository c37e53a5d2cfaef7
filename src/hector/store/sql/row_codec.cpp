#include "hector/store/sql/row_codec.hpp"

#include <fmt/format.h>

#include <limits>

#include "hector/a2a/codec.hpp"

namespace hector::store::sql {

namespace {

// What the store reads back was written by this process's codec from validated values: no input limits apply.
const a2a::Limits kStoredLimits{std::numeric_limits<std::size_t>::max(), std::numeric_limits<std::size_t>::max()};

// Stored values were accepted at the request's depth bound; this only guards against a damaged row.
constexpr std::size_t kStoredDepth = kOwnJsonDepth;

/// The wire reader insists on at least one part, but a message built by the server (a status message, an empty
/// answer) may have none. A placeholder part makes it readable and is dropped again.
Result<a2a::Message> decode_message(const json::value& v, std::string_view path) {
    const auto* o = v.if_object();
    const auto* parts = o ? find(*o, "parts") : nullptr;
    if (parts && parts->is_array() && parts->get_array().empty()) {
        json::object copy = *o;
        json::object placeholder;
        placeholder["kind"] = "text";
        placeholder["text"] = "";
        copy["parts"] = json::array{placeholder};
        auto m = a2a::parse_message(copy, kStoredLimits, path);
        if (m) m->parts.clear();
        return m;
    }
    return a2a::parse_message(v, kStoredLimits, path);
}

Error damaged(std::string_view what, const Error& e) {
    return Error{Errc::io_error, fmt::format("stored {} is unreadable: {}", what, e.message)};
}

}  // namespace

std::int64_t to_nanos(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

TimePoint from_nanos(std::int64_t ns) {
    return TimePoint{std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds{ns})};
}

Result<json::value> parse_stored(std::string_view text, std::string_view what) {
    auto v = parse_json(text, kStoredDepth);
    if (!v) return damaged(what, v.error());
    return v;
}

std::string encode_status(const a2a::TaskStatus& status) {
    return a2a::to_text(status);
}

namespace {

template <class T>
std::string encode_array(const std::vector<T>& items) {
    JsonWriter w;
    w.begin_array();
    for (const auto& item : items) a2a::write(w, item);
    w.end_array();
    return w.take();
}

}  // namespace

TaskColumns encode_task(const a2a::Task& task) {
    TaskColumns c;
    c.state = std::string(a2a::to_string(task.status.state));
    c.status_json = encode_status(task.status);
    c.history_json = encode_array(task.history);
    c.artifacts_json = encode_array(task.artifacts);
    c.metadata_json = to_json(task.metadata);
    return c;
}

Result<a2a::Task> decode_task(std::string id, std::string context_id, const TaskColumns& columns) {
    a2a::Task t;
    t.id = std::move(id);
    t.context_id = std::move(context_id);
    const std::string what = "task " + t.id;

    auto status = parse_stored(columns.status_json, what);
    if (!status) return std::move(status).error();
    const auto* so = status->if_object();
    if (so && find(*so, "message")) {
        // Read the message with the tolerant reader, the rest with the wire reader.
        json::object rest = *so;
        auto msg = decode_message(rest["message"], "status.message");
        if (!msg) return damaged(what, msg.error());
        rest.erase("message");
        auto s = a2a::parse_task_status(rest, kStoredLimits, "status");
        if (!s) return damaged(what, s.error());
        t.status = std::move(s).value();
        t.status.message = std::move(msg).value();
    } else {
        auto s = a2a::parse_task_status(*status, kStoredLimits, "status");
        if (!s) return damaged(what, s.error());
        t.status = std::move(s).value();
    }

    auto history = parse_stored(columns.history_json, what);
    if (!history) return std::move(history).error();
    if (!history->is_array()) return Error{Errc::io_error, "stored " + what + " is unreadable: history"};
    for (const auto& m : history->get_array()) {
        auto msg = decode_message(m, "history");
        if (!msg) return damaged(what, msg.error());
        t.history.push_back(std::move(msg).value());
    }

    auto artifacts = parse_stored(columns.artifacts_json, what);
    if (!artifacts) return std::move(artifacts).error();
    if (!artifacts->is_array()) return Error{Errc::io_error, "stored " + what + " is unreadable: artifacts"};
    for (const auto& a : artifacts->get_array()) {
        auto art = a2a::parse_artifact(a, kStoredLimits, "artifacts");
        if (!art) return damaged(what, art.error());
        t.artifacts.push_back(std::move(art).value());
    }

    auto metadata = parse_stored(columns.metadata_json, what);
    if (!metadata) return std::move(metadata).error();
    if (!metadata->is_object()) return Error{Errc::io_error, "stored " + what + " is unreadable: metadata"};
    t.metadata = std::move(metadata->get_object());
    return t;
}

std::string encode_push_config(const a2a::PushNotificationConfig& config) {
    return a2a::to_text(config);
}

Result<a2a::PushNotificationConfig> decode_push_config(std::string_view text) {
    auto v = parse_stored(text, "push notification config");
    if (!v) return std::move(v).error();
    auto c = a2a::parse_push_config(*v, kStoredLimits, "pushNotificationConfig");
    if (!c) return damaged("push notification config", c.error());
    return c;
}

std::string_view event_kind_name(TaskEvent::Kind kind) {
    return kind == TaskEvent::Kind::artifact ? "artifact" : "status";
}

TaskEvent::Kind event_kind_from_name(std::string_view name) {
    return name == "artifact" ? TaskEvent::Kind::artifact : TaskEvent::Kind::status;
}

}  // namespace hector::store::sql
