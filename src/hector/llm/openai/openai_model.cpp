#include "hector/llm/openai/openai_model.hpp"

#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>

#include <optional>

#include <fmt/format.h>

#include "hector/llm/detail/member_reader.hpp"
#include "hector/llm/detail/stream_reader.hpp"
#include "hector/net/http_client.hpp"

namespace hector::llm {

namespace asio = boost::asio;
namespace json = boost::json;
using detail::str;

namespace {

json::value message_json(const ChatMessage& m) {
    switch (m.role) {
        case ChatMessage::Role::user: {
            if (m.attachments.empty()) return json::object{{"role", "user"}, {"content", m.text}};
            json::array content;
            if (!m.text.empty()) content.push_back(json::object{{"type", "text"}, {"text", m.text}});
            for (const auto& a : m.attachments) {
                std::string url = !a.uri.empty() ? a.uri : "data:" + a.mime_type + ";base64," + a.data;
                content.push_back(json::object{{"type", "image_url"}, {"image_url", json::object{{"url", url}}}});
            }
            return json::object{{"role", "user"}, {"content", std::move(content)}};
        }
        case ChatMessage::Role::assistant: {
            json::object o{{"role", "assistant"}};
            o["content"] = m.text.empty() && !m.tool_calls.empty() ? json::value(nullptr) : json::value(m.text);
            if (!m.tool_calls.empty()) {
                json::array calls;
                for (const auto& c : m.tool_calls)
                    calls.push_back(json::object{
                        {"id", c.id},
                        {"type", "function"},
                        {"function",
                         json::object{{"name", c.name}, {"arguments", c.arguments.empty() ? "{}" : c.arguments}}}});
                o["tool_calls"] = std::move(calls);
            }
            return o;
        }
        case ChatMessage::Role::tool:
            return json::object{{"role", "tool"}, {"tool_call_id", m.tool_call_id}, {"content", m.text}};
    }
    return nullptr;
}

struct ToolAccumulator {
    std::vector<ToolCall> calls;
    ToolCall& at(std::size_t index) {
        if (index >= calls.size()) calls.resize(index + 1);
        return calls[index];
    }
};

void read_usage(const json::object& o, Usage& usage) {
    if (const auto* u = o.if_contains("usage"); u && u->is_object()) {
        const auto& uo = u->as_object();
        if (const auto* p = uo.if_contains("prompt_tokens"); p && p->is_int64()) usage.prompt_tokens = p->as_int64();
        if (const auto* c = uo.if_contains("completion_tokens"); c && c->is_int64())
            usage.completion_tokens = c->as_int64();
    }
}

Result<ChatResponse> parse_completion(std::string_view body) {
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object()) return Error{Errc::upstream_error, "openai: the response is not JSON"};
    const auto& o = v.as_object();
    ChatResponse out;
    read_usage(o, out.usage);
    const auto* choices = o.if_contains("choices");
    if (!choices || !choices->is_array() || choices->as_array().empty())
        return Error{Errc::upstream_error, "openai: the response has no choices"};
    const auto& choice = choices->as_array()[0].as_object();
    out.finish_reason = std::string(str(choice.if_contains("finish_reason")));
    if (const auto* msg = choice.if_contains("message"); msg && msg->is_object()) {
        const auto& m = msg->as_object();
        out.text = std::string(str(m.if_contains("content")));
        out.thinking = std::string(str(m.if_contains("reasoning_content")));
        if (const auto* calls = m.if_contains("tool_calls"); calls && calls->is_array()) {
            for (const auto& c : calls->as_array()) {
                if (!c.is_object()) continue;
                ToolCall call;
                call.id = std::string(str(c.as_object().if_contains("id")));
                if (const auto* f = c.as_object().if_contains("function"); f && f->is_object()) {
                    call.name = std::string(str(f->as_object().if_contains("name")));
                    call.arguments = std::string(str(f->as_object().if_contains("arguments")));
                }
                out.tool_calls.push_back(std::move(call));
            }
        }
    }
    return out;
}

/// Assembles a streamed completion from its chunks and forwards deltas; tool-call argument fragments are
/// accumulated per call index.
// What one streamed chat-completion chunk says, read without building its JSON value: only the members the
// assembler uses are kept (a chunk is parsed per token, so this is the provider's hot path).
struct ChunkFields {
    struct ToolDelta {
        std::size_t index = 0;
        std::string id, name, arguments;
    };
    bool top_is_object = false;
    bool has_error = false;
    std::string error_message;
    std::optional<std::int64_t> prompt_tokens, completion_tokens;
    std::string finish_reason, content, reasoning_content, reasoning;
    std::vector<ToolDelta> tool_calls;
};

// Boost.JSON SAX handler for ChunkFields. It tracks where each value sits by the kind of each open container
// (the path from the top: error, usage, choices[0], its delta, delta.tool_calls[i], their function) and the
// key or index of the value inside the innermost one.
enum class Where { other, top, error, usage, choices, choice, delta, tool_calls, tool_call, function };
struct Open {
    Where where;
    std::size_t count;  // an array's elements so far
};

class ChunkHandler : public detail::MemberReader<ChunkHandler, Open> {
  public:
    ChunkFields fields;

