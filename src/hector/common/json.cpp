#include "hector/common/json.hpp"

#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>

#include "hector/common/strings.hpp"

namespace hector {

Result<json::value> parse_json(std::string_view text, std::size_t max_depth) {
    json::parse_options opts;
    opts.max_depth = max_depth;
    json::parser p(json::storage_ptr(), opts);
    boost::system::error_code ec;
    p.write(text.data(), text.size(), ec);
    if (ec) {
        std::string reason = ec.message();
        if (ec == json::error::too_deep) reason = "JSON nesting exceeds the limit of " + std::to_string(max_depth);
        return Error{Errc::parse_error, reason};
    }
    return p.release();
}

std::string to_json(const json::value& v) {
    auto text = json::serialize(v);
    // Boost.JSON escapes quotes and controls but copies other bytes as they are: bad bytes can only be inside
    // strings, where U+FFFD may take their place.
    if (!is_valid_utf8(text)) text = to_valid_utf8(text);
    return text;
}

std::string to_json(const json::object& o) {
    auto text = json::serialize(o);
    if (!is_valid_utf8(text)) text = to_valid_utf8(text);
    return text;
}

bool has_valid_utf8(const json::value& v) {
    switch (v.kind()) {
        case json::kind::string:
            return is_valid_utf8(sv(v.get_string()));
        case json::kind::array:
            for (const auto& e : v.get_array())
                if (!has_valid_utf8(e)) return false;
            return true;
        case json::kind::object:
            for (const auto& kv : v.get_object())
                if (!is_valid_utf8(kv.key()) || !has_valid_utf8(kv.value())) return false;
            return true;
        default:
            return true;
    }
}

json::value with_valid_utf8(const json::value& v) {
    switch (v.kind()) {
        case json::kind::string:
            return json::string(to_valid_utf8(sv(v.get_string())));
        case json::kind::array: {
            json::array out;
            out.reserve(v.get_array().size());
            for (const auto& e : v.get_array()) out.push_back(with_valid_utf8(e));
            return out;
        }
        case json::kind::object: {
            json::object out;
            out.reserve(v.get_object().size());
            for (const auto& kv : v.get_object()) out[to_valid_utf8(kv.key())] = with_valid_utf8(kv.value());
            return out;
        }
        default:
            return v;
    }
}

namespace {

void pretty(std::string& out, const json::value& v, int indent) {
    auto pad = [&](int n) { out.append(static_cast<std::size_t>(n) * 2, ' '); };
    if (v.is_object()) {
        const auto& o = v.get_object();
        if (o.empty()) {
            out += "{}";
            return;
        }
        out += "{\n";
        std::size_t i = 0;
        for (const auto& kv : o) {
            pad(indent + 1);
            out += json::serialize(json::value(kv.key()));
            out += ": ";
            pretty(out, kv.value(), indent + 1);
            if (++i < o.size()) out += ",";
            out += "\n";
        }
        pad(indent);
        out += "}";
    } else if (v.is_array()) {
        const auto& a = v.get_array();
        if (a.empty()) {
            out += "[]";
            return;
        }
        out += "[\n";
        for (std::size_t i = 0; i < a.size(); ++i) {
            pad(indent + 1);
            pretty(out, a[i], indent + 1);
            if (i + 1 < a.size()) out += ",";
            out += "\n";
        }
        pad(indent);
        out += "]";
    } else {
        out += json::serialize(v);
    }
}

}  // namespace

std::string to_pretty_json(const json::value& v) {
    std::string out;
    pretty(out, v, 0);
    out += "\n";
    return out;
}

const json::value* find(const json::object& o, std::string_view key) {
    return o.if_contains(key);
}

const json::value* find_any(const json::object& o, std::string_view key, std::string_view alt) {
    if (auto* v = o.if_contains(key)) return v;
    return o.if_contains(alt);
}

std::optional<std::string_view> get_string(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    if (!v || !v->is_string()) return std::nullopt;
    return sv(v->get_string());
}

std::optional<bool> get_bool(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    if (!v || !v->is_bool()) return std::nullopt;
    return v->get_bool();
}

std::optional<std::int64_t> get_int(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    if (!v) return std::nullopt;
    if (v->is_int64()) return v->get_int64();
    if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return static_cast<std::int64_t>(v->get_uint64());
    if (v->is_double()) {
        double d = v->get_double();
        if (d == static_cast<double>(static_cast<std::int64_t>(d))) return static_cast<std::int64_t>(d);
    }
    return std::nullopt;
}

const json::object* get_object(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    return v ? v->if_object() : nullptr;
}

const json::array* get_array(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    return v ? v->if_array() : nullptr;
}

}  // namespace hector
