#include "hector/llm/anthropic/anthropic_model.hpp"

#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>

#include <fmt/format.h>

#include <map>

#include "hector/common/json.hpp"
#include "hector/llm/detail/member_reader.hpp"
#include "hector/llm/detail/stream_reader.hpp"
#include "hector/net/http_client.hpp"

namespace hector::llm {

namespace asio = boost::asio;
namespace json = boost::json;
using detail::str;

namespace {

constexpr std::string_view kName = "anthropic";
constexpr int kMinThinkingBudget = 1024;

json::object text_block(std::string_view text) {
    return json::object{{"type", "text"}, {"text", text}};
}

/// Images go as image blocks, PDFs as document blocks; base64 data when we have it, else the URL.
json::object attachment_block(const Attachment& a) {
    const bool document = a.mime_type == "application/pdf";
    json::object source = !a.data.empty()
                              ? json::object{{"type", "base64"}, {"media_type", a.mime_type}, {"data", a.data}}
                              : json::object{{"type", "url"}, {"url", a.uri}};
    return json::object{{"type", document ? "document" : "image"}, {"source", std::move(source)}};
}

json::array user_blocks(const ChatMessage& m) {
    json::array blocks;
    if (!m.text.empty()) blocks.push_back(text_block(m.text));
    for (const auto& a : m.attachments) blocks.push_back(attachment_block(a));
    return blocks;
}

/// A signed thinking block comes first (the API checks its signature), then the text, then the tool calls.
json::array assistant_blocks(const ChatMessage& m) {
    json::array blocks;
    if (!m.thinking_signature.empty())
        blocks.push_back(
            json::object{{"type", "thinking"}, {"thinking", m.thinking}, {"signature", m.thinking_signature}});
    if (!m.text.empty()) blocks.push_back(text_block(m.text));
    for (const auto& c : m.tool_calls)
        blocks.push_back(json::object{
            {"type", "tool_use"}, {"id", c.id}, {"name", c.name}, {"input", detail::arguments_object(c.arguments)}});
    return blocks;
}

json::object tool_result_block(const ChatMessage& m) {
    json::object block{{"type", "tool_result"}, {"tool_use_id", m.tool_call_id}};
    if (!m.text.empty()) block["content"] = m.text;
    if (m.is_error) block["is_error"] = true;
    return block;
}

/// Roles must alternate, so consecutive messages of one role (the tool results of a turn, a user message after
/// them) share one message. A user message that is a single text block uses the API's plain-string shorthand.
json::array messages_json(const std::vector<ChatMessage>& messages) {
    std::vector<std::pair<std::string_view, json::array>> turns;
    auto add = [&](std::string_view role, json::array blocks) {
        if (blocks.empty()) return;
        if (!turns.empty() && turns.back().first == role) {
            auto& into = turns.back().second;
            // A signed thinking block must open the assistant message it belongs to.
            std::size_t thinking_end = 0;
            while (thinking_end < into.size() && into[thinking_end].as_object().at("type") == "thinking")
                ++thinking_end;
            for (auto& b : blocks) {
                if (b.as_object().at("type") == "thinking")
                    into.insert(into.begin() + static_cast<std::ptrdiff_t>(thinking_end++), std::move(b));
                else
                    into.push_back(std::move(b));
            }
            return;
        }
        turns.emplace_back(role, std::move(blocks));
    };
    for (const auto& m : messages) {
        switch (m.role) {
            case ChatMessage::Role::user:
                add("user", user_blocks(m));
                break;
            case ChatMessage::Role::assistant:
                add("assistant", assistant_blocks(m));
                break;
            case ChatMessage::Role::tool:
                add("user", json::array{tool_result_block(m)});
                break;
        }
    }
    json::array out;
    for (auto& [role, blocks] : turns) {
        json::object o{{"role", role}};
        if (role == "user" && blocks.size() == 1 && blocks[0].as_object().at("type") == "text")
            o["content"] = blocks[0].as_object().at("text");
        else
            o["content"] = std::move(blocks);
        out.push_back(std::move(o));
    }
    return out;
}

json::object input_schema(const json::value& parameters) {
    json::object schema = parameters.is_object() ? parameters.as_object() : json::object{};
    if (!schema.contains("type")) schema["type"] = "object";
    return schema;
}

/// The name of the forced tool that carries structured output, empty when the request has no schema.
std::string answer_tool(const ChatRequest& request) {
    return request.response_schema.is_object() ? request.response_schema_name : std::string{};
}

std::string finish_reason(std::string_view stop_reason, bool answered_by_tool) {
    if (stop_reason == "end_turn" || stop_reason == "stop_sequence") return "stop";
    if (stop_reason == "max_tokens") return "length";
    if (stop_reason == "tool_use") return answered_by_tool ? "stop" : "tool_calls";
    if (stop_reason == "refusal") return "content_filter";
    return std::string(stop_reason);
}

/// Input counts cached tokens separately; their sum is the prompt.
void read_usage(const json::object& o, Usage& usage) {
    const auto* u = get_object(o, "usage");
    if (!u) return;
    auto in = get_int(*u, "input_tokens");
    if (in)
        usage.prompt_tokens = *in + get_int(*u, "cache_creation_input_tokens").value_or(0) +
                              get_int(*u, "cache_read_input_tokens").value_or(0);
    if (auto out = get_int(*u, "output_tokens")) usage.completion_tokens = *out;
}

Result<ChatResponse> parse_message(std::string_view body, const std::string& answer_tool) {
    auto parsed = detail::parse_object(kName, body);
    if (!parsed) return std::move(parsed).error();
    const auto& o = *parsed;
    ChatResponse out;
    read_usage(o, out.usage);
    bool answered_by_tool = false;
    if (const auto* content = get_array(o, "content")) {
        for (const auto& b : *content) {
            if (!b.is_object()) continue;
            const auto& block = b.as_object();
            auto type = str(block, "type");
            if (type == "text") {
                out.text += str(block, "text");
            } else if (type == "thinking") {
                out.thinking += str(block, "thinking");
                out.thinking_signature = std::string(str(block, "signature"));
            } else if (type == "tool_use") {
                const auto* input = block.if_contains("input");
                std::string args = input ? json::serialize(*input) : "{}";
                if (!answer_tool.empty() && str(block, "name") == answer_tool) {
                    out.text += args;
                    answered_by_tool = true;
                    continue;
                }
                out.tool_calls.push_back(
                    ToolCall{std::string(str(block, "id")), std::string(str(block, "name")), std::move(args)});
            }
        }
    }
    out.finish_reason = finish_reason(str(o, "stop_reason"), answered_by_tool);
    return out;
}

Error stream_error(const json::object& o) {
    const auto* e = get_object(o, "error");
    auto type = e ? str(*e, "type") : std::string_view{};
    auto message = e ? str(*e, "message") : std::string_view{};
    Errc code = type == "overloaded_error" || type == "api_error" ? Errc::unavailable
                : type == "rate_limit_error"                      ? Errc::rate_limited
                : type == "invalid_request_error"                 ? Errc::invalid_argument
                                                                  : Errc::upstream_error;
    return Error{code, fmt::format("anthropic stream error: {} ({})", message, type)};
}

/// A content_block_delta event's members (the event of every streamed token), read without building its JSON value.
struct BlockDelta {
    std::int64_t index = 0;
    bool has_delta = false;  // "delta" is an object
    std::string type, text, thinking, signature, partial_json;
};

// Boost.JSON SAX handler for BlockDelta: the top object's "type" and "index", and the string members of its "delta"
// object. Everything else is passed over.
enum class DeltaWhere { other, top, delta };

class BlockDeltaHandler : public detail::MemberReader<BlockDeltaHandler, DeltaWhere> {
  public:
    BlockDelta fields;
    std::string event_type;  // the top object's "type"
    bool top_is_object = false;

