// Lenient readers for parts, messages and push configs (DECISIONS 3, 7, 27; a2a-wire.md §8; server.md §5.2).
#include <cctype>

#include "hector/a2a/codec.hpp"
#include "hector/a2a/detail/reader.hpp"
#include "hector/common/ids.hpp"
#include "hector/common/strings.hpp"

namespace hector::a2a {

namespace {

using detail::Field;
using detail::field;
using detail::invalid;

/// Header values (push token, credentials) are sent verbatim, so they must not carry CR/LF or other controls.
constexpr std::size_t kMaxSecretLength = 4096;

std::optional<Part::Kind> kind_from_name(std::string_view s) {
    if (s == "text") return Part::Kind::text;
    if (s == "file") return Part::Kind::file;
    if (s == "data") return Part::Kind::data;
    return std::nullopt;
}

/// The part kind from `kind`, else `type`, else the keys present. A string `data` is the flat file form's
/// base64 content, an object `data` is a data part.
Result<Part::Kind> part_kind(const json::object& o, std::string_view path) {
    if (Field k = field(o, path, "kind", {"type"})) {
        const auto* s = k.value->if_string();
        if (!s) return invalid(k.path, "must be a string");
        if (auto kind = kind_from_name(sv(*s))) return *kind;
        return invalid(k.path, R"(must be "text", "file" or "data")");
    }
    if (field(o, path, "text")) return Part::Kind::text;
    if (field(o, path, "file")) return Part::Kind::file;
    if (Field d = field(o, path, "data")) return d.value->is_string() ? Part::Kind::file : Part::Kind::data;
    if (field(o, path, "bytes", {"uri", "url"})) return Part::Kind::file;
    return invalid(path, "cannot tell the part kind: expected a text, file or data member");
}

/// The A2A form {"file": {name, mimeType, bytes|uri}} or the flat form {name, mime_type, url|uri|data}.
Status read_file(const json::object& o, std::string_view path, FileContent& out) {
    const json::object* fo = &o;
    std::string fpath(path);
    if (Field f = field(o, path, "file")) {
        fo = f.value->if_object();
        if (!fo) return invalid(f.path, "must be an object");
        fpath = f.path;
    }
    if (auto st = detail::read_string(field(*fo, fpath, "name"), out.name); !st) return st;
    if (auto st = detail::read_string(field(*fo, fpath, "mimeType", {"mime_type"}), out.mime_type); !st) return st;
    // `data` is the prose example's name for bytes, `url` the seed's; fileWith* are the protobuf-JSON names.
    Field bytes = field(*fo, fpath, "bytes", {"data", "fileWithBytes", "file_with_bytes"});
    Field uri = field(*fo, fpath, "uri", {"url", "fileWithUri", "file_with_uri"});
    if (static_cast<bool>(bytes) == static_cast<bool>(uri)) return invalid(fpath, "exactly one of bytes or uri");
    if (bytes) {
        if (auto st = detail::read_string(bytes, out.bytes); !st) return st;
        if (!detail::is_base64(out.bytes)) return invalid(bytes.path, "must be base64");
        return {};
    }
    if (auto st = detail::read_string(uri, out.uri); !st) return st;
    if (out.uri.empty()) return invalid(uri.path, "must not be empty");
    return {};
}

Result<PushAuthentication> read_authentication(const Field& f) {
    const auto* ao = f.value->if_object();
    if (!ao) return invalid(f.path, "must be an object");
    PushAuthentication auth;
    if (Field schemes = field(*ao, f.path, "schemes")) {
        if (auto st = detail::read_string_array(schemes, auth.schemes); !st) return st.error();
    } else if (Field type = field(*ao, f.path, "type")) {
        // api.md's {"type":"bearer"} is the spec's {"schemes":["Bearer"]}.
        std::string scheme;
        if (auto st = detail::read_string(type, scheme); !st) return st.error();
        if (scheme.empty()) return invalid(type.path, "must not be empty");
        for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        scheme[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(scheme[0])));
        auth.schemes.push_back(std::move(scheme));
    } else {
        return invalid(detail::child(f.path, "schemes"), "required");
    }
    Field cred = field(*ao, f.path, "credentials", {"token"});
    if (auto st = detail::read_string(cred, auth.credentials); !st) return st.error();
    if (cred && !is_printable_ascii_id(auth.credentials, kMaxSecretLength)) {
        return invalid(cred.path, "must be 1 to 4096 printable ASCII characters");
    }
    return auth;
}

}  // namespace