    void clear() {
        fields = {};
        clear_reader();
    }

    // MemberReader's hooks.
    Open enter(bool object) { return {where_of_container(object), 0}; }
    std::string* string_target() { return target_of(slot()); }
    void on_integer(std::int64_t i) {
        const Slot at = slot();
        if (at.in == Where::usage && at.key == "prompt_tokens") fields.prompt_tokens = i;
        if (at.in == Where::usage && at.key == "completion_tokens") fields.completion_tokens = i;
        if (at.in == Where::tool_call && at.key == "index" && i >= 0 && i < 128)
            fields.tool_calls.back().index = static_cast<std::size_t>(i);
    }
    void on_other_value() { slot(); }

  private:
    struct Slot {
        Where in;              // the innermost open container (other: none, or one of no interest)
        std::string_view key;  // the value's key there (objects)
        std::size_t index;     // its index there (arrays)
    };

    // Where the next value sits; counts it in its array. A top-level "error" member of any type marks the chunk
    // an error, as a member of its own.
    Slot slot() {
        if (open_.empty()) return {Where::other, {}, 0};
        auto& o = open_.back();
        Slot at{o.where, key_, 0};
        if (o.where == Where::choices || o.where == Where::tool_calls) at.index = o.count++;
        if (at.in == Where::top && at.key == "error") fields.has_error = true;
        return at;
    }

    // The kind of a container that begins here.
    Where where_of_container(bool object) {
        if (open_.empty()) {
            fields.top_is_object = object;
            return object ? Where::top : Where::other;
        }
        const Slot at = slot();
        switch (at.in) {
            case Where::top:
                if (object && at.key == "error") return Where::error;
                if (object && at.key == "usage") return Where::usage;
                if (!object && at.key == "choices") return Where::choices;
                return Where::other;
            case Where::choices:
                return object && at.index == 0 ? Where::choice : Where::other;
            case Where::choice:
                return object && at.key == "delta" ? Where::delta : Where::other;
            case Where::delta:
                return !object && at.key == "tool_calls" ? Where::tool_calls : Where::other;
            case Where::tool_calls:
                if (!object) return Where::other;
                fields.tool_calls.emplace_back();
                return Where::tool_call;
            case Where::tool_call:
                return object && at.key == "function" ? Where::function : Where::other;
            default:
                return Where::other;
        }
    }

    std::string* target_of(const Slot& at) {
        switch (at.in) {
            case Where::top:
                return at.key == "error" ? &fields.error_message : nullptr;
            case Where::error:
                return at.key == "message" ? &fields.error_message : nullptr;
            case Where::choice:
                return at.key == "finish_reason" ? &fields.finish_reason : nullptr;
            case Where::delta:
                if (at.key == "content") return &fields.content;
                if (at.key == "reasoning_content") return &fields.reasoning_content;
                if (at.key == "reasoning") return &fields.reasoning;
                return nullptr;
            case Where::tool_call:
                return at.key == "id" ? &fields.tool_calls.back().id : nullptr;
            case Where::function:
                if (at.key == "name") return &fields.tool_calls.back().name;
                if (at.key == "arguments") return &fields.tool_calls.back().arguments;
                return nullptr;
            default:
                return nullptr;
        }
    }
};

class StreamAssembler {
  public:
    StreamAssembler(const DeltaSink& sink, detail::Attempt& attempt)
        : sink_(sink), attempt_(attempt), parser_(json::parse_options{}) {}

    Result<bool> on_event(const net::SseEvent& ev) {
        if (ev.data == "[DONE]") return false;
        // One parser for every chunk of the stream, keeping its working buffers; the chunk's members are read as
        // they are parsed (ChunkHandler), with no JSON value built.
        parser_.reset();
        parser_.handler().clear();
        boost::system::error_code ec;
        parser_.write_some(false, ev.data.data(), ev.data.size(), ec);
        if (ec || !parser_.done()) return true;  // not JSON: skipped, as before
        auto& c = parser_.handler().fields;
        if (!c.top_is_object) return true;
        if (c.has_error) return Error{Errc::upstream_error, "openai: " + c.error_message};
        if (c.prompt_tokens) out_.usage.prompt_tokens = *c.prompt_tokens;
        if (c.completion_tokens) out_.usage.completion_tokens = *c.completion_tokens;
        if (!c.finish_reason.empty()) out_.finish_reason = c.finish_reason;
        if (!c.content.empty()) {
            out_.text.append(c.content);
            emit(Delta{Delta::Kind::text, std::move(c.content)});
        }
        for (auto* think : {&c.reasoning_content, &c.reasoning}) {
            if (think->empty()) continue;
            out_.thinking.append(*think);
            emit(Delta{Delta::Kind::thinking, std::move(*think)});
        }
        for (auto& t : c.tool_calls) tool_delta(t);
        return true;
    }

