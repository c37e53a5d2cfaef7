#pragma once

// Field-by-field description of every config struct. Included only by the visitors' .cpp files
// (yaml_reader.cpp, schema.cpp, printer.cpp): the same list drives loading, the JSON Schema and printing.

#include "hector/config/detail/field.hpp"
#include "hector/config/model.hpp"

namespace hector::config {

using detail::FieldOpts;

// ---------------------------------------------------------------- LLMs
template <class V>
void describe(V& v, ThinkingConfig& c) {
    v("enabled", c.enabled, {.doc = "Enable extended thinking / reasoning"});
    v("budget_tokens", c.budget_tokens, {.doc = "Thinking token budget; 0 = provider minimum", .min = 0});
}

template <class V>
void describe(V& v, LlmConfig& c) {
    v("provider", c.provider,
      {.doc = "LLM provider; inferred from the model name when omitted",
       .one_of = {"openai", "anthropic", "gemini", "ollama", "echo"},
       .aliases = {"type"}});
    v("model", c.model, {.doc = "Model name (provider default when omitted)"});
    v("api_key", c.api_key, {.doc = "API key; defaults to the provider's environment variable", .secret = true});
    v("base_url", c.base_url, {.doc = "Base URL of the provider API (gateways, local servers, test stubs)"});
    v("temperature", c.temperature, {.doc = "Sampling temperature (default 0.7)", .min = 0, .max = 2});
    v("max_tokens", c.max_tokens, {.doc = "Maximum tokens to generate", .min = 1});
    v("max_tool_output_length", c.max_tool_output_length,
      {.doc = "Truncate tool output to this many characters (0 = unlimited)", .min = 0});
    v("thinking", c.thinking, {.doc = "Extended thinking"});
    v("timeout", c.timeout, {.doc = "Request timeout"});
    v("max_retries", c.max_retries, {.doc = "Retries on 429/5xx/network errors", .min = 0});
    v("headers", c.headers, {.doc = "Extra HTTP headers sent to the provider"});
}

// ---------------------------------------------------------------- agents
template <class V>
void describe(V& v, PromptConfig& c) {
    v("system_prompt", c.system_prompt, {.doc = "Replaces instruction entirely"});
    v("role", c.role, {.doc = "Role statement placed before the instruction"});
    v("guidance", c.guidance, {.doc = "Guidance appended after the instruction"});
}

template <class V>
void describe(V& v, SkillConfig& c) {
    v("id", c.id);
    v("name", c.name);
    v("description", c.description);
    v("tags", c.tags);
    v("examples", c.examples);
    v("input_modes", c.input_modes, {.aliases = {"inputModes"}});
    v("output_modes", c.output_modes, {.aliases = {"outputModes"}});
}

template <class V>
void describe(V& v, ContextConfig& c) {
    v("strategy", c.strategy,
      {.doc = "Working-memory strategy", .one_of = {"none", "buffer_window", "token_window", "summary_buffer"}});
    v("window_size", c.window_size, {.doc = "buffer_window: messages kept", .min = 1});
    v("budget", c.budget, {.doc = "token_window/summary_buffer: token budget", .min = 1});
    v("preserve_recent", c.preserve_recent, {.doc = "token_window: recent messages always kept", .min = 0});
    v("threshold", c.threshold,
      {.doc = "summary_buffer: summarise above threshold x budget", .min = 0, .max = 1, .exclusive_min = true});
    v("target", c.target,
      {.doc = "summary_buffer: summarise down to target x budget", .min = 0, .max = 1, .exclusive_min = true});
    v("summarizer_llm", c.summarizer_llm, {.doc = "LLM used for summaries (default: the agent's)"});
}

template <class V>
void describe(V& v, ReasoningConfig& c) {
    v("max_iterations", c.max_iterations, {.doc = "Cap on LLM calls per invocation", .min = 1});
    v("enable_exit_tool", c.enable_exit_tool);
    v("enable_escalate_tool", c.enable_escalate_tool);
    v("termination_conditions", c.termination_conditions);
    v("completion_instruction", c.completion_instruction);
}

template <class V>
void describe(V& v, StructuredOutputConfig& c) {
    v("schema", c.schema, {.doc = "JSON Schema the final answer must satisfy"});
    v("strict", c.strict);
    v("name", c.name);
}

template <class V>
void describe(V& v, AgentSearchConfig& c) {
    v("enabled", c.enabled);
    v("max_results", c.max_results, {.min = 1});
}

template <class V>
void describe(V& v, ExtractField& c) {
    v("path", c.path, {.doc = "Field path, e.g. .body.issue.title"});
    v("as", c.as, {.doc = "Name under .fields"});
}

template <class V>
void describe(V& v, WebhookInputConfig& c) {
    v("template", c.template_, {.doc = "Go text/template producing the agent input"});
    v("extract_fields", c.extract_fields);
}

template <class V>
void describe(V& v, WebhookResponseConfig& c) {
    v("mode", c.mode, {.one_of = {"sync", "async", "callback"}});
    v("timeout", c.timeout);
    v("callback_field", c.callback_field);
}

template <class V>
void describe(V& v, TriggerConfig& c) {
    v("type", c.type, {.one_of = {"schedule", "webhook"}});
    v("enabled", c.enabled);
    v("cron", c.cron, {.doc = "5-field cron expression (schedule)"});
    v("timezone", c.timezone, {.doc = "IANA time zone (schedule)"});
    v("input", c.input, {.doc = "Static input"});
    v("path", c.path, {.doc = "Webhook path (default /webhooks/<agent>)"});
    v("methods", c.methods);
    v("secret", c.secret, {.doc = "HMAC-SHA256 secret", .secret = true});
    v("signature_header", c.signature_header);
    v("webhook_input", c.webhook_input);
    v("response", c.response);
}

template <class V>
void describe(V& v, NotificationPayload& c) {
    v("template", c.template_);
}

template <class V>
void describe(V& v, RetryConfig& c) {
    v("max_attempts", c.max_attempts, {.min = 1});
    v("initial_delay", c.initial_delay);
    v("max_delay", c.max_delay);
}

template <class V>
void describe(V& v, NotificationConfig& c) {
    v("id", c.id);
    v("type", c.type, {.one_of = {"webhook"}});
    v("url", c.url);
    v("enabled", c.enabled);
    v("events", c.events);
    v("headers", c.headers);
    v("payload", c.payload);
    v("retry", c.retry);
}

template <class V>
void describe(V& v, RemoteCredentials& c) {
    v("type", c.type, {.one_of = {"bearer", "api_key", "basic"}});
    v("token", c.token, {.secret = true});
    v("api_key", c.api_key, {.secret = true});
    v("api_key_header", c.api_key_header);
    v("username", c.username);
    v("password", c.password, {.secret = true});
}

template <class V>
void describe(V& v, AgentConfig& c) {
    v("type", c.type, {.doc = "Agent type", .one_of = {"llm", "sequential", "parallel", "loop", "runner", "remote"}});
    v("name", c.name, {.doc = "Display name (default: the agent id)"});
    v("description", c.description);
    v("version", c.version, {.doc = "Agent card version (default 1.0.0)"});
    v("llm", c.llm, {.doc = "LLM reference"});
    v("instruction", c.instruction, {.doc = "System instruction; supports {state} placeholders"});
    v("global_instruction", c.global_instruction);
    v("prompt", c.prompt);
    v("tools", c.tools, {.doc = "Tool references; omitted = all enabled tools, [] = none"});
    v("sub_agents", c.sub_agents, {.doc = "Transfer targets or workflow children"});
    v("agent_tools", c.agent_tools, {.doc = "Agents exposed as tools"});
    v("streaming", c.streaming);
    v("visibility", c.visibility, {.one_of = {"public", "internal", "private"}});
    v("skills", c.skills);
    v("input_modes", c.input_modes);
    v("output_modes", c.output_modes);
    v("context", c.context);
    v("reasoning", c.reasoning);
    v("structured_output", c.structured_output);
    v("document_stores", c.document_stores, {.doc = "Document stores; omitted = all, [] = none"});
    v("include_context", c.include_context);
    v("include_context_limit", c.include_context_limit, {.min = 1});
    v("include_context_max_length", c.include_context_max_length, {.min = 1});
    v("guardrails", c.guardrails, {.doc = "Guardrail set reference"});
    v("search", c.search, {.doc = "Memory recall"});
    v("max_iterations", c.max_iterations, {.doc = "Loop agents: rounds", .min = 1});
    v("output_key", c.output_key);
    v("trigger", c.trigger);
    v("notifications", c.notifications);
    v("url", c.url, {.doc = "Remote agents: A2A endpoint"});
    v("agent_card_url", c.agent_card_url);
    v("agent_card_file", c.agent_card_file);
    v("headers", c.headers);
    v("timeout", c.timeout);
    v("credentials", c.credentials);
    v("disallow_transfer_to_parent", c.disallow_transfer_to_parent);
    v("disallow_transfer_to_peers", c.disallow_transfer_to_peers);
}

// ---------------------------------------------------------------- tools
template <class V>
void describe(V& v, ToolConfig& c) {
    v("type", c.type, {.doc = "Tool type (inferred when omitted)", .one_of = {"function", "command", "mcp"}});
    v("enabled", c.enabled);
    v("description", c.description);
    v("require_approval", c.require_approval);
    v("approval_prompt", c.approval_prompt, {.doc = "Approval prompt; {arg} placeholders are filled from arguments"});
    v("internal", c.internal);
    v("handler", c.handler, {.doc = "Built-in handler name (function tools)"});
    v("parameters", c.parameters, {.doc = "JSON Schema override for the tool's parameters"});
    v("working_directory", c.working_directory);
    v("max_execution_time", c.max_execution_time);
    v("allowed_commands", c.allowed_commands);
    v("denied_commands", c.denied_commands);
    v("deny_by_default", c.deny_by_default);
    v("url", c.url, {.doc = "MCP server URL"});
    v("transport", c.transport, {.one_of = {"stdio", "sse", "streamable-http", "http"}});
    v("command", c.command, {.doc = "MCP stdio command"});
    v("args", c.args);
    v("env", c.env);
    v("filter", c.filter);
    v("headers", c.headers);
    v("prefix", c.prefix);
    v("timeout", c.timeout);
}

// ---------------------------------------------------------------- server
template <class V>
void describe(V& v, CorsConfig& c) {
    v("allowed_origins", c.allowed_origins);
    v("allowed_methods", c.allowed_methods);
    v("allowed_headers", c.allowed_headers);
    v("exposed_headers", c.exposed_headers);
    v("max_age", c.max_age, {.min = 0});
    v("allow_credentials", c.allow_credentials);
}

template <class V>
void describe(V& v, AuthConfig& c) {
    v("enabled", c.enabled);
    v("jwks_url", c.jwks_url);
    v("issuer", c.issuer);
    v("audience", c.audience);
    v("client_id", c.client_id);
    v("refresh_interval", c.refresh_interval);
    v("require_auth", c.require_auth);
    v("excluded_paths", c.excluded_paths);
    v("api_keys", c.api_keys, {.secret = true});
    v("app_token_ttl", c.app_token_ttl, {.doc = "Lifetime of app tokens (no exp when unset)"});
}

template <class V>
void describe(V& v, TlsConfig& c) {
    v("enabled", c.enabled);
    v("cert_file", c.cert_file);
    v("key_file", c.key_file);
}

template <class V>
void describe(V& v, StudioConfig& c) {
    v("enabled", c.enabled);
    v("allowed_roles", c.allowed_roles);
    v("config_path", c.config_path);
}

template <class V>
void describe(V& v, ApprovalConfig& c) {
    v("webhook_url", c.webhook_url);
    v("timeout", c.timeout);
}

template <class V>
void describe(V& v, LimitsConfig& c) {
    v("max_body_bytes", c.max_body_bytes, {.doc = "Request body limit (413 above)", .min = 1});
    v("max_header_bytes", c.max_header_bytes, {.doc = "Request header limit (431 above)", .min = 1});
    v("max_json_depth", c.max_json_depth, {.min = 1});
    v("read_timeout", c.read_timeout);
    v("idle_timeout", c.idle_timeout, {.doc = "Keep-alive idle timeout"});
    v("max_id_length", c.max_id_length, {.min = 1});
    v("max_parts", c.max_parts, {.min = 1});
    v("max_push_configs", c.max_push_configs, {.min = 1});
    v("max_subscribers", c.max_subscribers, {.min = 1});
    v("subscriber_queue", c.subscriber_queue, {.min = 1});
    v("write_timeout", c.write_timeout);
    v("max_concurrent_runs", c.max_concurrent_runs, {.min = 1});
    v("max_tool_output_bytes", c.max_tool_output_bytes, {.min = 1});
}

template <class V>
void describe(V& v, OutboundConfig& c) {
    v("allow_private_networks", c.allow_private_networks,
      {.doc = "Let caller-chosen URLs reach loopback and private addresses"});
}

template <class V>
void describe(V& v, LegacyRateLimitConfig& c) {
    v("requests_per_minute", c.requests_per_minute, {.min = 0});
    v("burst", c.burst, {.min = 0});
    v("per_user", c.per_user);
}

template <class V>
void describe(V& v, ServerConfig& c) {
    v("host", c.host);
    v("port", c.port, {.min = 0, .max = 65535});
    v("transport", c.transport, {.one_of = {"json-rpc", "jsonrpc", "http", "grpc"}});
    v("grpc_port", c.grpc_port, {.min = 0, .max = 65535});
    v("tls", c.tls);
    v("cors", c.cors);
    v("auth", c.auth);
    v("studio", c.studio);
    v("approval", c.approval);
    v("limits", c.limits);
    v("outbound", c.outbound);
    v("trusted_proxies", c.trusted_proxies);
    v("public_url", c.public_url, {.doc = "Fixes the base URL of agent cards"});
    v("shutdown_timeout", c.shutdown_timeout, {.doc = "Drain time on SIGTERM/SIGINT"});
    v("rate_limiting", c.rate_limiting, {.doc = "Legacy rate limiting (use the top-level rate_limiting)"});
}

template <class V>
void describe(V& v, LoggerConfig& c) {
    v("level", c.level, {.one_of = {"debug", "info", "warn", "error"}});
    v("file", c.file);
    v("format", c.format, {.one_of = {"simple", "verbose", "json"}});
}

template <class V>
void describe(V& v, DefaultsConfig& c) {
    v("llm", c.llm, {.doc = "Fallback LLM for agents that name none"});
}

// ---------------------------------------------------------------- infrastructure
template <class V>
void describe(V& v, DatabaseConfig& c) {
    v("driver", c.driver, {.one_of = {"sqlite", "postgres", "mysql"}, .aliases = {"type"}});
    v("host", c.host);
    v("port", c.port, {.min = 0, .max = 65535});
    v("database", c.database, {.aliases = {"path", "name"}});
    v("username", c.username, {.aliases = {"user"}});
    v("password", c.password, {.secret = true});
    v("ssl_mode", c.ssl_mode, {.aliases = {"sslmode"}});
    v("max_conns", c.max_conns, {.min = 1, .aliases = {"max_open_conns"}});
    v("max_idle", c.max_idle, {.min = 0, .aliases = {"max_idle_conns"}});
    v("conn_max_lifetime", c.conn_max_lifetime);
    v("conn_max_idle_time", c.conn_max_idle_time);
    v("dsn", c.dsn, {.secret = true});
}

template <class V>
void describe(V& v, StoreBackendConfig& c) {
    v("backend", c.backend, {.one_of = {"inmemory", "memory", "sql"}});
    v("database", c.database);
    v("retention", c.retention, {.doc = "Terminal tasks are purged after this long"});
}

template <class V>
void describe(V& v, ChromemConfig& c) {
    v("persist_path", c.persist_path);
    v("compress", c.compress);
}

template <class V>
void describe(V& v, VectorProviderConfig& c) {
    v("type", c.type);
    v("chromem", c.chromem);
}

template <class V>
void describe(V& v, MemoryConfig& c) {
    v("backend", c.backend, {.one_of = {"keyword", "vector"}, .aliases = {"type"}});
    v("embedder", c.embedder);
    v("vector_provider", c.vector_provider);
}

template <class V>
void describe(V& v, RecoveryConfig& c) {
    v("auto_resume", c.auto_resume);
    v("auto_resume_hitl", c.auto_resume_hitl);
    v("timeout", c.timeout, {.doc = "Checkpoint expiry in seconds", .min = 0});
}

template <class V>
void describe(V& v, CheckpointConfig& c) {
    v("enabled", c.enabled);
    v("strategy", c.strategy, {.one_of = {"event", "interval", "hybrid"}});
    v("interval", c.interval, {.min = 0});
    v("after_tools", c.after_tools);
    v("before_llm", c.before_llm);
    v("recovery", c.recovery);
}

template <class V>
void describe(V& v, StorageConfig& c) {
    v("tasks", c.tasks);
    v("sessions", c.sessions);
    v("memory", c.memory, {.aliases = {"index"}});
    v("checkpoint", c.checkpoint);
}

template <class V>
void describe(V& v, QueueConfig& c) {
    v("workers", c.workers, {.min = 1});
    v("max_retries", c.max_retries, {.min = 0});
    v("retry_backoff", c.retry_backoff);
    v("max_backoff", c.max_backoff);
    v("task_timeout", c.task_timeout);
    v("lease_timeout", c.lease_timeout);
    v("dlq_retention", c.dlq_retention);
}

template <class V>
void describe(V& v, RateLimitRule& c) {
    v("type", c.type, {.one_of = {"count", "token"}});
    v("window", c.window, {.one_of = {"minute", "hour", "day", "week", "month"}});
    v("limit", c.limit, {.min = 1});
}

template <class V>
void describe(V& v, RateLimitingConfig& c) {
    v("enabled", c.enabled);
    v("scope", c.scope, {.one_of = {"session", "user"}});
    v("backend", c.backend, {.one_of = {"memory", "sql"}});
    v("sql_database", c.sql_database);
    v("limits", c.limits);
}

template <class V>
void describe(V& v, TracingConfig& c) {
    v("enabled", c.enabled);
    v("exporter", c.exporter, {.one_of = {"otlp", "jaeger", "zipkin", "stdout"}});
    v("endpoint", c.endpoint);
    v("insecure", c.insecure);
    v("sampling_rate", c.sampling_rate, {.min = 0, .max = 1});
    v("service_name", c.service_name);
    v("service_version", c.service_version);
    v("headers", c.headers, {.secret = true});
    v("capture_payloads", c.capture_payloads);
}

template <class V>
void describe(V& v, MetricsConfig& c) {
    v("enabled", c.enabled);
    v("endpoint", c.endpoint);
    v("namespace", c.namespace_);
    v("subsystem", c.subsystem);
    v("const_labels", c.const_labels);
}

template <class V>
void describe(V& v, ObservabilityConfig& c) {
    v("tracing", c.tracing);
    v("metrics", c.metrics);
}

template <class V>
void describe(V& v, EmbedderConfig& c) {
    v("provider", c.provider, {.one_of = {"openai", "ollama", "cohere"}, .aliases = {"type"}});
    v("model", c.model);
    v("api_key", c.api_key, {.secret = true});
    v("base_url", c.base_url);
    v("dimension", c.dimension, {.min = 0});
    v("timeout", c.timeout, {.doc = "Seconds", .min = 0});
    v("batch_size", c.batch_size, {.min = 1});
    v("encoding_format", c.encoding_format);
    v("input_type", c.input_type);
    v("output_dimension", c.output_dimension, {.min = 0});
    v("truncate", c.truncate);
}

template <class V>
void describe(V& v, VectorStoreConfig& c) {
    v("type", c.type, {.one_of = {"chromem", "qdrant", "pinecone", "weaviate", "milvus", "chroma"}});
    v("persist_path", c.persist_path);
    v("compress", c.compress);
    v("host", c.host);
    v("port", c.port, {.min = 0, .max = 65535});
    v("api_key", c.api_key, {.secret = true});
    v("enable_tls", c.enable_tls);
    v("collection", c.collection);
    v("environment", c.environment);
    v("index_name", c.index_name);
}

template <class V>
void describe(V& v, SqlSourceTable& c) {
    v("table", c.table);
    v("columns", c.columns);
    v("id_column", c.id_column);
    v("updated_column", c.updated_column);
}

template <class V>
void describe(V& v, SqlSourceConfig& c) {
    v("database", c.database);
    v("query", c.query);
    v("id_column", c.id_column);
    v("content_columns", c.content_columns);
    v("metadata_columns", c.metadata_columns);
    v("tables", c.tables);
}

template <class V>
void describe(V& v, ApiSourceConfig& c) {
    v("url", c.url);
    v("method", c.method);
    v("headers", c.headers);
    v("response_path", c.response_path);
    v("id_field", c.id_field);
    v("content_fields", c.content_fields, {.aliases = {"content_field"}});
    v("metadata_fields", c.metadata_fields);
}

template <class V>
void describe(V& v, DocumentSourceConfig& c) {
    v("type", c.type, {.one_of = {"directory", "sql", "api", "collection"}});
    v("path", c.path);
    v("include", c.include);
    v("exclude", c.exclude);
    v("max_file_size", c.max_file_size, {.min = 0});
    v("sql", c.sql);
    v("api", c.api);
    v("collection", c.collection);
}

template <class V>
void describe(V& v, ChunkingConfig& c) {
    v("strategy", c.strategy, {.one_of = {"simple", "overlapping", "semantic", "sentence"}});
    v("size", c.size, {.min = 1});
    v("overlap", c.overlap, {.min = 0});
    v("min_size", c.min_size, {.min = 0});
    v("max_size", c.max_size, {.min = 1});
    v("preserve_words", c.preserve_words);
    v("sentences_per_chunk", c.sentences_per_chunk, {.min = 1});
}

template <class V>
void describe(V& v, DocumentSearchConfig& c) {
    v("top_k", c.top_k, {.min = 1});
    v("threshold", c.threshold, {.min = 0, .max = 1});
    v("enable_hyde", c.enable_hyde);
    v("hyde_llm", c.hyde_llm);
    v("enable_rerank", c.enable_rerank, {.aliases = {"rerank"}});
    v("rerank_llm", c.rerank_llm);
    v("rerank_max_results", c.rerank_max_results, {.min = 1, .aliases = {"rerank_top_k"}});
    v("enable_multi_query", c.enable_multi_query);
    v("multi_query_llm", c.multi_query_llm);
    v("multi_query_count", c.multi_query_count, {.min = 1});
}

template <class V>
void describe(V& v, IndexingRetryConfig& c) {
    v("max_retries", c.max_retries, {.min = 0});
    v("base_delay", c.base_delay);
    v("max_delay", c.max_delay);
}

template <class V>
void describe(V& v, IndexingConfig& c) {
    v("max_concurrent", c.max_concurrent, {.min = 1});
    v("retry", c.retry);
}

template <class V>
void describe(V& v, McpParsersConfig& c) {
    v("tool_names", c.tool_names);
    v("extensions", c.extensions);
    v("priority", c.priority);
    v("path_prefix", c.path_prefix);
}

template <class V>
void describe(V& v, DocumentStoreConfig& c) {
    v("source", c.source);
    v("vector_store", c.vector_store);
    v("embedder", c.embedder);
    v("collection", c.collection);
    v("chunking", c.chunking);
    v("watch", c.watch);
    v("incremental_indexing", c.incremental_indexing);
    v("search", c.search);
    v("indexing", c.indexing);
    v("mcp_parsers", c.mcp_parsers);
    v("description", c.description);
}

// ---------------------------------------------------------------- guardrails
template <class V>
void describe_check(V& v, GuardCheck& c) {
    v("enabled", c.enabled);
    v("action", c.action, {.one_of = {"allow", "block", "modify", "warn"}});
    v("severity", c.severity, {.one_of = {"low", "medium", "high", "critical"}});
}

template <class V>
void describe(V& v, LengthCheck& c) {
    describe_check(v, c);
    v("min_length", c.min_length, {.min = 0});
    v("max_length", c.max_length, {.min = 1});
}

template <class V>
void describe(V& v, InjectionCheck& c) {
    describe_check(v, c);
    v("patterns", c.patterns);
    v("case_sensitive", c.case_sensitive);
}

template <class V>
void describe(V& v, SanitizerCheck& c) {
    describe_check(v, c);
    v("trim_whitespace", c.trim_whitespace);
    v("normalize_unicode", c.normalize_unicode);
    v("strip_html", c.strip_html);
    v("max_length", c.max_length, {.min = 0});
}

template <class V>
void describe(V& v, PatternCheck& c) {
    describe_check(v, c);
    v("patterns", c.patterns);
}

template <class V>
void describe(V& v, PiiCheck& c) {
    describe_check(v, c);
    v("detect_email", c.detect_email);
    v("detect_phone", c.detect_phone);
    v("detect_ssn", c.detect_ssn);
    v("detect_credit_card", c.detect_credit_card);
    v("redact_mode", c.redact_mode, {.one_of = {"mask", "remove", "hash"}});
}

template <class V>
void describe(V& v, ContentCheck& c) {
    describe_check(v, c);
    v("blocked_keywords", c.blocked_keywords);
    v("blocked_patterns", c.blocked_patterns);
}

template <class V>
void describe(V& v, AuthorizationCheck& c) {
    describe_check(v, c);
    v("allowed_tools", c.allowed_tools);
    v("blocked_tools", c.blocked_tools);
}

template <class V>
void describe(V& v, InputGuards& c) {
    v("chain_mode", c.chain_mode, {.one_of = {"fail_fast", "collect_all"}});
    v("length", c.length);
    v("injection", c.injection);
    v("sanitizer", c.sanitizer);
    v("pattern", c.pattern);
}

template <class V>
void describe(V& v, OutputGuards& c) {
    v("chain_mode", c.chain_mode, {.one_of = {"fail_fast", "collect_all"}});
    v("pii", c.pii);
    v("content", c.content);
}

template <class V>
void describe(V& v, ToolGuards& c) {
    v("chain_mode", c.chain_mode, {.one_of = {"fail_fast", "collect_all"}});
    v("authorization", c.authorization);
}

template <class V>
void describe(V& v, GuardrailsConfig& c) {
    v("enabled", c.enabled);
    v("input", c.input);
    v("output", c.output);
    v("tool", c.tool);
}

// ---------------------------------------------------------------- root
template <class V>
void describe(V& v, Config& c) {
    v("version", c.version, {.doc = "Config format version", .one_of = {"2"}});
    v("name", c.name, {.doc = "Project name"});
    v("description", c.description);
    v("defaults", c.defaults);
    v("llms", c.llms, {.doc = "LLM providers by id"});
    v("agents", c.agents, {.doc = "Agents by id", .key_pattern = "^[A-Za-z0-9_-]{1,64}$"});
    v("tools", c.tools, {.doc = "Tools by id"});
    v("databases", c.databases);
    v("embedders", c.embedders);
    v("vector_stores", c.vector_stores);
    v("document_stores", c.document_stores);
    v("guardrails", c.guardrails);
    v("server", c.server);
    v("storage", c.storage);
    v("queue", c.queue);
    v("rate_limiting", c.rate_limiting);
    v("observability", c.observability);
    v("logger", c.logger);
}

}  // namespace hector::config
