#include "hector/llm/ollama/ollama_model.hpp"

#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>

#include <fmt/format.h>

#include "hector/common/json.hpp"
#include "hector/common/logging.hpp"
#include "hector/llm/detail/member_reader.hpp"
#include "hector/llm/detail/stream_reader.hpp"
#include "hector/net/http_client.hpp"

namespace hector::llm {

namespace asio = boost::asio;
namespace json = boost::json;
using detail::str;

namespace {

constexpr std::string_view kName = "ollama";

/// Ollama takes images as bare base64 strings; anything else (documents, URLs) has no place in its messages.
json::object user_message(const ChatMessage& m) {
    json::object o{{"role", "user"}, {"content", m.text}};
    json::array images;
    for (const auto& a : m.attachments) {
        if (!a.data.empty() && a.mime_type.rfind("image/", 0) == 0)
            images.push_back(json::string(a.data));
        else
            log::warn("llm", "ollama: dropped a {} attachment the chat API cannot carry", a.mime_type);
    }
    if (!images.empty()) o["images"] = std::move(images);
    return o;
}

json::object assistant_message(const ChatMessage& m) {
    json::object o{{"role", "assistant"}, {"content", m.text}};
    if (m.tool_calls.empty()) return o;
    json::array calls;
    for (const auto& c : m.tool_calls) {
        json::object call{
            {"function", json::object{{"name", c.name}, {"arguments", detail::arguments_object(c.arguments)}}}};
        if (!c.id.empty()) call["id"] = c.id;
        calls.push_back(std::move(call));
    }
    o["tool_calls"] = std::move(calls);
    return o;
}

json::object tool_message(const ChatMessage& m) {
    json::object o{{"role", "tool"}, {"content", m.text}};
    if (!m.tool_name.empty()) o["tool_name"] = m.tool_name;
    if (!m.tool_call_id.empty()) o["tool_call_id"] = m.tool_call_id;
    return o;
}

/// Folds response objects (the whole answer, or one per NDJSON line) into a ChatResponse, forwarding deltas when
/// a sink is given. Tool calls arrive whole and become one tool-call delta each.
class Assembler {
  public:
    Assembler(const DeltaSink* sink, detail::Attempt& attempt) : sink_(sink), attempt_(attempt) {}

    Status add(const json::object& o) {
        if (const auto* e = o.if_contains("error")) {
            std::string message = e->is_string() ? std::string(str(e)) : json::serialize(*e);
            return Error{Errc::upstream_error, fmt::format("ollama error: {}", message)};
        }
        if (const auto* m = get_object(o, "message")) add_message(*m);
        if (get_bool(o, "done").value_or(false)) {
            done_ = true;
            done_reason_ = std::string(str(o, "done_reason"));
            out_.usage.prompt_tokens = get_int(o, "prompt_eval_count").value_or(0);
            out_.usage.completion_tokens = get_int(o, "eval_count").value_or(0);
        }
        return Status{};
    }

    bool done() const { return done_; }

    Result<ChatResponse> finish() {
        if (!done_) return Error{Errc::upstream_error, "ollama: the stream ended before the final (done) object"};
        out_.finish_reason = !out_.tool_calls.empty() ? "tool_calls" : done_reason_.empty() ? "stop" : done_reason_;
        return std::move(out_);
    }

    /// A line of the stream that carries only a message's text and thinking (TokenLine below): the line of every
    /// token.
    void add_tokens(std::string_view thinking, std::string_view text) {
        if (!thinking.empty()) {
            out_.thinking += thinking;
            emit(Delta{Delta::Kind::thinking, std::string(thinking)});
        }
        if (!text.empty()) {
            out_.text += text;
            emit(Delta{Delta::Kind::text, std::string(text)});
        }
    }

  private:
    void add_message(const json::object& m) {
        add_tokens(str(m, "thinking"), str(m, "content"));
        const auto* calls = get_array(m, "tool_calls");
        if (!calls) return;
        for (const auto& c : *calls) {
            const auto* f = c.is_object() ? get_object(c.as_object(), "function") : nullptr;
            if (!f) continue;
            ToolCall tc;
            tc.id = std::string(str(c.as_object(), "id"));
            if (tc.id.empty()) tc.id = detail::new_call_id();
            tc.name = std::string(str(*f, "name"));
            const auto* args = f->if_contains("arguments");
            tc.arguments = args && args->is_object()   ? json::serialize(*args)
                           : args && args->is_string() ? std::string(str(args))
                                                       : "{}";
            emit(Delta{Delta::Kind::tool_call, tc.arguments, static_cast<int>(out_.tool_calls.size()), tc.id, tc.name});
            out_.tool_calls.push_back(std::move(tc));
        }
    }

    void emit(const Delta& d) {
        if (!sink_) return;
        attempt_.streamed_output = true;
        (*sink_)(d);
    }

    const DeltaSink* sink_;
    detail::Attempt& attempt_;
    ChatResponse out_;
    std::string done_reason_;
    bool done_ = false;
};

// A streamed line read without building its JSON value, when it holds nothing but a message's "content" and
// "thinking" strings (and members the assembler does not read): the line of every token. `plain` turns false at
// anything else Assembler::add() reads (an "error", the final "done": true, tool calls, a "message" that is not an
// object); such a line takes the general path.
enum class LineWhere { other, top, message };

class TokenLine : public detail::MemberReader<TokenLine, LineWhere> {
  public:
    std::string content, thinking;
    bool top_is_object = false;
    bool plain = true;

