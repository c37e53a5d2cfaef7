#include "hector/agent/llm_agent.hpp"

#include <boost/json/serialize.hpp>

#include "hector/common/logging.hpp"

namespace hector::agent {

namespace json = boost::json;

LlmAgent::LlmAgent(std::string id, const config::AgentConfig& config, std::shared_ptr<llm::Model> model,
                   const config::LlmConfig& llm)
    : id_(std::move(id)),
      config_(config),
      model_(std::move(model)),
      temperature_(llm.temperature),
      max_tokens_(llm.max_tokens),
      thinking_(llm.thinking) {}

std::string LlmAgent::system_prompt() const {
    std::vector<std::string_view> parts;
    if (!config_.global_instruction.empty()) parts.push_back(config_.global_instruction);
    if (!config_.prompt.role.empty()) parts.push_back(config_.prompt.role);
    if (!config_.prompt.system_prompt.empty())
        parts.push_back(config_.prompt.system_prompt);
    else if (!config_.instruction.empty())
        parts.push_back(config_.instruction);
    if (!config_.prompt.guidance.empty()) parts.push_back(config_.prompt.guidance);
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
                m.attachments.push_back({p.file.mime_type, p.file.bytes, p.file.uri});
                break;
        }
    }
    return m;
}

std::vector<llm::ChatMessage> to_chat_history(const std::vector<store::SessionEvent>& events,
                                              std::string_view agent_id) {
    std::vector<llm::ChatMessage> out;
    for (const auto& e : events) {
        if (!e.parts.empty() && (e.role == "user" || e.role == "agent")) {
            llm::ChatMessage m;
            m.role = e.role == "user" ? llm::ChatMessage::Role::user : llm::ChatMessage::Role::assistant;
            for (const auto& p : e.parts) {
                const auto* o = p.if_object();
                if (!o) continue;
                if (const auto* t = o->if_contains("text"); t && t->is_string()) {
                    if (!m.text.empty()) m.text += "\n";
                    m.text += std::string(t->get_string());
                } else if (const auto* d = o->if_contains("data")) {
                    if (!m.text.empty()) m.text += "\n";
                    m.text += json::serialize(*d);
                }
            }
            out.push_back(std::move(m));
        }
        if (!e.tool_calls.empty()) {
            llm::ChatMessage m;
            m.role = llm::ChatMessage::Role::assistant;
            for (const auto& c : e.tool_calls) {
                const auto& o = c.as_object();
                llm::ToolCall call;
                if (auto* v = o.if_contains("id"); v && v->is_string()) call.id = std::string(v->get_string());
                if (auto* v = o.if_contains("name"); v && v->is_string()) call.name = std::string(v->get_string());
                if (auto* v = o.if_contains("arguments"); v && v->is_string())
                    call.arguments = std::string(v->get_string());
                m.tool_calls.push_back(std::move(call));
            }
            // Merge into the assistant message just before when it carried the text of the same turn.
            if (!out.empty() && out.back().role == llm::ChatMessage::Role::assistant && out.back().tool_calls.empty() &&
                e.parts.empty())
                out.back().tool_calls = std::move(m.tool_calls);
            else
                out.push_back(std::move(m));
        }
        for (const auto& r : e.tool_results) {
            const auto& o = r.as_object();
            llm::ChatMessage m;
            m.role = llm::ChatMessage::Role::tool;
            if (auto* v = o.if_contains("tool_call_id"); v && v->is_string())
                m.tool_call_id = std::string(v->get_string());
            if (auto* v = o.if_contains("name"); v && v->is_string()) m.tool_name = std::string(v->get_string());
            if (auto* v = o.if_contains("content"); v && v->is_string()) m.text = std::string(v->get_string());
            if (auto* v = o.if_contains("is_error"); v && v->is_bool()) m.is_error = v->get_bool();
            out.push_back(std::move(m));
        }
    }
    (void)agent_id;
    return out;
}

boost::asio::awaitable<RunResult> LlmAgent::run(const RunInput& input, RunEmitter& emit) {
    llm::ChatRequest request;
    request.system = system_prompt();
    request.messages = to_chat_history(input.history, id_);
    request.messages.push_back(to_chat_message(input.message));
    request.temperature = temperature_;
    request.max_tokens = max_tokens_;
    request.thinking = {thinking_.enabled, thinking_.budget_tokens};

    llm::DeltaSink sink = [&emit](const llm::Delta& d) {
        if (d.kind == llm::Delta::Kind::text)
            emit.answer_delta(d.text);
        else if (d.kind == llm::Delta::Kind::thinking)
            emit.thinking_delta(d.text);
    };

    RunResult result;
    const int max_iterations = std::max(1, config_.reasoning.max_iterations);
    for (int iteration = 0; iteration < max_iterations; ++iteration) {
        auto response = co_await model_->generate(request, config_.streaming ? &sink : nullptr);
        if (!response) {
            result.outcome = RunResult::Outcome::failed;
            result.error = response.error().message;
            co_return result;
        }
        result.prompt_tokens += response->usage.prompt_tokens;
        result.completion_tokens += response->usage.completion_tokens;
        if (!config_.streaming && !response->text.empty()) emit.answer_delta(response->text);
        if (response->tool_calls.empty()) {
            result.text = response->text;
            store::SessionEvent answer;
            answer.author = id_;
            answer.role = "agent";
            answer.parts.push_back(json::object{{"kind", "text"}, {"text", response->text}});
            result.events.push_back(std::move(answer));
            co_return result;
        }
        // Tool calls arrive with the next issue's tool registry; until then no tools are declared, so a model
        // that calls one anyway gets an error result and continues.
        llm::ChatMessage call_turn;
        call_turn.role = llm::ChatMessage::Role::assistant;
        call_turn.text = response->text;
        call_turn.tool_calls = response->tool_calls;
        request.messages.push_back(call_turn);
        for (const auto& call : response->tool_calls) {
            llm::ChatMessage r;
            r.role = llm::ChatMessage::Role::tool;
            r.tool_call_id = call.id;
            r.tool_name = call.name;
            r.is_error = true;
            r.text = "tool \"" + call.name + "\" is not available to this agent";
            request.messages.push_back(std::move(r));
        }
    }
    log::warn("agent", "{}: reached reasoning.max_iterations ({})", id_, max_iterations);
    result.text = "";
    for (auto it = request.messages.rbegin(); it != request.messages.rend(); ++it) {
        if (it->role == llm::ChatMessage::Role::assistant && !it->text.empty()) {
            result.text = it->text;
            break;
        }
    }
    co_return result;
}

}  // namespace hector::agent
