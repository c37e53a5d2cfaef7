#pragma once

// Helpers shared by admin_test.cpp and auth_test.cpp: bearer requests, JSON-RPC calls, admin calls.
#include <boost/json.hpp>

#include <map>
#include <string>

#include "hector/common/encoding.hpp"
#include "support/http_client.hpp"

namespace hector::test::tenancy {

namespace json = boost::json;

inline std::map<std::string, std::string> bearer(const std::string& token) {
    if (token.empty()) return {};
    return {{"Authorization", "Bearer " + token}};
}

inline HttpResponse call(int port, const std::string& method, const std::string& path, const std::string& token,
                         const std::string& body = "") {
    auto headers = bearer(token);
    if (!body.empty()) headers["Content-Type"] = "application/json";
    return request(port, method, path, body, headers);
}

inline json::object body_of(const HttpResponse& r) {
    auto v = json::parse(r.body.empty() ? "{}" : r.body);
    return v.is_object() ? v.as_object() : json::object{};
}

/// A JSON-RPC request to /agents/{agent}; the whole HTTP response.
inline HttpResponse rpc(int port, const std::string& agent, const std::string& token, const std::string& method,
                        const json::object& params) {
    json::object req{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    return call(port, "POST", "/agents/" + agent, token, json::serialize(req));
}

inline json::object user_message(const std::string& text, const std::string& context = "") {
    json::object m{{"role", "user"}, {"parts", json::array{json::object{{"kind", "text"}, {"text", text}}}}};
    if (!context.empty()) m["contextId"] = context;
    return m;
}

/// A blocking message/send; the JSON-RPC response body.
inline json::object send(int port, const std::string& agent, const std::string& token, const std::string& text,
                         const std::string& context = "") {
    auto r = rpc(port, agent, token, "message/send", json::object{{"message", user_message(text, context)}});
    return body_of(r);
}

inline int rpc_error(const json::object& response) {
    const auto* e = response.if_contains("error");
    return e ? static_cast<int>(e->at("code").as_int64()) : 0;
}

/// The agent names of GET /agents as the token sees them.
inline std::vector<std::string> agent_names(int port, const std::string& token) {
    auto r = call(port, "GET", "/agents", token);
    std::vector<std::string> out;
    if (r.status != 200) return out;
    const auto body = body_of(r);
    for (const auto& a : body.at("agents").as_array()) out.emplace_back(a.at("name").as_string());
    return out;
}

/// The decoded JSON of segment `index` (0 header, 1 claims) of a compact JWS.
inline json::object jwt_segment(const std::string& token, int index) {
    std::size_t start = 0;
    for (int i = 0; i < index; ++i) start = token.find('.', start) + 1;
    auto end = token.find('.', start);
    return json::parse(base64_decode(token.substr(start, end - start)).value_or("{}")).as_object();
}

}  // namespace hector::test::tenancy
