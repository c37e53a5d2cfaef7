#include "support/fake_gemini.hpp"

#include <boost/json.hpp>

namespace hector::test {

namespace json = boost::json;

namespace {

constexpr int kThoughtsTokens = 5;  // usageMetadata.thoughtsTokenCount of a reply that thinks

std::string status_name(int status) {
    switch (status) {
        case 400:
            return "INVALID_ARGUMENT";
        case 401:
            return "UNAUTHENTICATED";
        case 403:
            return "PERMISSION_DENIED";
        case 404:
            return "NOT_FOUND";
        case 429:
            return "RESOURCE_EXHAUSTED";
        case 503:
            return "UNAVAILABLE";
        case 504:
            return "DEADLINE_EXCEEDED";
        default:
            return "INTERNAL";
    }
}

json::object error_body(int status, const FakeReply& reply) {
    json::object e{{"code", status},
                   {"message", reply.error_message.empty() ? "fake error" : reply.error_message},
                   {"status", reply.error_type.empty() ? status_name(status) : reply.error_type}};
    if (!reply.retry_delay.empty())
        e["details"] = json::array{
            json::object{{"@type", "type.googleapis.com/google.rpc.RetryInfo"}, {"retryDelay", reply.retry_delay}}};
    return json::object{{"error", std::move(e)}};
}

std::string last_user_text(const json::value& body) {
    const auto* contents = body.is_object() ? body.as_object().if_contains("contents") : nullptr;
    if (!contents || !contents->is_array()) return {};
    const auto& arr = contents->as_array();
    for (auto it = arr.rbegin(); it != arr.rend(); ++it) {
        if (it->at("role") != "user") continue;
        std::string out;
        for (const auto& p : it->at("parts").as_array())
            if (const auto* t = p.as_object().if_contains("text")) out += std::string(t->as_string());
        if (!out.empty()) return out;
    }
    return {};
}

json::object call_part(const FakeReply::ToolCall& c) {
    json::object call{{"name", c.name},
                      {"args", c.arguments.empty() ? json::value(json::object{}) : json::parse(c.arguments)}};
    if (!c.id.empty()) call["id"] = c.id;
    return json::object{{"functionCall", std::move(call)}};
}

json::object usage(const FakeReply& reply, bool final) {
    json::object u{{"promptTokenCount", reply.prompt_tokens}};
    if (!final) return u;
    const int thoughts = reply.thinking.empty() ? 0 : kThoughtsTokens;
    u["candidatesTokenCount"] = reply.completion_tokens;
    if (thoughts) u["thoughtsTokenCount"] = thoughts;
    u["totalTokenCount"] = reply.prompt_tokens + reply.completion_tokens + thoughts;
    return u;
}

json::object response(const std::string& model, json::array parts, const char* finish, json::object usage_metadata) {
    json::object candidate{{"content", json::object{{"parts", std::move(parts)}, {"role", "model"}}}, {"index", 0}};
    if (finish) candidate["finishReason"] = finish;
    return json::object{{"candidates", json::array{std::move(candidate)}},
                        {"usageMetadata", std::move(usage_metadata)},
                        {"modelVersion", model},
                        {"responseId", "fake-response-1"}};
}

/// The signature rides on the first functionCall part, else on the last part.
void sign(json::array& parts, std::size_t first_call, const FakeReply& reply) {
    if (reply.signature.empty() || parts.empty()) return;
    auto& p = first_call < parts.size() ? parts[first_call] : parts.back();
    p.as_object()["thoughtSignature"] = reply.signature;
}

json::object whole(const std::string& model, const FakeReply& reply) {
    json::array parts;
    if (!reply.thinking.empty()) parts.push_back(json::object{{"text", reply.thinking}, {"thought", true}});
    if (!reply.text.empty()) parts.push_back(json::object{{"text", reply.text}});
    const std::size_t first_call = reply.tool_calls.empty() ? parts.size() + 1 : parts.size();
    for (const auto& c : reply.tool_calls) parts.push_back(call_part(c));
    sign(parts, first_call, reply);
    return response(model, std::move(parts), "STOP", usage(reply, true));
}

std::string sse(const json::value& v) {
    return "data: " + json::serialize(v) + "\r\n\r\n";
}

FakeOutput stream(const std::string& model, const FakeReply& reply) {
    FakeOutput out;
    out.content_type = "text/event-stream";
    if (!reply.raw_events.empty()) {
        out.events = reply.raw_events;
        out.paced.assign(reply.raw_events.size(), false);
        return out;
    }
    auto add = [&](json::array parts, const char* finish, bool final) {
        out.events.push_back(sse(response(model, std::move(parts), finish, usage(reply, final))));
        out.paced.push_back(true);
    };
    auto thinking = reply.thinking_chunks.empty() ? split_pieces(reply.thinking, 2) : reply.thinking_chunks;
    for (const auto& t : thinking) add(json::array{json::object{{"text", t}, {"thought", true}}}, nullptr, false);
    auto pieces = reply.chunks.empty() ? split_pieces(reply.text, 4) : reply.chunks;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        json::array parts{json::object{{"text", pieces[i]}}};
        if (i + 1 == pieces.size() && reply.tool_calls.empty()) sign(parts, 1, reply);
        add(std::move(parts), nullptr, false);
    }
    if (reply.stream_error) {
        out.events.push_back(sse(error_body(500, reply)));
        out.paced.push_back(false);
        return out;
    }
    json::array calls;
    for (const auto& c : reply.tool_calls) calls.push_back(call_part(c));
    if (!calls.empty()) sign(calls, 0, reply);
    add(std::move(calls), "STOP", true);
    return out;
}

FakeOutput render(const FakeRequest& req, const FakeReply& reply) {
    FakeOutput out;
    constexpr std::string_view prefix = "/v1beta/models/";
    const auto colon = req.path.rfind(':');
    if (req.path.rfind(prefix, 0) != 0 || colon == std::string::npos) {
        out.status = 404;
        FakeReply missing;
        missing.error_message = "not found: " + req.path;
        out.body = error_body(404, missing);
        return out;
    }
    const std::string model = req.path.substr(prefix.size(), colon - prefix.size());
    const std::string method = req.path.substr(colon + 1);
    if (reply.status >= 400) {
        out.status = reply.status;
        out.headers = reply.headers;
        out.body = error_body(reply.status, reply);
        return out;
    }
    if (method == "streamGenerateContent" && req.query.find("alt=sse") != std::string::npos)
        return stream(model, reply);
    if (method != "generateContent") {
        out.status = 400;
        FakeReply bad;
        bad.error_message = "the fake serves generateContent and streamGenerateContent?alt=sse only";
        out.body = error_body(400, bad);
        return out;
    }
    out.body = whole(model, reply);
    return out;
}

}  // namespace

FakeGemini::FakeGemini() : FakeLlmServer(Protocol{"gemini", last_user_text, render, ": keepalive\r\n\r\n"}) {}

}  // namespace hector::test
