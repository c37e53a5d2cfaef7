#include "hector/llm/openai/openai_model.hpp"

#include <boost/json.hpp>

#include <fmt/format.h>

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
class StreamAssembler {
  public:
    StreamAssembler(const DeltaSink& sink, detail::Attempt& attempt) : sink_(sink), attempt_(attempt) {}

    Result<bool> on_event(const net::SseEvent& ev) {
        if (ev.data == "[DONE]") return false;
        // One parser for every chunk of the stream: it keeps its working buffers between chunks.
        parser_.reset();
        boost::system::error_code ec;
        parser_.write(ev.data, ec);
        if (ec) return true;
        const json::value v = parser_.release();
        if (!v.is_object()) return true;
        const auto& o = v.as_object();
        if (const auto* err = o.if_contains("error"))
            return Error{
                Errc::upstream_error,
                "openai: " + std::string(str(err->is_object() ? err->as_object().if_contains("message") : err))};
        read_usage(o, out_.usage);
        const auto* choices = o.if_contains("choices");
        if (!choices || !choices->is_array() || choices->as_array().empty()) return true;
        const auto& choice = choices->as_array()[0].as_object();
        if (auto f = str(choice.if_contains("finish_reason")); !f.empty()) out_.finish_reason = std::string(f);
        const auto* delta = choice.if_contains("delta");
        if (!delta || !delta->is_object()) return true;
        const auto& d = delta->as_object();
        if (auto text = str(d.if_contains("content")); !text.empty()) {
            out_.text.append(text);
            emit(Delta{Delta::Kind::text, std::string(text)});
        }
        for (auto key : {"reasoning_content", "reasoning"}) {
            if (auto think = str(d.if_contains(key)); !think.empty()) {
                out_.thinking.append(think);
                emit(Delta{Delta::Kind::thinking, std::string(think)});
            }
        }
        if (const auto* calls = d.if_contains("tool_calls"); calls && calls->is_array())
            for (const auto& c : calls->as_array())
                if (c.is_object()) tool_delta(c.as_object());
        return true;
    }

    /// Compatible servers do not all send [DONE]; a body that ends between events is a complete answer.
    Result<ChatResponse> finish() {
        for (auto& c : tools_.calls)
            if (!c.name.empty()) out_.tool_calls.push_back(std::move(c));
        return std::move(out_);
    }

  private:
    json::parser parser_;

    void tool_delta(const json::object& co) {
        std::size_t index = 0;
        if (const auto* i = co.if_contains("index"); i && i->is_int64() && i->as_int64() >= 0 && i->as_int64() < 128)
            index = static_cast<std::size_t>(i->as_int64());
        auto& call = tools_.at(index);
        Delta td{Delta::Kind::tool_call, {}, static_cast<int>(index)};
        if (auto id = str(co.if_contains("id")); !id.empty()) call.id = td.id = std::string(id);
        if (const auto* f = co.if_contains("function"); f && f->is_object()) {
            if (auto name = str(f->as_object().if_contains("name")); !name.empty())
                call.name = td.name = std::string(name);
            auto args = str(f->as_object().if_contains("arguments"));
            call.arguments.append(args);
            td.text = std::string(args);
        }
        emit(td);
    }

    void emit(const Delta& d) {
        attempt_.streamed_output = true;
        sink_(d);
    }

    const DeltaSink& sink_;
    detail::Attempt& attempt_;
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