    void clear() {
        content.clear();
        thinking.clear();
        top_is_object = false;
        plain = true;
        clear_reader();
    }

    // MemberReader's hooks.
    LineWhere enter(bool object) {
        if (open_.empty()) {
            top_is_object = object;
            return object ? LineWhere::top : LineWhere::other;
        }
        if (in() == LineWhere::top) {
            if (key_ == "message" && object) return LineWhere::message;
            top_member();
        } else if (in() == LineWhere::message && key_ == "tool_calls") {
            plain = false;
        }
        return LineWhere::other;
    }
    std::string* string_target() {
        if (in() == LineWhere::top) top_member();
        if (in() != LineWhere::message) return nullptr;
        if (key_ == "content") return &content;
        if (key_ == "thinking") return &thinking;
        return nullptr;
    }
    void on_integer(std::int64_t) { on_other_value(); }
    void on_boolean(bool b) {
        if (in() == LineWhere::top && key_ == "done" && b) plain = false;
        on_other_value();
    }
    void on_other_value() {
        if (in() == LineWhere::top) top_member();
    }

  private:
    LineWhere in() const { return open_.empty() ? LineWhere::other : open_.back(); }
    // A top-level value that is not the message object: an error, or a message of another type, is not plain.
    void top_member() {
        if (key_ == "error" || key_ == "message") plain = false;
    }
};

}  // namespace

OllamaModel::OllamaModel(const config::LlmConfig& config, net::HttpClient& http)
    : model_(config.model),
      url_(detail::join_url(config.base_url.empty() ? "http://localhost:11434" : config.base_url, "/api/chat")),
      config_(config),
      http_(http) {
    retry_.max_retries = config.max_retries;
}

std::string OllamaModel::request_body(const ChatRequest& request, bool stream) const {
    json::array messages;
    if (!request.system.empty()) messages.push_back(json::object{{"role", "system"}, {"content", request.system}});
    for (const auto& m : request.messages) {
        switch (m.role) {
            case ChatMessage::Role::user:
                messages.push_back(user_message(m));
                break;
            case ChatMessage::Role::assistant:
                messages.push_back(assistant_message(m));
                break;
            case ChatMessage::Role::tool:
                messages.push_back(tool_message(m));
                break;
        }
    }
    json::object body{{"model", model_}, {"messages", std::move(messages)}, {"stream", stream}};
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
    body["options"] = json::object{{"temperature", request.temperature.value_or(config_.temperature.value_or(0.7))},
                                   {"num_predict", request.max_tokens}};
    if (request.thinking.enabled) body["think"] = true;
    if (request.response_schema.is_object()) body["format"] = request.response_schema;
    return json::serialize(body);
}

asio::awaitable<Result<ChatResponse>> OllamaModel::generate(const ChatRequest& request, const DeltaSink* on_delta) {
    detail::AttemptFn attempt = [&](detail::Attempt& state) -> asio::awaitable<Result<ChatResponse>> {
        co_return co_await once(request, on_delta, state);
    };
    co_return co_await detail::run_with_retries(kName, model_, retry_, std::move(attempt));
}

asio::awaitable<Result<ChatResponse>> OllamaModel::once(const ChatRequest& request, const DeltaSink* on_delta,
                                                        detail::Attempt& attempt) {
    net::HttpRequest http;
    http.method = "POST";
    http.url = url_;
    http.headers = {{"Content-Type", "application/json"},
                    {"Accept", on_delta ? "application/x-ndjson" : "application/json"}};
    if (!config_.api_key.empty()) http.headers.emplace_back("Authorization", "Bearer " + config_.api_key);
    for (const auto& [k, v] : config_.headers) http.headers.emplace_back(k, v);
    http.timeout = config_.timeout;
    http.body = request_body(request, on_delta != nullptr);

    Assembler assembler(on_delta, attempt);
    if (!on_delta) {
        auto body = co_await detail::send(http_, std::move(http), kName, attempt);
        if (!body) co_return std::move(body).error();
        auto parsed = detail::parse_object(kName, *body);
        if (!parsed) co_return std::move(parsed).error();
        if (auto st = assembler.add(*parsed); !st) co_return std::move(st).error();
        co_return assembler.finish();
    }

    http.idle_timeout = config_.timeout;
    auto stream = co_await detail::open(http_, std::move(http), kName, attempt);
    if (!stream) co_return std::move(stream).error();
    json::basic_parser<TokenLine> token_line{json::parse_options{}};
    detail::LineHandler handler = [&](std::string_view line) -> Result<bool> {
        // Every token's line: its two strings are read as they are parsed. Any other line takes the general path.
        token_line.reset();
        token_line.handler().clear();
        boost::system::error_code ec;
        token_line.write_some(false, line.data(), line.size(), ec);
        if (auto& h = token_line.handler(); !ec && token_line.done() && h.top_is_object && h.plain) {
            assembler.add_tokens(h.thinking, h.content);
            return true;
        }
        auto parsed = detail::parse_object(kName, line);
        if (!parsed) return std::move(parsed).error();
        if (auto st = assembler.add(*parsed); !st) return std::move(st).error();
        return !assembler.done();
    };
    auto read = co_await detail::read_ndjson(**stream, kName, handler);
    if (!read) co_return std::move(read).error();
    co_return assembler.finish();
}

}  // namespace hector::llm
