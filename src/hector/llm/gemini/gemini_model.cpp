#include "hector/llm/gemini/gemini_model.hpp"

#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>

#include <fmt/format.h>

#include <cctype>
#include <map>

#include "hector/common/ids.hpp"
#include "hector/common/json.hpp"
#include "hector/llm/detail/member_reader.hpp"
#include "hector/llm/detail/stream_reader.hpp"
#include "hector/llm/gemini/gemini_schema.hpp"
#include "hector/net/http_client.hpp"

namespace hector::llm {

namespace asio = boost::asio;
namespace json = boost::json;
using detail::str;

namespace {

constexpr std::string_view kName = "gemini";
/// Ids we make up for calls that came without one. They are ours alone, so they are never sent to the API.
constexpr std::string_view kGeneratedIdPrefix = "gemini_call_";

bool generated_id(std::string_view id) {
    return id.substr(0, kGeneratedIdPrefix.size()) == kGeneratedIdPrefix;
}

json::array user_parts(const ChatMessage& m) {
    json::array parts;
    if (!m.text.empty()) parts.push_back(json::object{{"text", m.text}});
    for (const auto& a : m.attachments) {
        if (!a.data.empty())
            parts.push_back(json::object{{"inlineData", json::object{{"mimeType", a.mime_type}, {"data", a.data}}}});
        else
            parts.push_back(json::object{{"fileData", json::object{{"mimeType", a.mime_type}, {"fileUri", a.uri}}}});
    }
    return parts;
}

/// The thought signature goes back exactly where it came from: on the first functionCall part of the step, or on
/// the last part of an answer without calls.
json::array model_parts(const ChatMessage& m) {
    json::array parts;
    if (!m.text.empty()) parts.push_back(json::object{{"text", m.text}});
    std::size_t first_call = parts.size();
    for (const auto& c : m.tool_calls) {
        json::object call{{"name", c.name}, {"args", detail::arguments_object(c.arguments)}};
        if (!c.id.empty() && !generated_id(c.id)) call["id"] = c.id;
        parts.push_back(json::object{{"functionCall", std::move(call)}});
    }
    if (!m.thinking_signature.empty() && !parts.empty()) {
        auto& signed_part = m.tool_calls.empty() ? parts.back() : parts[first_call];
        signed_part.as_object()["thoughtSignature"] = m.thinking_signature;
    }
    return parts;
}

/// functionResponse.response must be an object: {"result": text}, or {"error": text} for a failed call.
json::object function_response(const ChatMessage& m, const std::map<std::string, std::string>& names) {
    std::string name = m.tool_name;
    if (name.empty())
        if (auto it = names.find(m.tool_call_id); it != names.end()) name = it->second;
    json::object response{{m.is_error ? "error" : "result", m.text}};
    json::object fr{{"name", name}, {"response", std::move(response)}};
    if (!m.tool_call_id.empty() && !generated_id(m.tool_call_id)) fr["id"] = m.tool_call_id;
    return json::object{{"functionResponse", std::move(fr)}};
}

/// The results of one step's calls travel together in one user content, in the order of the calls.
json::array contents_json(const std::vector<ChatMessage>& messages) {
    std::map<std::string, std::string> names;  // call id → function name, for results that lack tool_name
    json::array contents;
    bool last_was_results = false;
    for (const auto& m : messages) {
        if (m.role == ChatMessage::Role::tool) {
            auto part = function_response(m, names);
            if (last_was_results) {
                contents.back().as_object()["parts"].as_array().push_back(std::move(part));
            } else {
                json::array parts;
                parts.push_back(std::move(part));
                contents.push_back(json::object{{"role", "user"}, {"parts", std::move(parts)}});
                last_was_results = true;
            }
            continue;
        }
        last_was_results = false;
        json::array parts;
        if (m.role == ChatMessage::Role::user) {
            parts = user_parts(m);
        } else {
            for (const auto& c : m.tool_calls) names[c.id] = c.name;
            parts = model_parts(m);
        }
        if (parts.empty()) continue;
        contents.push_back(
            json::object{{"role", m.role == ChatMessage::Role::user ? "user" : "model"}, {"parts", std::move(parts)}});
    }
    return contents;
}

std::string finish_reason(std::string_view reason, bool called_tools) {
    if (called_tools) return "tool_calls";
    if (reason.empty() || reason == "STOP") return "stop";
    if (reason == "MAX_TOKENS") return "length";
    for (std::string_view filtered :
         {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"})
        if (reason == filtered) return "content_filter";
    std::string lower(reason);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower;
}

Error api_error(const json::object& e) {
    const auto code = get_int(e, "code").value_or(0);
    const Errc errc = code == 429 ? Errc::rate_limited : code >= 500 ? Errc::unavailable : Errc::upstream_error;
    return Error{errc, fmt::format("gemini error: {} ({})", str(e, "message"), str(e, "status"))};
}

/// Folds GenerateContentResponse objects (one, or one per streamed chunk) into a ChatResponse, forwarding deltas
/// when a sink is given. Function calls arrive whole and become one tool-call delta each.
class Assembler {
  public:
    Assembler(const DeltaSink* sink, detail::Attempt& attempt) : sink_(sink), attempt_(attempt) {}

    Status add(const json::object& o) {
        if (const auto* e = get_object(o, "error")) return api_error(*e);
        if (const auto* u = get_object(o, "usageMetadata")) {
            out_.usage.prompt_tokens = get_int(*u, "promptTokenCount").value_or(out_.usage.prompt_tokens);
            // Thinking is billed as output, as other providers count it.
            out_.usage.completion_tokens =
                get_int(*u, "candidatesTokenCount").value_or(0) + get_int(*u, "thoughtsTokenCount").value_or(0);
        }
        const auto* candidates = get_array(o, "candidates");
        if (!candidates || candidates->empty()) {
            const auto* feedback = get_object(o, "promptFeedback");
            if (auto reason = feedback ? str(*feedback, "blockReason") : std::string_view{}; !reason.empty())
                return Error{Errc::upstream_error, fmt::format("gemini: the prompt was blocked ({})", reason)};
            return Status{};
        }
        if (!candidates->front().is_object()) return Status{};
        const auto& candidate = candidates->front().as_object();
        if (auto reason = str(candidate, "finishReason"); !reason.empty()) finish_ = std::string(reason);
        const auto* content = get_object(candidate, "content");
        if (const auto* parts = content ? get_array(*content, "parts") : nullptr)
            for (const auto& p : *parts)
                if (p.is_object()) add_part(p.as_object());
        return Status{};
    }

    Result<ChatResponse> finish() {
        out_.finish_reason = finish_reason(finish_, !out_.tool_calls.empty());
        return std::move(out_);
    }

    /// A chunk read by ChunkReader (below): what add() would do with it.
    void add_chunk(const struct Chunk& c);

  private:
    void add_text(std::string_view text, bool thinking) {
        if (text.empty()) return;
        (thinking ? out_.thinking : out_.text) += text;
        emit(Delta{thinking ? Delta::Kind::thinking : Delta::Kind::text, std::string(text)});
    }

    void add_part(const json::object& part) {
        const auto* call = get_object(part, "functionCall");
        if (auto sig = str(part, "thoughtSignature"); !sig.empty() && !signed_call_) {
            out_.thinking_signature = std::string(sig);
            signed_call_ = call != nullptr;
        }
        if (call) {
            ToolCall tc;
            tc.id = std::string(str(*call, "id"));
            if (tc.id.empty()) tc.id = std::string(kGeneratedIdPrefix) + new_alnum_id(16);
            tc.name = std::string(str(*call, "name"));
            const auto* args = call->if_contains("args");
            tc.arguments = args && args->is_object() ? json::serialize(*args) : "{}";
            emit(Delta{Delta::Kind::tool_call, tc.arguments, static_cast<int>(out_.tool_calls.size()), tc.id, tc.name});
            out_.tool_calls.push_back(std::move(tc));
            return;
        }
        const auto* thought = part.if_contains("thought");
        add_text(str(part, "text"), thought && thought->is_bool() && thought->get_bool());
    }

    void emit(const Delta& d) {
        if (!sink_) return;
        attempt_.streamed_output = true;
        (*sink_)(d);
    }

    const DeltaSink* sink_;
    detail::Attempt& attempt_;
    ChatResponse out_;
    std::string finish_;
    bool signed_call_ = false;  // the signature we hold came from a functionCall part: later ones don't replace it
};

/// A streamed chunk's members, read without building its JSON value: the first candidate's text parts, its
/// finishReason, and the usage counts.
struct Chunk {
    struct Part {
        std::string text;
        bool thought = false;
    };
    std::vector<Part> parts;
    std::string finish_reason;
    bool has_usage = false;
    std::optional<std::int64_t> prompt, candidates, thoughts;
};

void Assembler::add_chunk(const Chunk& c) {
    if (c.has_usage) {
        out_.usage.prompt_tokens = c.prompt.value_or(out_.usage.prompt_tokens);
        out_.usage.completion_tokens = c.candidates.value_or(0) + c.thoughts.value_or(0);
    }
    if (!c.finish_reason.empty()) finish_ = c.finish_reason;
    for (const auto& p : c.parts) add_text(p.text, p.thought);
}

// A Boost.JSON SAX handler for Chunk. `plain` turns false at anything only add() reads: an error, prompt feedback,
// a function call or a thought signature, no candidate, a first candidate or a part that is not an object, usage
// counts that are not integers. Such a chunk takes the general path.
enum class ChunkWhere { other, top, candidates, candidate, content, parts, part, usage };

class ChunkReader : public detail::MemberReader<ChunkReader, ChunkWhere> {
  public:
    Chunk chunk;
    bool top_is_object = false;
    bool plain = true;

    void clear() {
        chunk.parts.clear();
        chunk.finish_reason.clear();
        chunk.has_usage = false;
        chunk.prompt = chunk.candidates = chunk.thoughts = std::nullopt;
        top_is_object = false;
        plain = true;
        candidate_count_ = 0;
        clear_reader();
    }

    // MemberReader's hooks.
    ChunkWhere enter(bool object) {
        if (open_.empty()) {
            top_is_object = object;
            return object ? ChunkWhere::top : ChunkWhere::other;
        }
        switch (in()) {
            case ChunkWhere::top:
                if (key_ == "candidates" && !object) return ChunkWhere::candidates;
                if (key_ == "usageMetadata" && object) {
                    chunk.has_usage = true;
                    return ChunkWhere::usage;
                }
                top_member();
                return ChunkWhere::other;
            case ChunkWhere::candidates:
                if (candidate_count_++ == 0) {
                    if (object) return ChunkWhere::candidate;
                    plain = false;
                }
                return ChunkWhere::other;
            case ChunkWhere::candidate:
                return key_ == "content" && object ? ChunkWhere::content : ChunkWhere::other;
            case ChunkWhere::content:
                return key_ == "parts" && !object ? ChunkWhere::parts : ChunkWhere::other;
            case ChunkWhere::parts:
                if (!object) plain = false;
                chunk.parts.emplace_back();
                return object ? ChunkWhere::part : ChunkWhere::other;
            case ChunkWhere::part:
                part_member();
                return ChunkWhere::other;
            case ChunkWhere::usage:
                usage_member();
                return ChunkWhere::other;
            case ChunkWhere::other:
                break;
        }
        return ChunkWhere::other;
    }
    std::string* string_target() {
        switch (in()) {
            case ChunkWhere::top:
                top_member();
                return nullptr;
            case ChunkWhere::candidates:
                first_candidate_is_not_an_object();
                return nullptr;
            case ChunkWhere::candidate:
                return key_ == "finishReason" ? &chunk.finish_reason : nullptr;
            case ChunkWhere::parts:
                plain = false;
                return nullptr;
            case ChunkWhere::part:
                part_member();
                return key_ == "text" ? &chunk.parts.back().text : nullptr;
            case ChunkWhere::usage:
                usage_member();
                return nullptr;
            default:
                return nullptr;
        }
    }
    void on_integer(std::int64_t i) {
        if (in() == ChunkWhere::usage) {
            if (key_ == "promptTokenCount") chunk.prompt = i;
            if (key_ == "candidatesTokenCount") chunk.candidates = i;
            if (key_ == "thoughtsTokenCount") chunk.thoughts = i;
            return;
        }
        on_other_value();
    }
    void on_boolean(bool b) {
        if (in() == ChunkWhere::part && key_ == "thought") {
            chunk.parts.back().thought = b;
            return;
        }
        on_other_value();
    }
    void on_other_value() {
        switch (in()) {
            case ChunkWhere::top:
                top_member();
                break;
            case ChunkWhere::candidates:
                first_candidate_is_not_an_object();
                break;
            case ChunkWhere::parts:
                plain = false;
                break;
            case ChunkWhere::part:
                part_member();
                break;
            case ChunkWhere::usage:
                usage_member();
                break;
            default:
                break;
        }
    }

    /// After the parse: whether the chunk is one this reader read whole.
    bool read_whole() const { return top_is_object && plain && candidate_count_ > 0; }

  private:
    ChunkWhere in() const { return open_.empty() ? ChunkWhere::other : open_.back(); }
    // A top-level value other than the candidates array and the usage object.
    void top_member() {
        if (key_ == "error" || key_ == "promptFeedback" || key_ == "candidates" || key_ == "usageMetadata")
            plain = false;
    }
    void first_candidate_is_not_an_object() {
        if (candidate_count_++ == 0) plain = false;
    }
    void part_member() {
        if (key_ == "functionCall" || key_ == "thoughtSignature") plain = false;
    }
    // A usage member that is not an integer: one of the counts is then read by the general path.
    void usage_member() {
        if (key_ == "promptTokenCount" || key_ == "candidatesTokenCount" || key_ == "thoughtsTokenCount") plain = false;
    }

    std::size_t candidate_count_ = 0;
};

}  // namespace

GeminiModel::GeminiModel(const config::LlmConfig& config, net::HttpClient& http)
    : model_(config.model),
      base_url_(config.base_url.empty() ? "https://generativelanguage.googleapis.com" : config.base_url),
      config_(config),
      http_(http) {
    retry_.max_retries = config.max_retries;
}

std::string GeminiModel::request_body(const ChatRequest& request) const {
    json::object body{{"contents", contents_json(request.messages)}};
    if (!request.system.empty())
        body["systemInstruction"] = json::object{{"parts", json::array{json::object{{"text", request.system}}}}};
    if (!request.tools.empty()) {
        json::array declarations;
        for (const auto& t : request.tools) {
            json::object d{{"name", t.name}, {"description", t.description}};
            if (auto params = gemini_parameters(t.parameters)) d["parameters"] = std::move(*params);
            declarations.push_back(std::move(d));
        }
        body["tools"] = json::array{json::object{{"functionDeclarations", std::move(declarations)}}};
    }
    json::object config{{"temperature", request.temperature.value_or(config_.temperature.value_or(0.7))},
                        {"maxOutputTokens", request.max_tokens}};
    if (request.thinking.enabled) {
        // A budget of 0 means "the provider's choice": Gemini then sizes the thinking itself.
        json::object thinking{{"includeThoughts", true}};
        if (request.thinking.budget_tokens > 0) thinking["thinkingBudget"] = request.thinking.budget_tokens;
        config["thinkingConfig"] = std::move(thinking);
    }
    if (request.response_schema.is_object()) {
        config["responseMimeType"] = "application/json";
        config["responseSchema"] = to_gemini_schema(request.response_schema);
    }
    body["generationConfig"] = std::move(config);
    return json::serialize(body);
}

asio::awaitable<Result<ChatResponse>> GeminiModel::generate(const ChatRequest& request, const DeltaSink* on_delta) {
    detail::AttemptFn attempt = [&](detail::Attempt& state) -> asio::awaitable<Result<ChatResponse>> {
        co_return co_await once(request, on_delta, state);
    };
    co_return co_await detail::run_with_retries(kName, model_, retry_, std::move(attempt));
}

asio::awaitable<Result<ChatResponse>> GeminiModel::once(const ChatRequest& request, const DeltaSink* on_delta,
                                                        detail::Attempt& attempt) {
    std::string_view model = model_;
    if (model.substr(0, 7) == "models/") model.remove_prefix(7);
    net::HttpRequest http;
    http.method = "POST";
    http.url = detail::join_url(base_url_, fmt::format("v1beta/models/{}:{}", model,
                                                       on_delta ? "streamGenerateContent?alt=sse" : "generateContent"));
    http.headers = {{"Content-Type", "application/json"},
                    {"Accept", on_delta ? "text/event-stream" : "application/json"}};
    if (!config_.api_key.empty()) http.headers.emplace_back("x-goog-api-key", config_.api_key);
    for (const auto& [k, v] : config_.headers) http.headers.emplace_back(k, v);
    http.timeout = config_.timeout;
    http.body = request_body(request);

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
    json::basic_parser<ChunkReader> chunk_reader{json::parse_options{}};
    detail::SseHandler handler = [&](const net::SseEvent& ev) -> Result<bool> {
        // Every token's chunk: its members are read as they are parsed. Any other shape takes the general path.
        chunk_reader.reset();
        chunk_reader.handler().clear();
        boost::system::error_code ec;
        chunk_reader.write_some(false, ev.data.data(), ev.data.size(), ec);
        if (!ec && chunk_reader.done() && chunk_reader.handler().read_whole()) {
            assembler.add_chunk(chunk_reader.handler().chunk);
            return true;
        }
        auto parsed = detail::parse_object(kName, ev.data);
        if (!parsed) return std::move(parsed).error();
        if (auto st = assembler.add(*parsed); !st) return std::move(st).error();
        return true;
    };
    auto read = co_await detail::read_sse(**stream, kName, handler);
    if (!read) co_return std::move(read).error();
    co_return assembler.finish();
}

}  // namespace hector::llm