    /// Compatible servers do not all send [DONE]; a body that ends between events is a complete answer.
    Result<ChatResponse> finish() {
        for (auto& c : tools_.calls)
            if (!c.name.empty()) out_.tool_calls.push_back(std::move(c));
        return std::move(out_);
    }

  private:
    void tool_delta(ChunkFields::ToolDelta& t) {
        auto& call = tools_.at(t.index);
        Delta td{Delta::Kind::tool_call, {}, static_cast<int>(t.index)};
        if (!t.id.empty()) call.id = td.id = t.id;
        if (!t.name.empty()) call.name = td.name = t.name;
        call.arguments.append(t.arguments);
        td.text = std::move(t.arguments);
        emit(td);
    }

    void emit(const Delta& d) {
        attempt_.streamed_output = true;
        sink_(d);
    }

    const DeltaSink& sink_;
    detail::Attempt& attempt_;
    json::basic_parser<ChunkHandler> parser_;
    ChatResponse out_;
    ToolAccumulator tools_;
};

}  // namespace

bool is_reasoning_model(std::string_view model) {
    auto starts = [&](std::string_view p) { return model.substr(0, p.size()) == p; };
    return starts("o1") || starts("o3") || starts("o4") || starts("gpt-5");
}

OpenAiModel::OpenAiModel(const config::LlmConfig& config, net::HttpClient& http)
    : model_(config.model),
      base_url_(config.base_url),
      api_key_(config.api_key),
      temperature_(config.temperature),
      config_(config),
      http_(http) {
    retry_.max_retries = config.max_retries;
}

std::string OpenAiModel::request_body(const ChatRequest& request, bool stream) const {
    json::array messages;
    if (!request.system.empty()) messages.push_back(json::object{{"role", "system"}, {"content", request.system}});
    for (const auto& m : request.messages) messages.push_back(message_json(m));
    json::object body{{"model", model_}, {"messages", std::move(messages)}};
    const bool reasoning = is_reasoning_model(model_);
    if (reasoning) {
        body["max_completion_tokens"] = request.max_tokens;
        if (request.thinking.enabled) {
            const int b = request.thinking.budget_tokens;
            body["reasoning_effort"] = b == 0 || b <= 2048 ? "low" : b <= 8192 ? "medium" : "high";
        }
    } else {
        body["max_tokens"] = request.max_tokens;
        body["temperature"] = request.temperature.value_or(temperature_.value_or(0.7));
    }
    if (!request.tools.empty()) {
        json::array tools;
        for (const auto& t : request.tools) {
            json::value params =
                t.parameters.is_object() ? t.parameters : json::value(json::object{{"type", "object"}});
            tools.push_back(json::object{
                {"type", "function"},
                {"function", json::object{{"name", t.name}, {"description", t.description}, {"parameters", params}}}});
        }
        body["tools"] = std::move(tools);
    }
    if (request.response_schema.is_object()) {
        body["response_format"] = json::object{{"type", "json_schema"},
                                               {"json_schema", json::object{{"name", request.response_schema_name},
                                                                            {"schema", request.response_schema},
                                                                            {"strict", true}}}};
    }
    if (stream) {
        body["stream"] = true;
        body["stream_options"] = json::object{{"include_usage", true}};
    }
    return json::serialize(body);
}

asio::awaitable<Result<ChatResponse>> OpenAiModel::generate(const ChatRequest& request, const DeltaSink* on_delta) {
    detail::AttemptFn attempt = [&](detail::Attempt& state) -> asio::awaitable<Result<ChatResponse>> {
        co_return co_await once(request, on_delta, state);
    };
    co_return co_await detail::run_with_retries(provider_, model_, retry_, std::move(attempt));
}

asio::awaitable<Result<ChatResponse>> OpenAiModel::once(const ChatRequest& request, const DeltaSink* on_delta,
                                                        detail::Attempt& attempt) {
    net::HttpRequest http;
    http.method = "POST";
    http.url = base_url_ + "/chat/completions";
    http.headers = {{"Content-Type", "application/json"},
                    {"Accept", on_delta ? "text/event-stream" : "application/json"}};
    if (!api_key_.empty()) http.headers.emplace_back("Authorization", "Bearer " + api_key_);
    for (const auto& [k, v] : config_.headers) http.headers.emplace_back(k, v);
    http.timeout = config_.timeout;
    http.body = request_body(request, on_delta != nullptr);

    if (!on_delta) {
        auto body = co_await detail::send(http_, std::move(http), provider_, attempt);
        if (!body) co_return std::move(body).error();
        co_return parse_completion(*body);
    }

    http.idle_timeout = config_.timeout;
    auto stream = co_await detail::open(http_, std::move(http), provider_, attempt);
    if (!stream) co_return std::move(stream).error();
    StreamAssembler assembler(*on_delta, attempt);
    detail::SseHandler handler = [&](const net::SseEvent& ev) { return assembler.on_event(ev); };
    auto read = co_await detail::read_sse(**stream, provider_, handler);
    if (!read) co_return std::move(read).error();
    co_return assembler.finish();
}

}  // namespace hector::llm
