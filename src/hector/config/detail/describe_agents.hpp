#pragma once

// Field descriptions of the LLM, agent and tool sections (platform.md §3–§5, server.md §9). See describe.hpp.

#include "hector/config/detail/field.hpp"
#include "hector/config/model.hpp"

namespace hector::config {

using detail::FieldOpts;

// ---------------------------------------------------------------- LLMs
template <class V>
void describe(V& v, ThinkingConfig& c) {
    v("enabled", c.enabled, {.doc = "Enable extended thinking / reasoning"});
    v("budget_tokens", c.budget_tokens,
      {.doc = "Thinking token budget; 0 = provider minimum (Anthropic: at least 1024 and below max_tokens)", .min = 0});
}

template <class V>
void describe(V& v, LlmConfig& c) {
    v("provider", c.provider,
      {.doc = "LLM provider; inferred from the model name when omitted (claude* anthropic, gpt*/o1*/o3*/o4* openai, "
              "gemini* gemini), else openai. echo is the built-in offline model",
       .one_of = {"openai", "anthropic", "gemini", "ollama", "echo"},
       .aliases = {"type"}});
    v("model", c.model, {.doc = "Model name; defaults per provider: gpt-4o, claude-haiku-4-5, gemini-2.5-pro, qwen3"});
    v("api_key", c.api_key,
      {.doc = "API key; defaults to OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY (ollama needs none)",
       .secret = true});
    v("base_url", c.base_url, {.doc = "Base URL of the provider API (gateways, local servers, test stubs)"});
    v("temperature", c.temperature, {.doc = "Sampling temperature (default 0.7)", .min = 0, .max = 2});
    v("max_tokens", c.max_tokens, {.doc = "Maximum tokens to generate (always sent)", .min = 1});
    v("max_tool_output_length", c.max_tool_output_length,
      {.doc = "Tool output longer than this many characters is cut and marked (0 = unlimited)", .min = 0});
    v("thinking", c.thinking, {.doc = "Extended thinking"});
    v("timeout", c.timeout, {.doc = "Timeout of one provider request"});
    v("max_retries", c.max_retries, {.doc = "Retries on 429, 5xx and network errors, with backoff", .min = 0});
    v("headers", c.headers, {.doc = "Extra HTTP headers sent with every provider request"});
    v("streaming", c.streaming,
      {.doc = "false: never use the provider's streaming API (for gateways without it); unset: each agent's "
              "streaming setting decides"});
}

// ---------------------------------------------------------------- agents
template <class V>
void describe(V& v, PromptConfig& c) {
    v("system_prompt", c.system_prompt, {.doc = "Full system prompt; replaces instruction entirely"});
    v("role", c.role, {.doc = "Role statement placed before the instruction"});
    v("guidance", c.guidance, {.doc = "Guidance placed after the instruction"});
}

template <class V>
void describe(V& v, SkillConfig& c) {
    v("id", c.id, {.doc = "Skill id on the agent card"});
    v("name", c.name, {.doc = "Display name"});
    v("description", c.description, {.doc = "What the skill does"});
    v("tags", c.tags, {.doc = "Keywords for discovery"});
    v("examples", c.examples, {.doc = "Example requests"});
    v("input_modes", c.input_modes, {.doc = "MIME types this skill accepts", .aliases = {"inputModes"}});
    v("output_modes", c.output_modes, {.doc = "MIME types this skill produces", .aliases = {"outputModes"}});
}

template <class V>
void describe(V& v, ContextConfig& c) {
    v("strategy", c.strategy,
      {.doc = "Working-memory strategy: what part of the history the LLM sees",
       .one_of = {"none", "buffer_window", "token_window", "summary_buffer"}});
    v("window_size", c.window_size, {.doc = "buffer_window: number of recent messages kept", .min = 1});
    v("budget", c.budget, {.doc = "token_window, summary_buffer: token budget of the history", .min = 1});
    v("preserve_recent", c.preserve_recent, {.doc = "token_window: number of recent messages always kept", .min = 0});
    v("threshold", c.threshold,
      {.doc = "summary_buffer: summarise once the history exceeds threshold x budget",
       .min = 0,
       .max = 1,
       .exclusive_min = true});
    v("target", c.target,
      {.doc = "summary_buffer: summarise down to target x budget (below threshold)",
       .min = 0,
       .max = 1,
       .exclusive_min = true});
    v("summarizer_llm", c.summarizer_llm, {.doc = "summary_buffer: LLM that writes summaries (default: the agent's)"});
}

template <class V>
void describe(V& v, ReasoningConfig& c) {
    v("max_iterations", c.max_iterations,
      {.doc = "Cap on LLM calls per invocation; when hit, the last text is returned with a warning", .min = 1});
    v("enable_exit_tool", c.enable_exit_tool, {.doc = "Give the agent an exit_loop tool that ends the loop"});
    v("enable_escalate_tool", c.enable_escalate_tool,
      {.doc = "Give the agent an escalate tool that returns control to its parent"});
    v("termination_conditions", c.termination_conditions,
      {.doc = "What ends the loop",
       .one_of = {"no_tool_calls", "escalate", "transfer", "skip_summarization", "input_required"}});
    v("completion_instruction", c.completion_instruction,
      {.doc = "Text appended to the prompt explaining how to finish"});
}

template <class V>
void describe(V& v, StructuredOutputConfig& c) {
    v("schema", c.schema, {.doc = "JSON Schema the final answer must satisfy"});
    v("strict", c.strict, {.doc = "Ask the provider for strict schema adherence (OpenAI)"});
    v("name", c.name, {.doc = "Schema name sent to the provider"});
}

template <class V>
void describe(V& v, AgentSearchConfig& c) {
    v("enabled", c.enabled, {.doc = "Give the agent a search_memory tool over past sessions of the same user"});
    v("max_results", c.max_results, {.doc = "Hits returned per recall", .min = 1});
}

template <class V>
void describe(V& v, ExtractField& c) {
    v("path", c.path, {.doc = "Path into the request, e.g. .body.issue.title"});
    v("as", c.as, {.doc = "Name under .fields in the template"});
}

template <class V>
void describe(V& v, WebhookInputConfig& c) {
    v("template", c.template_,
      {.doc = "Go text/template producing the agent input from .body, .headers, .query and .fields"});
    v("extract_fields", c.extract_fields, {.doc = "Values copied from the request into .fields"});
}

template <class V>
void describe(V& v, WebhookResponseConfig& c) {
    v("mode", c.mode,
      {.doc = "sync: wait and answer with the result; async: 202 at once; callback: 202, then POST the result",
       .one_of = {"sync", "async", "callback"}});
    v("timeout", c.timeout, {.doc = "sync: how long to wait before answering 504"});
    v("callback_field", c.callback_field, {.doc = "callback: request body field holding the callback URL"});
}

template <class V>
void describe(V& v, TriggerConfig& c) {
    v("type", c.type, {.doc = "What starts the agent", .one_of = {"schedule", "webhook"}, .required = true});
    v("enabled", c.enabled, {.doc = "false: the trigger does not exist"});
    v("cron", c.cron, {.doc = "schedule: 5-field cron expression (minute hour day month weekday)"});
    v("timezone", c.timezone, {.doc = "schedule: IANA time zone of the cron expression"});
    v("input", c.input, {.doc = "Static input (schedule; webhooks without a template)"});
    v("path", c.path, {.doc = "webhook: request path (default /webhooks/<agent id>)"});
    v("methods", c.methods,
      {.doc = "webhook: accepted HTTP methods", .one_of = {"GET", "POST", "PUT", "PATCH", "DELETE"}});
    v("secret", c.secret, {.doc = "webhook: HMAC-SHA256 secret; turns on signature checks", .secret = true});
    v("signature_header", c.signature_header,
      {.doc = "webhook: header holding the signature (e.g. X-Hub-Signature-256)"});
    v("webhook_input", c.webhook_input, {.doc = "webhook: how the request becomes the agent input"});
    v("response", c.response, {.doc = "webhook: how the request is answered"});
}

template <class V>
void describe(V& v, NotificationPayload& c) {
    v("template", c.template_,
      {.doc = "Go template over .Type .AgentName .TaskID .Status .Result .Error .Timestamp; must render JSON"});
}

template <class V>
void describe(V& v, RetryConfig& c) {
    v("max_attempts", c.max_attempts, {.doc = "Delivery attempts", .min = 1});
    v("initial_delay", c.initial_delay, {.doc = "Delay before the second attempt; doubles after each"});
    v("max_delay", c.max_delay, {.doc = "Upper bound of the delay"});
}

template <class V>
void describe(V& v, NotificationConfig& c) {
    v("id", c.id, {.doc = "Notification id, unique per agent", .required = true});
    v("type", c.type, {.doc = "Delivery type", .one_of = {"webhook"}});
    v("url", c.url, {.doc = "Target URL (http or https)", .required = true});
    v("enabled", c.enabled, {.doc = "false: never sent"});
    v("events", c.events,
      {.doc = "Task events that send it",
       .one_of = {"task.started", "task.completed", "task.failed"},
       .required = true});
    v("headers", c.headers, {.doc = "Extra HTTP headers"});
    v("payload", c.payload, {.doc = "Custom body"});
    v("retry", c.retry, {.doc = "Retries of failed deliveries"});
}

template <class V>
void describe(V& v, RemoteCredentials& c) {
    v("type", c.type, {.doc = "How to authenticate to the remote agent", .one_of = {"bearer", "api_key", "basic"}});
    v("token", c.token, {.doc = "bearer: token", .secret = true});
    v("api_key", c.api_key, {.doc = "api_key: key", .secret = true});
    v("api_key_header", c.api_key_header, {.doc = "api_key: header carrying the key"});
    v("username", c.username, {.doc = "basic: user name"});
    v("password", c.password, {.doc = "basic: password", .secret = true});
}

template <class V>
void describe(V& v, AgentConfig& c) {
    v("type", c.type,
      {.doc = "llm: LLM-driven; sequential/parallel/loop: run sub_agents; runner: run tools in order without an "
              "LLM; remote: another A2A server",
       .one_of = {"llm", "sequential", "parallel", "loop", "runner", "remote"}});
    v("name", c.name, {.doc = "Display name and card name (default: the agent id)"});
    v("description", c.description,
      {.doc = "Card description; also tells other agents when to pick this one (default from the name)"});
    v("version", c.version, {.doc = "Agent card version (default 1.0.0)"});
    v("llm", c.llm, {.doc = "LLM id (default: defaults.llm, else the LLM named default, else the only LLM)"});
    v("instruction", c.instruction,
      {.doc = "System instruction; {key}, {user:key}, {app:key}, {temp:key}, {artifact.name} and a ? suffix are "
              "filled from state"});
    v("global_instruction", c.global_instruction, {.doc = "Instruction applied to this agent and its whole subtree"});
    v("prompt", c.prompt, {.doc = "Structured prompt parts"});
    v("tools", c.tools, {.doc = "Tool ids or built-in names; omitted = all enabled tools, [] = none"});
    v("sub_agents", c.sub_agents, {.doc = "Transfer targets (llm agents) or children (workflow agents)"});
    v("agent_tools", c.agent_tools, {.doc = "Agents this agent can call as tools, keeping control"});
    v("streaming", c.streaming, {.doc = "Stream tokens to message/stream callers"});
    v("visibility", c.visibility,
      {.doc = "public: listed and callable; internal: only for authenticated callers; private: never over HTTP",
       .one_of = {"public", "internal", "private"}});
    v("skills", c.skills, {.doc = "A2A card skills (default: one skill describing the agent)"});
    v("input_modes", c.input_modes, {.doc = "Accepted MIME types of file parts"});
    v("output_modes", c.output_modes, {.doc = "Produced MIME types"});
    v("context", c.context, {.doc = "Working memory"});
    v("reasoning", c.reasoning, {.doc = "Tool-calling loop"});
    v("structured_output", c.structured_output, {.doc = "Make the final answer JSON that satisfies a schema"});
    v("document_stores", c.document_stores, {.doc = "Document stores searched; omitted = all, [] = none"});
    v("include_context", c.include_context,
      {.doc = "Search the document stores with each user message and add the hits to the system prompt"});
    v("include_context_limit", c.include_context_limit, {.doc = "include_context: hits added", .min = 1});
    v("include_context_max_length", c.include_context_max_length,
      {.doc = "include_context: characters kept per hit", .min = 1});
    v("guardrails", c.guardrails, {.doc = "Guardrail set id"});
    v("search", c.search, {.doc = "Recall from past sessions"});
    v("max_iterations", c.max_iterations, {.doc = "loop agents: maximum rounds (default 10)", .min = 1});
    v("output_key", c.output_key, {.doc = "Session state key that receives the final text"});
    v("trigger", c.trigger, {.doc = "Start the agent on a schedule or from a webhook"});
    v("notifications", c.notifications, {.doc = "Webhooks called on task events"});
    v("url", c.url, {.doc = "remote: base URL of the A2A agent"});
    v("agent_card_url", c.agent_card_url, {.doc = "remote: card URL (default <url>/.well-known/agent-card.json)"});
    v("agent_card_file", c.agent_card_file, {.doc = "remote: local card file used instead of fetching one"});
    v("headers", c.headers, {.doc = "remote: extra HTTP headers"});
    v("timeout", c.timeout, {.doc = "remote: request timeout"});
    v("credentials", c.credentials, {.doc = "remote: authentication"});
    v("disallow_transfer_to_parent", c.disallow_transfer_to_parent,
      {.doc = "As a sub-agent, do not offer a transfer back to the parent"});
    v("disallow_transfer_to_peers", c.disallow_transfer_to_peers,
      {.doc = "As a sub-agent, do not offer transfers to sibling agents"});
    v("agents", c.agents,
      {.doc = "Child agents defined inline; they become top-level agents and sub-agents of this one",
       .key_pattern = "^[A-Za-z0-9_-]{1,64}$",
       .schema_ref = "#/properties/agents/additionalProperties"});
}

// ---------------------------------------------------------------- tools
template <class V>
void describe(V& v, ToolConfig& c) {
    v("type", c.type,
      {.doc = "function: a built-in handler; command: the sandboxed shell tool; mcp: tools of an MCP server. "
              "Inferred when omitted (url or command: mcp, else function)",
       .one_of = {"function", "command", "mcp"}});
    v("enabled", c.enabled, {.doc = "false: hidden from every agent"});
    v("description", c.description, {.doc = "Description shown to the LLM (default: the built-in's)"});
    v("require_approval", c.require_approval,
      {.doc = "Ask a human before each call (default: per built-in; MCP false)"});
    v("approval_prompt", c.approval_prompt,
      {.doc = "Question shown when approval is needed; {arg} placeholders are filled from the arguments"});
    v("internal", c.internal, {.doc = "Hidden from agents; usable by document parsers"});
    v("handler", c.handler, {.doc = "function: built-in handler (default: the tool id when it names a built-in)"});
    v("parameters", c.parameters, {.doc = "function: JSON Schema replacing the handler's parameter schema"});
    v("working_directory", c.working_directory, {.doc = "command and file tools: working directory and root"});
    v("max_execution_time", c.max_execution_time, {.doc = "command: kill the process group after this long"});
    v("allowed_commands", c.allowed_commands, {.doc = "command: executables allowed (a non-empty list denies others)"});
    v("denied_commands", c.denied_commands, {.doc = "command: executables always refused"});
    v("deny_by_default", c.deny_by_default, {.doc = "command: refuse every executable not in allowed_commands"});
    v("url", c.url, {.doc = "mcp: server URL (SSE when it ends in /sse, else streamable HTTP)"});
    v("transport", c.transport,
      {.doc = "mcp: transport (inferred: command = stdio, URL ending /sse = sse, else streamable-http)",
       .one_of = {"stdio", "sse", "streamable-http", "http"}});
    v("command", c.command, {.doc = "mcp: command that starts a stdio server"});
    v("args", c.args, {.doc = "mcp: arguments of command"});
    v("env", c.env, {.doc = "mcp: extra environment of the stdio server"});
    v("filter", c.filter, {.doc = "mcp: only these tools of the server (raw MCP names)"});
    v("headers", c.headers, {.doc = "mcp: extra HTTP headers"});
    v("prefix", c.prefix, {.doc = "mcp: tool name prefix (default: the tool id); tools are named <prefix>_<tool>"});
    v("timeout", c.timeout, {.doc = "mcp: timeout of one request"});
}

}  // namespace hector::config