    void clear() {
        fields = {};
        event_type.clear();
        top_is_object = false;
        clear_reader();
    }

    // MemberReader's hooks.
    DeltaWhere enter(bool object) {
        if (open_.empty()) {
            top_is_object = object;
            return object ? DeltaWhere::top : DeltaWhere::other;
        }
        if (object && in() == DeltaWhere::top && key_ == "delta") {
            fields.has_delta = true;
            return DeltaWhere::delta;
        }
        return DeltaWhere::other;
    }
    std::string* string_target() {
        if (in() == DeltaWhere::top) return key_ == "type" ? &event_type : nullptr;
        if (in() != DeltaWhere::delta) return nullptr;
        if (key_ == "type") return &fields.type;
        if (key_ == "text") return &fields.text;
        if (key_ == "thinking") return &fields.thinking;
        if (key_ == "signature") return &fields.signature;
        if (key_ == "partial_json") return &fields.partial_json;
        return nullptr;
    }
    void on_integer(std::int64_t i) {
        if (in() == DeltaWhere::top && key_ == "index") fields.index = i;
    }
    void on_other_value() {}

  private:
    DeltaWhere in() const { return open_.empty() ? DeltaWhere::other : open_.back(); }
};

/// Assembles a streamed message from its events and forwards deltas. Content blocks are addressed by index; a
/// tool_use block's input arrives as partial JSON, forwarded as tool-call deltas of that call.
class StreamAssembler {
  public:
    StreamAssembler(const DeltaSink& sink, detail::Attempt& attempt, std::string answer_tool)
        : sink_(sink), attempt_(attempt), answer_tool_(std::move(answer_tool)) {}

