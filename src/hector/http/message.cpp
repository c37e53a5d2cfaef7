#include "hector/http/message.hpp"

#include <boost/json/serialize.hpp>

#include "hector/common/error_table.hpp"
#include "hector/common/strings.hpp"

namespace hector::http {

std::string_view method_name(Method m) {
    switch (m) {
        case Method::get:
            return "GET";
        case Method::head:
            return "HEAD";
        case Method::post:
            return "POST";
        case Method::put:
            return "PUT";
        case Method::patch:
            return "PATCH";
        case Method::delete_:
            return "DELETE";
        case Method::options:
            return "OPTIONS";
        default:
            return "OTHER";
    }
}

void Headers::set(std::string_view name, std::string value) {
    remove(name);
    items_.emplace_back(std::string(name), std::move(value));
}

std::string_view Headers::get(std::string_view name) const {
    for (const auto& [k, v] : items_)
        if (iequals(k, name)) return v;
    return {};
}

bool Headers::has(std::string_view name) const {
    for (const auto& [k, v] : items_)
        if (iequals(k, name)) return true;
    return false;
}

void Headers::remove(std::string_view name) {
    std::erase_if(items_, [&](const auto& kv) { return iequals(kv.first, name); });
}

std::string_view Request::param(std::string_view name) const {
    for (const auto& [k, v] : params)
        if (k == name) return v;
    return {};
}

std::optional<std::string> Request::query_param(std::string_view name) const {
    std::string_view q = query;
    while (!q.empty()) {
        auto amp = q.find('&');
        std::string_view pair = q.substr(0, amp);
        q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
        auto eq = pair.find('=');
        std::string key, value;
        if (!percent_decode(pair.substr(0, eq), key, true)) continue;
        if (key != name) continue;
        if (eq == std::string_view::npos) return std::string();
        if (!percent_decode(pair.substr(eq + 1), value, true)) return std::nullopt;
        return value;
    }
    return std::nullopt;
}

Response Response::json(int status, const boost::json::value& value) {
    Response r;
    r.status = status;
    r.headers.set("Content-Type", "application/json");
    r.body = boost::json::serialize(value);
    return r;
}

Response Response::error(int status, std::string_view message) {
    boost::json::object o{{"error", reason_phrase(status)}};
    if (!message.empty()) o["message"] = message;
    return json(status, o);
}

Response Response::text(int status, std::string body, std::string_view content_type) {
    Response r;
    r.status = status;
    r.headers.set("Content-Type", std::string(content_type));
    r.body = std::move(body);
    return r;
}

Response Response::no_content() {
    Response r;
    r.status = 204;
    return r;
}

}  // namespace hector::http
