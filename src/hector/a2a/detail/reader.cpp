#include "hector/a2a/detail/reader.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>

#include "hector/common/strings.hpp"

namespace hector::a2a::detail {

std::string child(std::string_view base, std::string_view key) {
    std::string out;
    out.reserve(base.size() + key.size() + 1);
    out.append(base);
    if (!base.empty()) out.push_back('.');
    out.append(key);
    return out;
}

std::string element(std::string_view base, std::size_t index) {
    std::string out(base);
    out += '[';
    out += std::to_string(index);
    out += ']';
    return out;
}

void Path::append(std::string_view s) {
    const std::size_t n = std::min(s.size(), sizeof buf_ - len_);
    std::memcpy(buf_ + len_, s.data(), n);
    len_ = static_cast<unsigned char>(len_ + n);
}

Path Path::child(std::string_view base, std::string_view key) {
    Path p(base);
    if (!base.empty()) p.append(".");
    p.append(key);
    return p;
}

Path Path::element(std::string_view base, std::size_t index) {
    Path p(base);
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, index).ptr;
    p.append("[");
    p.append(std::string_view(digits, static_cast<std::size_t>(end - digits)));
    p.append("]");
    return p;
}

Error invalid(std::string_view path, std::string_view what) {
    std::string msg(path);
    msg += ": ";
    msg += what;
    return Error{Errc::invalid_argument, std::move(msg)};
}

Field field(const json::object& o, std::string_view base, std::string_view key,
            std::initializer_list<std::string_view> aliases) {
    if (const auto* v = o.if_contains(key); v && !v->is_null()) return Field{v, Path::child(base, key)};
    for (std::string_view alt : aliases) {
        if (const auto* v = o.if_contains(alt); v && !v->is_null()) return Field{v, Path::child(base, alt)};
    }
    return Field{nullptr, Path::child(base, key)};
}

Status read_string(const Field& f, std::string& out) {
    if (!f) return {};
    const auto* s = f.value->if_string();
    if (!s) return invalid(f.path, "must be a string");
    // Boost.JSON refuses invalid UTF-8 while parsing; values built in code are checked here.
    if (!is_valid_utf8(sv(*s))) return invalid(f.path, "must be valid UTF-8");
    out.assign(s->data(), s->size());
    return {};
}

Status require_string(const Field& f, std::string& out) {
    if (!f) return invalid(f.path, "required");
    return read_string(f, out);
}

namespace {

Status check_id(const json::value& v, std::string_view path, std::size_t max_len, std::string& out) {
    const auto* s = v.if_string();
    if (!s) return invalid(path, "must be a string");
    if (!is_printable_ascii_id(sv(*s), max_len)) {
        return invalid(path, "must be 1 to " + std::to_string(max_len) + " printable ASCII characters");
    }
    out.assign(s->data(), s->size());
    return {};
}

}  // namespace

Status read_id(const Field& f, std::size_t max_len, std::string& out) {
    if (!f) return {};
    return check_id(*f.value, f.path, max_len, out);
}

Status require_id(const Field& f, std::size_t max_len, std::string& out) {
    if (!f) return invalid(f.path, "required");
    return check_id(*f.value, f.path, max_len, out);
}

Status read_id_array(const Field& f, std::size_t max_len, std::vector<std::string>& out) {
    if (!f) return {};
    const auto* a = f.value->if_array();
    if (!a) return invalid(f.path, "must be an array of strings");
    std::vector<std::string> ids;
    ids.reserve(a->size());
    for (std::size_t i = 0; i < a->size(); ++i) {
        std::string id;
        if (auto st = check_id((*a)[i], Path::element(f.path, i), max_len, id); !st) return st;
        ids.push_back(std::move(id));
    }
    out = std::move(ids);
    return {};
}

Status read_string_array(const Field& f, std::vector<std::string>& out) {
    if (!f) return {};
    const auto* a = f.value->if_array();
    if (!a) return invalid(f.path, "must be an array of strings");
    std::vector<std::string> items;
    items.reserve(a->size());
    for (std::size_t i = 0; i < a->size(); ++i) {
        std::string item;
        if (auto st = require_string(Field{&(*a)[i], Path::element(f.path, i)}, item); !st) return st;
        items.push_back(std::move(item));
    }
    out = std::move(items);
    return {};
}

Status read_bool(const Field& f, bool& out) {
    if (!f) return {};
    const auto* b = f.value->if_bool();
    if (!b) return invalid(f.path, "must be a boolean");
    out = *b;
    return {};
}

Status read_object(const Field& f, SparseObject& out) {
    if (!f) return {};
    const auto* o = f.value->if_object();
    if (!o) return invalid(f.path, "must be an object");
    if (o->empty())
        out.clear();
    else
        out = *o;
    return {};
}

Status read_count(const Field& f, std::optional<int>& out) {
    if (!f) return {};
    const json::value& v = *f.value;
    bool negative = false;
    std::uint64_t magnitude = 0;
    if (v.is_int64()) {
        negative = v.get_int64() < 0;
        magnitude = negative ? 0 : static_cast<std::uint64_t>(v.get_int64());
    } else if (v.is_uint64()) {
        magnitude = v.get_uint64();
    } else if (v.is_double() && std::isfinite(v.get_double()) && std::trunc(v.get_double()) == v.get_double()) {
        negative = v.get_double() < 0;
        magnitude = negative || v.get_double() > static_cast<double>(INT_MAX)
                        ? static_cast<std::uint64_t>(INT_MAX)
                        : static_cast<std::uint64_t>(v.get_double());
    } else {
        return invalid(f.path, "must be an integer");
    }
    if (negative) return invalid(f.path, "must not be negative");
    out = magnitude > static_cast<std::uint64_t>(INT_MAX) ? INT_MAX : static_cast<int>(magnitude);
    return {};
}

Result<const json::object*> object_at(const json::value& v, std::string_view path) {
    const auto* o = v.if_object();
    if (!o) return invalid(path, v.is_null() ? "required" : "must be an object");
    return o;
}

namespace {

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

bool valid_port(std::string_view p) {
    if (!all_digits(p) || p.size() > 5) return false;
    int n = 0;
    for (char c : p) n = n * 10 + (c - '0');
    return n >= 1 && n <= 65535;
}

}  // namespace

bool is_base64(std::string_view s) {
    std::size_t pad = 0;
    while (!s.empty() && s.back() == '=' && pad < 2) {
        s.remove_suffix(1);
        ++pad;
    }
    if (s.size() % 4 == 1 || (pad > 0 && (s.size() + pad) % 4 != 0)) return false;
    for (char c : s) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
                        c == '/' || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

bool is_http_url(std::string_view url) {
    for (char c : url) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f) return false;
    }
    std::string_view rest;
    if (url.size() > 7 && iequals(url.substr(0, 7), "http://")) {
        rest = url.substr(7);
    } else if (url.size() > 8 && iequals(url.substr(0, 8), "https://")) {
        rest = url.substr(8);
    } else {
        return false;
    }
    std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
    std::string_view host = authority;
    if (authority.starts_with('[')) {
        auto close = authority.find(']');
        if (close == std::string_view::npos || close < 2) return false;
        std::string_view after = authority.substr(close + 1);
        if (after.empty()) return true;
        return after.front() == ':' && valid_port(after.substr(1));
    }
    if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        if (!valid_port(authority.substr(colon + 1))) return false;
    }
    return !host.empty() && host.find_first_of("[]") == std::string_view::npos;
}

}  // namespace hector::a2a::detail