    Result<bool> on_event(const net::SseEvent& ev) {
        if (ev.type == "ping") return true;
        if (ev.type == "content_block_delta") {
            // Every streamed token: its members are read as they are parsed. An event of another shape under this
            // name takes the general path below.
            delta_parser_.reset();
            delta_parser_.handler().clear();
            boost::system::error_code ec;
            delta_parser_.write_some(false, ev.data.data(), ev.data.size(), ec);
            auto& h = delta_parser_.handler();
            if (!ec && delta_parser_.done() && h.top_is_object && h.event_type == "content_block_delta") {
                block_delta(std::move(h.fields));
                return true;
            }
        }
        auto parsed = detail::parse_object(kName, ev.data);
        if (!parsed) return std::move(parsed).error();
        const auto& o = *parsed;
        auto type = str(o, "type");
        if (type == "error" || ev.type == "error") return stream_error(o);
        if (type == "message_start") {
            if (const auto* m = get_object(o, "message")) read_usage(*m, out_.usage);
        } else if (type == "content_block_start") {
            start_block(o);
        } else if (type == "content_block_delta") {
            block_delta(block_delta_of(o));
        } else if (type == "message_delta") {
            if (const auto* d = get_object(o, "delta"); d && !str(*d, "stop_reason").empty())
                stop_reason_ = std::string(str(*d, "stop_reason"));
            auto prompt = out_.usage.prompt_tokens;
            read_usage(o, out_.usage);
            if (out_.usage.prompt_tokens == 0) out_.usage.prompt_tokens = prompt;
        } else if (type == "message_stop") {
            stopped_ = true;
            return false;
        }
        return true;
    }

    Result<ChatResponse> finish() {
        if (!stopped_) return Error{Errc::upstream_error, "anthropic: the stream ended before message_stop"};
        for (auto& call : tools_) {
            if (call.arguments.empty()) call.arguments = "{}";
            out_.tool_calls.push_back(std::move(call));
        }
        out_.finish_reason = finish_reason(stop_reason_, answered_by_tool_);
        return std::move(out_);
    }

  private:
    enum class Kind { other, text, thinking, tool, answer };
    struct Block {
        Kind kind = Kind::other;
        int tool = -1;
    };

    void emit(Delta d) {
        attempt_.streamed_output = true;
        sink_(d);
    }

    void start_block(const json::object& o) {
        const auto* cb = get_object(o, "content_block");
        if (!cb) return;
        auto& block = blocks_[get_int(o, "index").value_or(0)];
        auto type = str(*cb, "type");
        if (type == "text") {
            block.kind = Kind::text;
            append_text(str(*cb, "text"));
        } else if (type == "thinking") {
            block.kind = Kind::thinking;
            append_thinking(str(*cb, "thinking"));
        } else if (type == "tool_use" && !answer_tool_.empty() && str(*cb, "name") == answer_tool_) {
            block.kind = Kind::answer;
            answered_by_tool_ = true;
        } else if (type == "tool_use") {
            block.kind = Kind::tool;
            block.tool = static_cast<int>(tools_.size());
            tools_.push_back(ToolCall{std::string(str(*cb, "id")), std::string(str(*cb, "name")), {}});
            emit(Delta{Delta::Kind::tool_call, {}, block.tool, tools_.back().id, tools_.back().name});
        }
    }

    static BlockDelta block_delta_of(const json::object& o) {
        BlockDelta b;
        b.index = get_int(o, "index").value_or(0);
        const auto* d = get_object(o, "delta");
        if (!d) return b;
        b.has_delta = true;
        b.type = std::string(str(*d, "type"));
        b.text = std::string(str(*d, "text"));
        b.thinking = std::string(str(*d, "thinking"));
        b.signature = std::string(str(*d, "signature"));
        b.partial_json = std::string(str(*d, "partial_json"));
        return b;
    }

    void block_delta(BlockDelta d) {
        if (!d.has_delta) return;
        const auto& block = blocks_[d.index];
        if (d.type == "text_delta") {
            append_text(d.text);
        } else if (d.type == "thinking_delta") {
            append_thinking(d.thinking);
        } else if (d.type == "signature_delta") {
            out_.thinking_signature = std::move(d.signature);
        } else if (d.type == "input_json_delta") {
            const std::string& part = d.partial_json;
            if (part.empty()) return;
            if (block.kind == Kind::answer) {
                append_text(part);
            } else if (block.kind == Kind::tool) {
                tools_[block.tool].arguments += part;
                emit(Delta{Delta::Kind::tool_call, part, block.tool});
            }
        }
    }

    void append_text(std::string_view text) {
        if (text.empty()) return;
        out_.text += text;
        emit(Delta{Delta::Kind::text, std::string(text)});
    }

