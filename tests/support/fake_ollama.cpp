#include "support/fake_ollama.hpp"

#include <boost/json.hpp>

namespace hector::test {

namespace json = boost::json;

namespace {

constexpr const char* kCreatedAt = "2025-07-07T20:22:19.184789Z";

std::string last_user_text(const json::value& body) {
    const auto* messages = body.is_object() ? body.as_object().if_contains("messages") : nullptr;
    if (!messages || !messages->is_array()) return {};
    const auto& arr = messages->as_array();
    for (auto it = arr.rbegin(); it != arr.rend(); ++it)
        if (it->at("role") == "user") return std::string(it->at("content").as_string());
    return {};
}

json::object error_body(const FakeReply& reply) {
    return json::object{{"error", reply.error_message.empty() ? "fake error" : reply.error_message}};
}

json::array tool_calls(const FakeReply& reply) {
    json::array calls;
    for (std::size_t i = 0; i < reply.tool_calls.size(); ++i) {
        const auto& c = reply.tool_calls[i];
        json::object call{{"function", json::object{{"index", i},
                                                    {"name", c.name},
                                                    {"arguments", c.arguments.empty() ? json::value(json::object{})
                                                                                      : json::parse(c.arguments)}}}};
        if (!c.id.empty()) call["id"] = c.id;
        calls.push_back(std::move(call));
    }
    return calls;
}

json::object chunk(const std::string& model, json::object message) {
    return json::object{{"model", model}, {"created_at", kCreatedAt}, {"message", std::move(message)}, {"done", false}};
}

json::object final_object(const std::string& model, json::object message, const FakeReply& reply) {
    return json::object{{"model", model},
                        {"created_at", kCreatedAt},
                        {"message", std::move(message)},
                        {"done_reason", "stop"},
                        {"done", true},
                        {"total_duration", 182242375},
                        {"load_duration", 41295167},
                        {"prompt_eval_count", reply.prompt_tokens},
                        {"prompt_eval_duration", 24573166},
                        {"eval_count", reply.completion_tokens},
                        {"eval_duration", 115959084}};
}

FakeOutput stream(const std::string& model, const FakeReply& reply) {
    FakeOutput out;
    out.content_type = "application/x-ndjson";
    if (!reply.raw_events.empty()) {
        out.events = reply.raw_events;
        out.paced.assign(reply.raw_events.size(), false);
        return out;
    }
    auto add = [&](const json::object& o, bool paced) {
        out.events.push_back(json::serialize(o) + "\n");
        out.paced.push_back(paced);
    };
    auto thinking = reply.thinking_chunks.empty() ? split_pieces(reply.thinking, 2) : reply.thinking_chunks;
    for (const auto& t : thinking)
        add(chunk(model, json::object{{"role", "assistant"}, {"content", ""}, {"thinking", t}}), true);
    auto pieces = reply.chunks.empty() ? split_pieces(reply.text, 4) : reply.chunks;
    for (const auto& p : pieces) add(chunk(model, json::object{{"role", "assistant"}, {"content", p}}), true);
    if (reply.stream_error) {
        add(error_body(reply), false);
        return out;
    }
    if (!reply.tool_calls.empty())
        add(chunk(model, json::object{{"role", "assistant"}, {"content", ""}, {"tool_calls", tool_calls(reply)}}),
            true);
    add(final_object(model, json::object{{"role", "assistant"}, {"content", ""}}, reply), false);
    return out;
}

FakeOutput render(const FakeRequest& req, const FakeReply& reply) {
    FakeOutput out;
    if (req.path != "/api/chat") {
        out.status = 404;
        out.body = json::object{{"error", "404 page not found"}};
        return out;
    }
    if (reply.status >= 400) {
        out.status = reply.status;
        out.headers = reply.headers;
        out.body = error_body(reply);
        return out;
    }
    const auto& body = req.body.as_object();
    const std::string model = body.contains("model") ? std::string(body.at("model").as_string()) : "qwen3";
    const auto* s = body.if_contains("stream");
    if (!s || !s->is_bool() || s->get_bool()) return stream(model, reply);
    json::object message{{"role", "assistant"}, {"content", reply.text}};
    if (!reply.thinking.empty()) message["thinking"] = reply.thinking;
    if (!reply.tool_calls.empty()) message["tool_calls"] = tool_calls(reply);
    out.body = final_object(model, std::move(message), reply);
    return out;
}

}  // namespace

FakeOllama::FakeOllama() : FakeLlmServer(Protocol{"ollama", last_user_text, render, "\n"}) {}

}  // namespace hector::test
