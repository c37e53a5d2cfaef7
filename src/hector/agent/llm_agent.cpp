#include "hector/agent/llm_agent.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "hector/agent/instructions.hpp"
#include "hector/agent/tool_runner.hpp"
#include "hector/common/logging.hpp"

namespace hector::agent {

namespace json = boost::json;

namespace {

std::string_view str(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string_view(v->get_string().data(), v->get_string().size()) : std::string_view{};
}

store::SessionEvent call_event(const std::string& author, const llm::ChatResponse& response) {
    store::SessionEvent e;
    e.author = author;
    e.role = "agent";
    if (!response.text.empty()) e.parts.push_back(json::object{{"kind", "text"}, {"text", response.text}});
    for (const auto& c : response.tool_calls)
        e.tool_calls.push_back(json::object{{"id", c.id}, {"name", c.name}, {"arguments", c.arguments}});
    return e;
}

store::SessionEvent result_event(const std::string& author, const std::vector<CallOutcome>& outcomes,
                                 json::object& state_delta) {
    store::SessionEvent e;
    e.author = author;
    for (const auto& o : outcomes) {
        e.tool_results.push_back(json::object{{"tool_call_id", o.call.id},
                                              {"name", o.call.name},
                                              {"content", o.result.content},
                                              {"is_error", o.result.is_error}});
        for (const auto& kv : o.result.state_delta) state_delta[kv.key()] = kv.value();
    }
    e.state_delta = state_delta;
    return e;
}

void append_results(std::vector<llm::ChatMessage>& messages, const std::vector<CallOutcome>& outcomes) {
    for (const auto& o : outcomes) {
        llm::ChatMessage m;
        m.role = llm::ChatMessage::Role::tool;
        m.tool_call_id = o.call.id;
        m.tool_name = o.call.name;
        m.text = o.result.content;
        m.is_error = o.result.is_error;
        messages.push_back(std::move(m));
    }
}

json::object pending_entry(const llm::ToolCall& c) {
    return json::object{{"tool_call_id", c.id}, {"tool_name", c.name}, {"arguments", c.arguments}};
}

}  // namespace

LlmAgent::LlmAgent(std::string id, const config::AgentConfig& config, std::shared_ptr<llm::Model> model,
                   const config::LlmConfig& llm, std::vector<ToolBinding> tools, ToolDeps deps)
    : id_(std::move(id)),
      config_(config),
      model_(std::move(model)),
      temperature_(llm.temperature),
      max_tokens_(llm.max_tokens),
      max_tool_output_length_(llm.max_tool_output_length),
      thinking_(llm.thinking),
      tools_(std::move(tools)),
      deps_(deps) {}

std::string LlmAgent::system_prompt() const {
    std::vector<std::string_view> parts;
    if (!config_.global_instruction.empty()) parts.push_back(config_.global_instruction);
    if (!config_.prompt.role.empty()) parts.push_back(config_.prompt.role);
    if (!config_.prompt.system_prompt.empty())
        parts.push_back(config_.prompt.system_prompt);
    else if (!config_.instruction.empty())
        parts.push_back(config_.instruction);
    if (!config_.prompt.guidance.empty()) parts.push_back(config_.prompt.guidance);
    if (!config_.reasoning.completion_instruction.empty()) parts.push_back(config_.reasoning.completion_instruction);
    std::string out;
    for (auto p : parts) {
        if (!out.empty()) out += "\n\n";
        out += p;
    }
    return out;
}

llm::ChatMessage to_chat_message(const a2a::Message& message) {
    llm::ChatMessage m;
    m.role = message.role == a2a::Role::agent ? llm::ChatMessage::Role::assistant : llm::ChatMessage::Role::user;
    for (const auto& p : message.parts) {
        switch (p.kind) {
            case a2a::Part::Kind::text:
                if (!m.text.empty()) m.text += "\n";
                m.text += p.text;
                break;
            case a2a::Part::Kind::data:
                if (!m.text.empty()) m.text += "\n";
                m.text += json::serialize(p.data);
                break;
            case a2a::Part::Kind::file:
                m.attachments.push_back({p.file->mime_type, p.file->bytes, p.file->uri});
                break;
        }
    }
    return m;
}

std::vector<llm::ChatMessage> to_chat_history(const std::vector<store::SessionEvent>& events) {
    std::vector<llm::ChatMessage> out;
    for (const auto& e : events) {
        std::string text;
        for (const auto& p : e.parts) {
            const auto* o = p.if_object();
            if (!o) continue;
            if (auto t = str(*o, "text"); !t.empty() || o->contains("text")) {
                if (!text.empty()) text += "\n";
                text += t;
            } else if (const auto* d = o->if_contains("data")) {
                if (!text.empty()) text += "\n";
                text += json::serialize(*d);
            }
        }
        if (e.role == "user" && !e.parts.empty()) {
            llm::ChatMessage m;
            m.role = llm::ChatMessage::Role::user;
            m.text = std::move(text);
            out.push_back(std::move(m));
        } else if (e.role == "agent" && (!e.parts.empty() || !e.tool_calls.empty())) {
            llm::ChatMessage m;
            m.role = llm::ChatMessage::Role::assistant;
            m.text = std::move(text);
            for (const auto& c : e.tool_calls) {
                const auto* o = c.if_object();
                if (!o) continue;
                m.tool_calls.push_back(
                    {std::string(str(*o, "id")), std::string(str(*o, "name")), std::string(str(*o, "arguments"))});
            }
            out.push_back(std::move(m));
        }
        for (const auto& r : e.tool_results) {
            const auto* o = r.if_object();
            if (!o) continue;
            llm::ChatMessage m;
            m.role = llm::ChatMessage::Role::tool;
            m.tool_call_id = std::string(str(*o, "tool_call_id"));
            m.tool_name = std::string(str(*o, "name"));
            m.text = std::string(str(*o, "content"));
            if (const auto* b = o->if_contains("is_error"); b && b->is_bool()) m.is_error = b->get_bool();
            out.push_back(std::move(m));
        }
    }
    return out;
}

boost::asio::awaitable<RunResult> LlmAgent::run(const RunInput& input, RunEmitter& emit) {
    RunResult result;
    json::object state = input.session_state;
    json::object state_delta;
    auto system = render_instruction(system_prompt(), state);
    if (!system) {
        result.outcome = RunResult::Outcome::failed;
        result.error = system.error().message;
        result.error_code = system.error().code;

        co_return result;
    }

    llm::ChatRequest request;
    request.system = std::move(system).value();
    request.messages = to_chat_history(input.history);
    request.temperature = temperature_;
    request.max_tokens = max_tokens_;
    request.thinking = {thinking_.enabled, thinking_.budget_tokens};
    for (const auto& t : tools_) request.tools.push_back({t.name, t.description, t.parameters});
    if (config_.structured_output && config_.structured_output->schema.present()) {
        request.response_schema = config_.structured_output->schema.value;
        request.response_schema_name = config_.structured_output->name;
    }

    ToolCallEnv env{&input, deps_, static_cast<std::size_t>(std::max(0, max_tool_output_length_))};
    auto binding = [this](std::string_view name) -> const ToolBinding* {
        for (const auto& t : tools_)
            if (t.name == name) return &t;
        return nullptr;
    };
    // Pauses for the first of `pending` (DECISIONS 20; platform.md §5.6: one approval at a time, in order).
    auto ask = [&](const std::vector<llm::ToolCall>& pending) {
        result.outcome = RunResult::Outcome::input_required;
        const auto& first = pending.front();
        json::object args;
        boost::system::error_code ec;
        if (auto v = json::parse(first.arguments.empty() ? std::string_view("{}") : first.arguments, ec);
            !ec && v.is_object())
            args = v.as_object();
        const auto* b = binding(first.name);
        result.text = b ? render_approval_prompt(*b, args) : "Approve call to " + first.name + "?";
        json::array list;
        for (const auto& c : pending) list.push_back(pending_entry(c));
        result.metadata["pending_tool_calls"] = std::move(list);
    };
    auto record = [&](const std::vector<CallOutcome>& outcomes) {
        if (outcomes.empty()) return;
        append_results(request.messages, outcomes);
        result.events.push_back(result_event(id_, outcomes, state_delta));
        for (const auto& kv : state_delta) state[kv.key()] = kv.value();
    };

    if (input.resume) {
        // The user answered an approval request: run or deny the call, then ask for the next one or go on.
        std::vector<llm::ToolCall> pending;
        for (const auto& p : input.resume->pending_tool_calls) {
            const auto* o = p.if_object();
            if (!o) continue;
            llm::ToolCall call;
            call.id = std::string(str(*o, "tool_call_id"));
            call.name = std::string(str(*o, "tool_name"));
            call.arguments = std::string(str(*o, "arguments"));
            pending.push_back(std::move(call));
        }
        std::size_t which = 0;
        for (std::size_t i = 0; i < pending.size(); ++i)
            if (pending[i].id == input.resume->tool_call_id) which = i;
        if (!pending.empty()) {
            auto call = pending[which];
            pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(which));
            std::vector<CallOutcome> outcomes;  // filled below (no braced lists near co_await: g++ 12)
            if (input.resume->approved) {
                std::vector<llm::ToolCall> one{call};
                outcomes = co_await run_tool_calls(one, tools_, env, emit);
            } else {
                CallOutcome denied;
                denied.call = call;
                denied.result = tools::ToolResult::error("tool call denied by user");
                outcomes.push_back(std::move(denied));
            }
            record(outcomes);
            if (!pending.empty()) {
                ask(pending);
                co_return result;
            }
        }
    } else {
        request.messages.push_back(to_chat_message(input.message));
    }