Result<Part> parse_part(const json::value& v, std::string_view path) {
    auto obj = detail::object_at(v, path);
    if (!obj) return obj.error();
    const json::object& o = **obj;
    auto kind = part_kind(o, path);
    if (!kind) return kind.error();
    Part p;
    p.kind = *kind;
    switch (p.kind) {
        case Part::Kind::text:
            if (auto st = detail::require_string(field(o, path, "text"), p.text); !st) return st.error();
            break;
        case Part::Kind::file:
            if (auto st = read_file(o, path, p.file.set()); !st) return st.error();
            break;
        case Part::Kind::data: {
            Field d = field(o, path, "data");
            if (!d) return invalid(d.path, "required");
            if (auto st = detail::read_object(d, p.data); !st) return st.error();
            break;
        }
    }
    if (auto st = detail::read_object(field(o, path, "metadata"), p.metadata); !st) return st.error();
    return p;
}

Result<Message> parse_message(const json::value& v, const Limits& limits, std::string_view path) {
    auto obj = detail::object_at(v, path);
    if (!obj) return obj.error();
    const json::object& o = **obj;
    if (Field k = field(o, path, "kind"); k && !(k.value->is_string() && k.value->get_string() == "message")) {
        return invalid(k.path, R"(must be "message")");
    }
    Message m;
    Field role = field(o, path, "role");
    std::string role_name;
    if (auto st = detail::require_string(role, role_name); !st) return st.error();
    if (role_name == "user" || role_name == "ROLE_USER") {
        m.role = Role::user;
    } else if (role_name == "agent" || role_name == "ROLE_AGENT") {
        m.role = Role::agent;
    } else {
        return invalid(role.path, R"(must be "user" or "agent")");
    }

    // `content` is the protobuf-JSON name (a2a-wire.md §7).
    Field parts = field(o, path, "parts", {"content"});
    if (!parts) return invalid(parts.path, "required");
    const auto* arr = parts.value->if_array();
    if (!arr) return invalid(parts.path, "must be an array");
    if (arr->empty()) return invalid(parts.path, "must not be empty");
    if (arr->size() > limits.max_parts) {
        return invalid(parts.path, "at most " + std::to_string(limits.max_parts) + " parts are allowed");
    }
    m.parts.reserve(arr->size());
    for (std::size_t i = 0; i < arr->size(); ++i) {
        auto part = parse_part((*arr)[i], detail::element(parts.path, i));
        if (!part) return part.error();
        m.parts.push_back(std::move(part).value());
    }

    const std::size_t max_id = limits.max_id_length;
    if (auto st = detail::read_id(field(o, path, "messageId", {"message_id"}), max_id, m.message_id); !st) {
        return st.error();
    }
    if (m.message_id.empty()) m.message_id = new_ordered_uuid();
    if (auto st = detail::read_id(field(o, path, "contextId", {"context_id"}), max_id, m.context_id); !st) {
        return st.error();
    }
    if (auto st = detail::read_id(field(o, path, "taskId", {"task_id"}), max_id, m.task_id); !st) return st.error();
    Field refs = field(o, path, "referenceTaskIds", {"reference_task_ids"});
    if (auto st = detail::read_id_array(refs, max_id, m.reference_task_ids); !st) return st.error();
    if (auto st = detail::read_string_array(field(o, path, "extensions"), m.extensions); !st) return st.error();
    if (auto st = detail::read_object(field(o, path, "metadata"), m.metadata); !st) return st.error();
    return m;
}

Result<PushNotificationConfig> parse_push_config(const json::value& v, const Limits& limits, std::string_view path) {
    auto obj = detail::object_at(v, path);
    if (!obj) return obj.error();
    const json::object& o = **obj;
    PushNotificationConfig c;
    Field url = field(o, path, "url");
    if (auto st = detail::require_string(url, c.url); !st) return st.error();
    if (!detail::is_http_url(c.url)) return invalid(url.path, "must be an absolute http(s) URL");
    if (auto st = detail::read_id(field(o, path, "id"), limits.max_id_length, c.id); !st) return st.error();
    Field token = field(o, path, "token");
    if (auto st = detail::read_string(token, c.token); !st) return st.error();
    if (token && !is_printable_ascii_id(c.token, kMaxSecretLength)) {
        return invalid(token.path, "must be 1 to 4096 printable ASCII characters");
    }
    if (Field auth = field(o, path, "authentication")) {
        auto a = read_authentication(auth);
        if (!a) return a.error();
        c.authentication = std::move(a).value();
    }
    return c;
}

}  // namespace hector::a2a
