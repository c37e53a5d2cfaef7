#pragma once

#include <memory>

#include "hector/agent/agent.hpp"
#include "hector/config/model.hpp"
#include "hector/llm/model.hpp"

namespace hector::agent {

/// An agent driven by one LLM: system prompt from the instruction, the conversation history of the session,
/// the answer streamed as it is generated. The loop is model → tool calls → results → model until the model stops
/// calling tools or reasoning.max_iterations is reached; tools plug in through the `Tools` seam (next issue).
class LlmAgent final : public Agent {
  public:
    LlmAgent(std::string id, const config::AgentConfig& config, std::shared_ptr<llm::Model> model,
             const config::LlmConfig& llm);
    boost::asio::awaitable<RunResult> run(const RunInput& input, RunEmitter& emit) override;

    /// The system prompt of platform.md §7.1 without placeholders: global_instruction, role,
    /// system_prompt or instruction, guidance, joined by blank lines.
    std::string system_prompt() const;

  private:
    std::string id_;
    config::AgentConfig config_;
    std::shared_ptr<llm::Model> model_;
    std::optional<double> temperature_;
    int max_tokens_;
    config::ThinkingConfig thinking_;
};

/// Session events → chat messages for the model (user, assistant, tool calls and results).
std::vector<llm::ChatMessage> to_chat_history(const std::vector<store::SessionEvent>& events,
                                              std::string_view agent_id);
/// The model's view of a user message: text parts joined, data parts as JSON, files as attachments.
llm::ChatMessage to_chat_message(const a2a::Message& message);

}  // namespace hector::agent
