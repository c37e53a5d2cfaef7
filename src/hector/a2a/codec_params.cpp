// Readers for JSON-RPC method params (a2a-wire.md §2) and the REST alias body (DECISIONS 6).
#include "hector/a2a/codec.hpp"
#include "hector/a2a/detail/reader.hpp"

namespace hector::a2a {

namespace {

using detail::Field;
using detail::field;
using detail::invalid;

constexpr std::string_view kParams = "params";

Result<SendConfiguration> read_configuration(const Field& f, const Limits& limits) {
    SendConfiguration c;
    if (!f) return c;
    const auto* o = f.value->if_object();
    if (!o) return invalid(f.path, "must be an object");
    Field modes = field(*o, f.path, "acceptedOutputModes", {"accepted_output_modes"});
    if (auto st = detail::read_string_array(modes, c.accepted_output_modes); !st) return st.error();
    Field history = field(*o, f.path, "historyLength", {"history_length"});
    if (auto st = detail::read_count(history, c.history_length); !st) return st.error();
    if (Field push = field(*o, f.path, "pushNotificationConfig", {"push_notification_config", "pushNotification"})) {
        auto config = parse_push_config(*push.value, limits, push.path);
        if (!config) return config.error();
        c.push_notification_config = std::move(config).value();
    }
    if (auto st = detail::read_bool(field(*o, f.path, "blocking"), c.blocking); !st) return st.error();
    return c;
}

/// {message, configuration?, metadata?} at `base` ("params" for JSON-RPC, "" for a REST body).
Result<MessageSendParams> read_send(const json::object& o, std::string_view base, const Limits& limits) {
    MessageSendParams p;
    Field message = field(o, base, "message");
    if (!message) return invalid(message.path, "required");
    auto m = parse_message(*message.value, limits, message.path);
    if (!m) return m.error();
    p.message = std::move(m).value();
    auto config = read_configuration(field(o, base, "configuration"), limits);
    if (!config) return config.error();
    p.configuration = std::move(config).value();
    if (auto st = detail::read_object(field(o, base, "metadata"), p.metadata); !st) return st.error();
    return p;
}

/// The task id of get/list/delete/cancel params: `id`, or `taskId` as an alias.
Status read_task_id(const json::object& o, const Limits& limits, std::string& out) {
    return detail::require_id(field(o, kParams, "id", {"taskId", "task_id"}), limits.max_id_length, out);
}

Result<PushConfigQuery> read_config_query(const json::value& params, const Limits& limits, bool config_required) {
    auto obj = detail::object_at(params, kParams);
    if (!obj) return obj.error();
    const json::object& o = **obj;
    PushConfigQuery q;
    if (auto st = read_task_id(o, limits, q.task_id); !st) return st.error();
    Field cfg = field(o, kParams, "pushNotificationConfigId", {"push_notification_config_id"});
    if (config_required && !cfg) return invalid(cfg.path, "required");
    if (auto st = detail::read_id(cfg, limits.max_id_length, q.config_id); !st) return st.error();
    if (auto st = detail::read_object(field(o, kParams, "metadata"), q.metadata); !st) return st.error();
    return q;
}

}  // namespace

Result<MessageSendParams> parse_send_params(const json::value& params, const Limits& limits) {
    auto obj = detail::object_at(params, kParams);
    if (!obj) return obj.error();
    return read_send(**obj, kParams, limits);
}

Result<MessageSendParams> parse_rest_send(const json::value& body, const Limits& limits) {
    const auto* o = body.if_object();
    if (!o) return Error{Errc::invalid_argument, "body: must be a JSON object"};
    auto p = read_send(*o, "", limits);
    if (!p) return p;
    std::string session;
    if (auto st = detail::read_id(field(*o, "", "session_id", {"sessionId"}), limits.max_id_length, session); !st) {
        return st.error();
    }
    if (p->message.context_id.empty()) p->message.context_id = std::move(session);
    return p;
}

Result<TaskQueryParams> parse_task_query(const json::value& params, const Limits& limits) {
    auto obj = detail::object_at(params, kParams);
    if (!obj) return obj.error();
    const json::object& o = **obj;
    TaskQueryParams q;
    if (auto st = read_task_id(o, limits, q.id); !st) return st.error();
    Field history = field(o, kParams, "historyLength", {"history_length"});
    if (auto st = detail::read_count(history, q.history_length); !st) return st.error();
    if (auto st = detail::read_object(field(o, kParams, "metadata"), q.metadata); !st) return st.error();
    return q;
}

Result<TaskIdParams> parse_task_id_params(const json::value& params, const Limits& limits) {
    auto obj = detail::object_at(params, kParams);
    if (!obj) return obj.error();
    const json::object& o = **obj;
    TaskIdParams p;
    if (auto st = read_task_id(o, limits, p.id); !st) return st.error();
    if (auto st = detail::read_object(field(o, kParams, "metadata"), p.metadata); !st) return st.error();
    return p;
}

Result<TaskPushNotificationConfig> parse_push_set(const json::value& params, const Limits& limits) {
    auto obj = detail::object_at(params, kParams);
    if (!obj) return obj.error();
    const json::object& o = **obj;
    TaskPushNotificationConfig c;
    // The spec's name is taskId; api.md and the seed send id.
    Field task = field(o, kParams, "taskId", {"task_id", "id"});
    if (auto st = detail::require_id(task, limits.max_id_length, c.task_id); !st) return st.error();
    Field push = field(o, kParams, "pushNotificationConfig", {"push_notification_config"});
    if (!push) return invalid(push.path, "required");
    auto config = parse_push_config(*push.value, limits, push.path);
    if (!config) return config.error();
    c.config = std::move(config).value();
    if (c.config.id.empty()) c.config.id = c.task_id;
    return c;
}

Result<PushConfigQuery> parse_push_get(const json::value& params, const Limits& limits) {
    return read_config_query(params, limits, false);
}

Result<TaskIdParams> parse_push_list(const json::value& params, const Limits& limits) {
    return parse_task_id_params(params, limits);
}

Result<PushConfigQuery> parse_push_delete(const json::value& params, const Limits& limits) {
    return read_config_query(params, limits, true);
}

}  // namespace hector::a2a
