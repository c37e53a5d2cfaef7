#include "support/fake_anthropic.hpp"

#include <boost/json.hpp>

namespace hector::test {

namespace json = boost::json;

namespace {

std::string error_type(int status) {
    switch (status) {
        case 400:
            return "invalid_request_error";
        case 401:
            return "authentication_error";
        case 403:
            return "permission_error";
        case 404:
            return "not_found_error";
        case 413:
            return "request_too_large";
        case 429:
            return "rate_limit_error";
        case 529:
            return "overloaded_error";
        default:
            return "api_error";
    }
}

json::object error_body(const std::string& type, const std::string& message) {
    return json::object{{"type", "error"}, {"error", json::object{{"type", type}, {"message", message}}}};
}

FakeOutput error_output(const FakeReply& reply) {
    FakeOutput out;
    out.status = reply.status;
    out.headers = reply.headers;
    out.body = error_body(reply.error_type.empty() ? error_type(reply.status) : reply.error_type,
                          reply.error_message.empty() ? "fake error" : reply.error_message);
    return out;
}

std::string last_user_text(const json::value& body) {
    const auto* messages = body.is_object() ? body.as_object().if_contains("messages") : nullptr;
    if (!messages || !messages->is_array()) return {};
    const auto& arr = messages->as_array();
    for (auto it = arr.rbegin(); it != arr.rend(); ++it) {
        const auto& m = it->as_object();
        if (m.at("role") != "user") continue;
        const auto& c = m.at("content");
        if (c.is_string()) return std::string(c.as_string());
        std::string out;
        for (const auto& b : c.as_array())
            if (b.at("type") == "text") out += std::string(b.at("text").as_string());
        if (!out.empty()) return out;
    }
    return {};
}

json::value input_of(const FakeReply::ToolCall& c) {
    return c.arguments.empty() ? json::value(json::object{}) : json::parse(c.arguments);
}

json::object usage(const FakeReply& reply, int output_tokens) {
    return json::object{{"input_tokens", reply.prompt_tokens},
                        {"cache_creation_input_tokens", 0},
                        {"cache_read_input_tokens", 0},
                        {"output_tokens", output_tokens}};
}

json::object message(const std::string& model, const FakeReply& reply) {
    json::array content;
    if (!reply.thinking.empty())
        content.push_back(
            json::object{{"type", "thinking"}, {"thinking", reply.thinking}, {"signature", reply.signature}});
    if (!reply.text.empty()) content.push_back(json::object{{"type", "text"}, {"text", reply.text}});
    for (const auto& c : reply.tool_calls)
        content.push_back(json::object{{"type", "tool_use"}, {"id", c.id}, {"name", c.name}, {"input", input_of(c)}});
    return json::object{{"id", "msg_fake01"},
                        {"type", "message"},
                        {"role", "assistant"},
                        {"model", model},
                        {"content", std::move(content)},
                        {"stop_reason", reply.tool_calls.empty() ? "end_turn" : "tool_use"},
                        {"stop_sequence", nullptr},
                        {"usage", usage(reply, reply.completion_tokens)}};
}

std::string event(std::string_view type, const json::object& data) {
    return "event: " + std::string(type) + "\ndata: " + json::serialize(data) + "\n\n";
}

/// The SSE events of a streamed message, in the order the API sends them.
class StreamBuilder {
  public:
    void add(std::string_view type, const json::object& data, bool paced = false) {
        out.events.push_back(event(type, data));
        out.paced.push_back(paced);
    }
    void start_block(json::object block) {
        add("content_block_start",
            json::object{{"type", "content_block_start"}, {"index", index_}, {"content_block", std::move(block)}});
    }
    void delta(json::object d) {
        add("content_block_delta", json::object{{"type", "content_block_delta"}, {"index", index_}, {"delta", d}},
            true);
    }
    void stop_block() {
        add("content_block_stop", json::object{{"type", "content_block_stop"}, {"index", index_}});
        ++index_;
    }

    FakeOutput out;

  private:
    int index_ = 0;
};

FakeOutput stream(const std::string& model, const FakeReply& reply) {
    StreamBuilder b;
    b.out.content_type = "text/event-stream; charset=utf-8";
    if (!reply.raw_events.empty()) {
        b.out.events = reply.raw_events;
        b.out.paced.assign(reply.raw_events.size(), false);
        return std::move(b.out);
    }
    json::object start = message(model, FakeReply{});
    start["content"] = json::array{};
    start["stop_reason"] = nullptr;
    start["usage"] = usage(reply, 1);
    b.add("message_start", json::object{{"type", "message_start"}, {"message", start}});
    b.add("ping", json::object{{"type", "ping"}});
    if (!reply.thinking.empty()) {
        b.start_block(json::object{{"type", "thinking"}, {"thinking", ""}, {"signature", ""}});
        auto pieces = reply.thinking_chunks.empty() ? split_pieces(reply.thinking, 2) : reply.thinking_chunks;
        for (const auto& p : pieces) b.delta(json::object{{"type", "thinking_delta"}, {"thinking", p}});
        b.delta(json::object{{"type", "signature_delta"}, {"signature", reply.signature}});
        b.stop_block();
    }
    if (!reply.text.empty()) {
        b.start_block(json::object{{"type", "text"}, {"text", ""}});
        auto pieces = reply.chunks.empty() ? split_pieces(reply.text, 4) : reply.chunks;
        for (const auto& p : pieces) b.delta(json::object{{"type", "text_delta"}, {"text", p}});
        if (reply.stream_error) {
            auto type = reply.error_type.empty() ? std::string("overloaded_error") : reply.error_type;
            b.add("error", error_body(type, reply.error_message.empty() ? "Overloaded" : reply.error_message));
            return std::move(b.out);
        }
        b.stop_block();
    }
    for (const auto& c : reply.tool_calls) {
        b.start_block(json::object{{"type", "tool_use"}, {"id", c.id}, {"name", c.name}, {"input", json::object{}}});
        // The first fragment is empty, as the API sends it; the rest arrive a few characters at a time.
        b.delta(json::object{{"type", "input_json_delta"}, {"partial_json", ""}});
        for (std::size_t off = 0; off < c.arguments.size(); off += 5)
            b.delta(json::object{{"type", "input_json_delta"}, {"partial_json", c.arguments.substr(off, 5)}});
        b.stop_block();
    }
    b.add("message_delta",
          json::object{{"type", "message_delta"},
                       {"delta", json::object{{"stop_reason", reply.tool_calls.empty() ? "end_turn" : "tool_use"},
                                              {"stop_sequence", nullptr}}},
                       {"usage", json::object{{"output_tokens", reply.completion_tokens}}}});
    b.add("message_stop", json::object{{"type", "message_stop"}});
    return std::move(b.out);
}

FakeOutput render(const FakeRequest& req, const FakeReply& reply) {
    if (req.path != "/v1/messages") {
        FakeOutput out;
        out.status = 404;
        out.body = error_body("not_found_error", "Not found: " + req.path);
        return out;
    }
    if (reply.status >= 400) return error_output(reply);
    const auto& body = req.body.as_object();
    const std::string model = body.contains("model") ? std::string(body.at("model").as_string()) : "claude";
    const auto* s = body.if_contains("stream");
    if (s && s->is_bool() && s->get_bool()) return stream(model, reply);
    FakeOutput out;
    out.body = message(model, reply);
    return out;
}

}  // namespace

FakeAnthropic::FakeAnthropic() : FakeLlmServer(Protocol{"anthropic", last_user_text, render, ": keepalive\n\n"}) {}

}  // namespace hector::test
