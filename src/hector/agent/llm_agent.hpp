#pragma once

#include <memory>

#include "hector/agent/agent.hpp"
#include "hector/agent/tool_binding.hpp"
#include "hector/config/model.hpp"
#include "hector/llm/model.hpp"

namespace hector::agent {

/// An agent driven by one LLM (platform.md §3.2): system prompt rendered from the instruction and session state,
/// the conversation history of the session, then the loop model → tool calls → results → model until the model
/// stops calling tools or reasoning.max_iterations is reached. Tool calls of one turn run concurrently; tools that
/// need approval pause the task (input-required) one call at a time, and the run resumes from the session when the
/// user answers. Thread-safe: one instance serves many runs.
class LlmAgent final : public Agent {
  public:
    LlmAgent(std::string id, const config::AgentConfig& config, std::shared_ptr<llm::Model> model,
             const config::LlmConfig& llm, std::vector<ToolBinding> tools, ToolDeps deps);
    boost::asio::awaitable<RunResult> run(const RunInput& input, RunEmitter& emit) override;

    /// The system prompt of platform.md §7.1 before placeholders: global_instruction, role, system_prompt or
    /// instruction, guidance, joined by blank lines.
    std::string system_prompt() const;
    const std::vector<ToolBinding>& tools() const { return tools_; }

  private:
    std::string id_;
    config::AgentConfig config_;
    std::shared_ptr<llm::Model> model_;
    std::optional<double> temperature_;
    int max_tokens_;
    int max_tool_output_length_;
    config::ThinkingConfig thinking_;
    std::vector<ToolBinding> tools_;
    ToolDeps deps_;
};

/// Session events → chat messages for the model (user, assistant with its tool calls, tool results).
std::vector<llm::ChatMessage> to_chat_history(const std::vector<store::SessionEvent>& events);
/// The model's view of a user message: text parts joined, data parts as JSON, files as attachments.
llm::ChatMessage to_chat_message(const a2a::Message& message);

}  // namespace hector::agent
