#include "hector/a2a/jsonrpc.hpp"

#include <array>
#include <utility>

#include <boost/json/serialize.hpp>

#include "hector/a2a/detail/raw_id.hpp"
#include "hector/common/error_table.hpp"
#include "hector/common/strings.hpp"

namespace hector::a2a {

namespace {

struct MethodName {
    std::string_view name;
    Method method;
};

// Canonical names first: method_name() returns the first match.
constexpr std::array<MethodName, 15> kMethods{{
    {"message/send", Method::message_send},
    {"message/stream", Method::message_stream},
    {"tasks/get", Method::tasks_get},
    {"tasks/cancel", Method::tasks_cancel},
    {"tasks/resubscribe", Method::tasks_resubscribe},
    {"tasks/pushNotificationConfig/set", Method::push_set},
    {"tasks/pushNotificationConfig/get", Method::push_get},
    {"tasks/pushNotificationConfig/list", Method::push_list},
    {"tasks/pushNotificationConfig/delete", Method::push_delete},
    {"agent/getAuthenticatedExtendedCard", Method::get_extended_card},
    {"message:send", Method::message_send},
    {"message:stream", Method::message_stream},
    {"tasks/subscribe", Method::tasks_resubscribe},
    {"tasks/pushNotification/set", Method::push_set},
    {"tasks/pushNotification/get", Method::push_get},
}};

/// Longest method name echoed in a -32601 detail; the rest of a hostile name is cut at a UTF-8 boundary.
constexpr std::size_t kMaxEchoedMethod = 64;

std::string_view clip_utf8(std::string_view s, std::size_t max) {
    if (s.size() <= max) return s;
    std::size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return s.substr(0, n);
}

RpcError envelope_error(std::string_view detail, json::value id = nullptr, std::string id_text = {}) {
    RpcError e = rpc_error(-32600, detail);
    e.id = std::move(id);
    e.id_text = std::move(id_text);
    return e;
}

/// Reads the id member into req, or returns the -32600 detail when its type is not allowed.
std::optional<std::string> read_id(const json::object& o, std::string_view body, std::size_t max_depth,
                                   const Limits& limits, RpcRequest& req) {
    const json::value* id = o.if_contains("id");
    if (!id) return std::nullopt;
    req.has_id = true;
    switch (id->kind()) {
        case json::kind::null:
        case json::kind::int64:
        case json::kind::uint64:
            req.id = *id;
            return std::nullopt;
        case json::kind::string: {
            const auto s = sv(id->get_string());
            if (!s.empty() && !is_printable_ascii_id(s, limits.max_id_length)) {
                return "id: must be at most " + std::to_string(limits.max_id_length) + " printable ASCII characters";
            }
            req.id = *id;
            return std::nullopt;
        }
        case json::kind::double_: {
            // Beyond 64 bits Boost.JSON keeps an integer as a double; keep its text to echo it exactly.
            std::string text = detail::raw_id_number(body, max_depth);
            if (!detail::is_integer_literal(text)) return std::string("id: must not be a fractional number");
            req.id = *id;
            req.id_text = std::move(text);
            return std::nullopt;
        }
        default:
            return std::string("id: must be a string, an integer or null");
    }
}

/// The first required member of a method's params, named when params are left out altogether; empty when the
/// params are optional.
std::string_view required_param(Method m) {
    switch (m) {
        case Method::message_send:
        case Method::message_stream:
            return "message";
        case Method::push_set:
            return "taskId";
        case Method::get_extended_card:
            return {};
        default:
            return "id";
    }
}

}  // namespace

std::optional<Method> find_method(std::string_view name) {
    for (const auto& m : kMethods) {
        if (m.name == name) return m.method;
    }
    return std::nullopt;
}

std::string_view method_name(Method method) {
    for (const auto& m : kMethods) {
        if (m.method == method) return m.name;
    }
    return {};
}

bool is_streaming(Method m) {
    return m == Method::message_stream || m == Method::tasks_resubscribe;
}

ParsedRequest parse_request(std::string_view body, std::size_t max_depth, const Limits& limits) {
    auto parsed = parse_json(body, max_depth);
    if (!parsed) return rpc_error(-32700, parsed.error().message);
    json::value& v = *parsed;
    if (v.is_array()) return envelope_error("batch requests are not supported");
    auto* o = v.if_object();
    if (!o) return envelope_error("the request must be a JSON object");

    RpcRequest req;
    if (auto bad = read_id(*o, body, max_depth, limits, req)) return envelope_error(*bad);
    auto fail = [&req](int code, std::string_view detail) {
        RpcError e = rpc_error(code, detail);
        e.id = req.id;
        e.id_text = req.id_text;
        return e;
    };

    const json::value* version = o->if_contains("jsonrpc");
    if (!version || !version->is_string() || version->get_string() != "2.0") {
        return fail(-32600, R"(jsonrpc: must be "2.0")");
    }
    const json::value* method = o->if_contains("method");
    if (!method) return fail(-32600, "method: required");
    if (!method->is_string()) return fail(-32600, "method: must be a string");
    req.method = method->get_string();
    auto kind = find_method(req.method);
    if (!kind) return fail(-32601, "unknown method \"" + std::string(clip_utf8(req.method, kMaxEchoedMethod)) + "\"");
    req.kind = *kind;

    json::value* params = o->if_contains("params");
    if (!params || params->is_null()) {
        const std::string_view member = required_param(req.kind);
        if (!member.empty()) return fail(-32602, "params." + std::string(member) + ": required");
        req.params = json::object();
    } else if (!params->is_object()) {
        return fail(-32602, "params: must be an object");
    } else {
        req.params = std::move(*params);  // no copy of a large body
    }
    return req;
}

RpcError rpc_error(int code, std::string_view detail) {
    RpcError e;
    e.code = code;
    e.message = jsonrpc_message(code);
    if (!detail.empty()) e.data = json::string(detail);
    return e;
}

RpcError error_from(const Error& e) {
    return rpc_error(jsonrpc_code(e.code), e.message);
}

json::value make_result(const json::value& id, json::value result) {
    json::object o;
    o.emplace("jsonrpc", "2.0");
    o.emplace("id", id);
    o.emplace("result", std::move(result));
    return o;
}

json::value make_error(const json::value& id, const RpcError& error) {
    json::object err;
    err.emplace("code", error.code);
    err.emplace("message", error.message);
    if (!error.data.is_null()) err.emplace("data", error.data);
    json::object o;
    o.emplace("jsonrpc", "2.0");
    o.emplace("id", id);
    o.emplace("error", std::move(err));
    return o;
}

json::value make_error(const RpcError& error) {
    return make_error(error.id, error);
}

std::string id_json(const json::value& id, std::string_view id_text) {
    // Only a verified integer literal is spliced in, so a stray id_text cannot inject JSON.
    if (detail::is_integer_literal(id_text)) return std::string(id_text);
    return json::serialize(id);
}

std::string result_response(std::string_view id, std::string_view result) {
    constexpr std::string_view head = R"({"jsonrpc":"2.0","id":)";
    constexpr std::string_view middle = R"(,"result":)";
    std::string out;
    out.reserve(head.size() + id.size() + middle.size() + result.size() + 1);
    out.append(head).append(id).append(middle).append(result) += '}';
    return out;
}

std::string serialize_response(const json::value& response, std::string_view id_text) {
    const auto* o = response.if_object();
    // Only a verified integer literal is spliced in, so a stray id_text cannot inject JSON.
    if (!o || !o->contains("id") || !detail::is_integer_literal(id_text)) return json::serialize(response);
    std::string out = "{";
    bool first = true;
    for (const auto& kv : *o) {
        if (!first) out += ',';
        first = false;
        out += json::serialize(json::value(kv.key()));
        out += ':';
        if (kv.key() == "id") {
            out.append(id_text);
        } else {
            out += json::serialize(kv.value());
        }
    }
    out += '}';
    return out;
}

}  // namespace hector::a2a