    void append_thinking(std::string_view text) {
        if (text.empty()) return;
        out_.thinking += text;
        emit(Delta{Delta::Kind::thinking, std::string(text)});
    }

    const DeltaSink& sink_;
    detail::Attempt& attempt_;
    std::string answer_tool_;
    ChatResponse out_;
    std::map<std::int64_t, Block> blocks_;
    json::basic_parser<BlockDeltaHandler> delta_parser_{json::parse_options{}};
    std::vector<ToolCall> tools_;
    std::string stop_reason_;
    bool answered_by_tool_ = false;
    bool stopped_ = false;
};

}  // namespace

std::pair<int, int> anthropic_thinking_budget(int budget_tokens, int max_tokens) {
    const int budget = std::max(kMinThinkingBudget, budget_tokens);
    if (budget >= max_tokens) max_tokens += budget;
    return {budget, max_tokens};
}

AnthropicModel::AnthropicModel(const config::LlmConfig& config, net::HttpClient& http)
    : model_(config.model),
      url_(detail::join_url(config.base_url.empty() ? "https://api.anthropic.com" : config.base_url, "/v1/messages")),
      config_(config),
      http_(http) {
    retry_.max_retries = config.max_retries;
}

std::string AnthropicModel::request_body(const ChatRequest& request, bool stream) const {
    json::object body{{"model", model_}, {"max_tokens", request.max_tokens}};
    if (!request.system.empty()) body["system"] = request.system;
    body["messages"] = messages_json(request.messages);
    if (request.thinking.enabled) {
        auto [budget, max_tokens] = anthropic_thinking_budget(request.thinking.budget_tokens, request.max_tokens);
        body["max_tokens"] = max_tokens;
        body["thinking"] = json::object{{"type", "enabled"}, {"budget_tokens", budget}};
        body["temperature"] = 1;  // the API refuses any other temperature with thinking on
    } else {
        body["temperature"] = request.temperature.value_or(config_.temperature.value_or(0.7));
    }
    json::array tools;
    for (const auto& t : request.tools)
        tools.push_back(json::object{
            {"name", t.name}, {"description", t.description}, {"input_schema", input_schema(t.parameters)}});
    if (auto name = answer_tool(request); !name.empty()) {
        tools.push_back(json::object{{"name", name},
                                     {"description", "Give the final answer as arguments matching this schema."},
                                     {"input_schema", input_schema(request.response_schema)}});
        // A forced tool_choice is refused with thinking on, and would stop the model calling its real tools.
        if (request.tools.empty() && !request.thinking.enabled)
            body["tool_choice"] = json::object{{"type", "tool"}, {"name", name}};
    }
    if (!tools.empty()) body["tools"] = std::move(tools);
    if (stream) body["stream"] = true;
    return json::serialize(body);
}

asio::awaitable<Result<ChatResponse>> AnthropicModel::generate(const ChatRequest& request, const DeltaSink* on_delta) {
    detail::AttemptFn attempt = [&](detail::Attempt& state) -> asio::awaitable<Result<ChatResponse>> {
        co_return co_await once(request, on_delta, state);
    };
    co_return co_await detail::run_with_retries(kName, model_, retry_, std::move(attempt));
}

asio::awaitable<Result<ChatResponse>> AnthropicModel::once(const ChatRequest& request, const DeltaSink* on_delta,
                                                           detail::Attempt& attempt) {
    net::HttpRequest http;
    http.method = "POST";
    http.url = url_;
    http.headers = {{"content-type", "application/json"},
                    {"anthropic-version", std::string(kApiVersion)},
                    {"accept", on_delta ? "text/event-stream" : "application/json"}};
    if (!config_.api_key.empty()) http.headers.emplace_back("x-api-key", config_.api_key);
    for (const auto& [k, v] : config_.headers) http.headers.emplace_back(k, v);
    http.timeout = config_.timeout;
    http.body = request_body(request, on_delta != nullptr);

    if (!on_delta) {
        auto body = co_await detail::send(http_, std::move(http), kName, attempt);
        if (!body) co_return std::move(body).error();
        co_return parse_message(*body, answer_tool(request));
    }

    http.idle_timeout = config_.timeout;
    auto stream = co_await detail::open(http_, std::move(http), kName, attempt);
    if (!stream) co_return std::move(stream).error();
    StreamAssembler assembler(*on_delta, attempt, answer_tool(request));
    detail::SseHandler handler = [&](const net::SseEvent& ev) { return assembler.on_event(ev); };
    auto read = co_await detail::read_sse(**stream, kName, handler);
    if (!read) co_return std::move(read).error();
    co_return assembler.finish();
}

}  // namespace hector::llm