    llm::DeltaSink sink = [&emit](const llm::Delta& d) {
        if (d.kind == llm::Delta::Kind::text)
            emit.answer_delta(d.text);
        else if (d.kind == llm::Delta::Kind::thinking)
            emit.thinking_delta(d.text);
    };
    const int max_iterations = std::max(1, config_.reasoning.max_iterations);
    std::string last_text;
    for (int iteration = 0; iteration < max_iterations; ++iteration) {
        auto response = co_await model_->generate(request, config_.streaming ? &sink : nullptr);
        if (!response) {
            result.outcome = RunResult::Outcome::failed;
            result.error = response.error().message;
            result.error_code = response.error().code;

            co_return result;
        }
        result.prompt_tokens += response->usage.prompt_tokens;
        result.completion_tokens += response->usage.completion_tokens;
        if (!config_.streaming && !response->text.empty()) emit.answer_delta(response->text);
        if (!response->text.empty()) last_text = response->text;
        if (response->tool_calls.empty()) {
            result.text = response->text;
            store::SessionEvent answer;
            answer.author = id_;
            answer.role = "agent";
            answer.parts.push_back(json::object{{"kind", "text"}, {"text", response->text}});
            result.events.push_back(std::move(answer));
            co_return result;
        }
        // Give every call an id the rest of the system can address (some providers have none).
        for (std::size_t i = 0; i < response->tool_calls.size(); ++i)
            if (response->tool_calls[i].id.empty())
                response->tool_calls[i].id = "call_" + std::to_string(iteration) + "_" + std::to_string(i);
        result.events.push_back(call_event(id_, *response));
        llm::ChatMessage turn;
        turn.role = llm::ChatMessage::Role::assistant;
        turn.text = response->text;
        turn.tool_calls = response->tool_calls;
        turn.thinking = response->thinking;
        turn.thinking_signature = response->thinking_signature;
        request.messages.push_back(std::move(turn));

        std::vector<llm::ToolCall> now, later;
        for (const auto& c : response->tool_calls) {
            const auto* b = binding(c.name);
            (b && b->require_approval ? later : now).push_back(c);
        }
        record(co_await run_tool_calls(now, tools_, env, emit));
        if (!later.empty()) {
            ask(later);
            co_return result;
        }
    }
    log::warn("agent", "{}: reached reasoning.max_iterations ({})", id_, max_iterations);
    result.text = last_text;
    store::SessionEvent answer;
    answer.author = id_;
    answer.role = "agent";
    answer.parts.push_back(json::object{{"kind", "text"}, {"text", last_text}});
    result.events.push_back(std::move(answer));
    co_return result;
}

}  // namespace hector::agent
