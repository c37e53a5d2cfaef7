#pragma once

// Field descriptions of the infrastructure sections: server, databases, storage, queue, rate limiting,
// observability, logger (platform.md §1.5, server.md §3, §7–§15, DECISIONS 9, 27, 28, 31). See describe.hpp.

#include "hector/config/detail/field.hpp"
#include "hector/config/model.hpp"

namespace hector::config {

using detail::FieldOpts;

// ---------------------------------------------------------------- server
template <class V>
void describe(V& v, CorsConfig& c) {
    v("allowed_origins", c.allowed_origins, {.doc = "Origins allowed to call the server; * = any"});
    v("allowed_methods", c.allowed_methods, {.doc = "Methods allowed in preflight answers"});
    v("allowed_headers", c.allowed_headers, {.doc = "Request headers allowed in preflight answers"});
    v("exposed_headers", c.exposed_headers, {.doc = "Response headers readable by browsers"});
    v("max_age", c.max_age, {.doc = "Seconds a preflight answer may be cached (0 = not sent)", .min = 0});
    v("allow_credentials", c.allow_credentials,
      {.doc = "Allow cookies and auth headers; the origin is then echoed instead of *"});
}

template <class V>
void describe(V& v, AuthConfig& c) {
    v("enabled", c.enabled, {.doc = "Turn on JWT (JWKS) and API-key authentication"});
    v("jwks_url", c.jwks_url, {.doc = "JWKS URL of the identity provider (with issuer and audience)"});
    v("issuer", c.issuer, {.doc = "Expected iss claim"});
    v("audience", c.audience, {.doc = "Expected aud claim"});
    v("client_id", c.client_id, {.doc = "OAuth client id, only reported in /health"});
    v("refresh_interval", c.refresh_interval, {.doc = "How often the JWKS is fetched again"});
    v("require_auth", c.require_auth, {.doc = "Anonymous requests to non-excluded paths get 401"});
    v("excluded_paths", c.excluded_paths,
      {.doc = "Paths that never need a token; exact match, or a prefix when ending in /*"});
    v("api_keys", c.api_keys, {.doc = "Static bearer tokens accepted as service credentials", .secret = true});
    v("app_token_ttl", c.app_token_ttl, {.doc = "Lifetime of issued app tokens (no exp claim when unset)"});
}

template <class V>
void describe(V& v, TlsConfig& c) {
    v("enabled", c.enabled, {.doc = "Serve HTTPS directly (a proxy usually terminates TLS)"});
    v("cert_file", c.cert_file, {.doc = "PEM certificate chain"});
    v("key_file", c.key_file, {.doc = "PEM private key"});
}

template <class V>
void describe(V& v, StudioConfig& c) {
    v("enabled", c.enabled, {.doc = "Serve /api/config for editing the config over HTTP (implies watch)"});
    v("allowed_roles", c.allowed_roles, {.doc = "Token roles allowed to use the studio API"});
    v("config_path", c.config_path, {.doc = "File the studio writes (default: the loaded config file)"});
}

template <class V>
void describe(V& v, ApprovalConfig& c) {
    v("webhook_url", c.webhook_url, {.doc = "Ask this URL to approve tool calls instead of the client"});
    v("timeout", c.timeout, {.doc = "Wait for the webhook's answer; a timeout denies"});
}

template <class V>
void describe(V& v, LimitsConfig& c) {
    v("max_body_bytes", c.max_body_bytes, {.doc = "Request body limit (413 above)", .min = 1});
    v("max_header_bytes", c.max_header_bytes, {.doc = "Request header limit (431 above)", .min = 1});
    v("max_json_depth", c.max_json_depth, {.doc = "Nesting limit of request JSON", .min = 1, .max = 512});
    v("read_timeout", c.read_timeout, {.doc = "Time to read one request"});
    v("idle_timeout", c.idle_timeout, {.doc = "Keep-alive idle timeout"});
    v("max_id_length", c.max_id_length, {.doc = "Longest contextId, taskId, messageId or X-Request-ID", .min = 1});
    v("max_parts", c.max_parts, {.doc = "Parts per message", .min = 1});
    v("max_push_configs", c.max_push_configs, {.doc = "Push notification configs per task", .min = 1});
    v("max_subscribers", c.max_subscribers, {.doc = "SSE subscribers per task", .min = 1});
    v("subscriber_queue", c.subscriber_queue,
      {.doc = "Events queued per SSE subscriber; one that falls further behind is dropped (its stream ends with an "
              "error event), never the task",
       .min = 1});
    v("write_timeout", c.write_timeout, {.doc = "Time allowed for one write to a subscriber"});
    v("max_concurrent_runs", c.max_concurrent_runs,
      {.doc = "Interactive runs per instance before 503 + Retry-After", .min = 1});
    v("max_tool_output_bytes", c.max_tool_output_bytes, {.doc = "Tool output captured before truncation", .min = 1});
}

template <class V>
void describe(V& v, OutboundConfig& c) {
    v("allow_private_networks", c.allow_private_networks,
      {.doc = "Let caller- or model-chosen URLs reach loopback and private addresses"});
}

template <class V>
void describe(V& v, LegacyRateLimitConfig& c) {
    v("enabled", c.enabled, {.doc = "false turns the legacy limit off"});
    v("requests_per_minute", c.requests_per_minute, {.doc = "Requests allowed per minute", .min = 0});
    v("burst", c.burst, {.doc = "Extra requests allowed on top of requests_per_minute", .min = 0});
    v("per_user", c.per_user, {.doc = "Limit per authenticated user instead of per session"});
}

template <class V>
void describe(V& v, LegacyObservabilityConfig& c) {
    v("tracing", c.tracing,
      {.doc = "Same as the top-level observability.tracing",
       .schema_ref = "#/properties/observability/properties/tracing"});
    v("metrics", c.metrics,
      {.doc = "Same as the top-level observability.metrics",
       .schema_ref = "#/properties/observability/properties/metrics"});
}

template <class V>
void describe(V& v, ServerConfig& c) {
    v("host", c.host, {.doc = "Bind address"});
    v("port", c.port, {.doc = "HTTP port (0 = any free port)", .min = 0, .max = 65535});
    v("transport", c.transport,
      {.doc = "A2A binding; jsonrpc and http mean json-rpc", .one_of = {"json-rpc", "jsonrpc", "http", "grpc"}});
    v("grpc_port", c.grpc_port, {.doc = "grpc transport: port", .min = 0, .max = 65535});
    v("tls", c.tls, {.doc = "Native TLS"});
    v("cors", c.cors, {.doc = "Cross-origin requests"});
    v("auth", c.auth, {.doc = "Authentication"});
    v("studio", c.studio, {.doc = "Config editing over HTTP"});
    v("approval", c.approval, {.doc = "Tool approval webhook"});
    v("limits", c.limits, {.doc = "Request and resource limits"});
    v("outbound", c.outbound, {.doc = "Outbound requests to caller-chosen URLs"});
    v("trusted_proxies", c.trusted_proxies, {.doc = "CIDRs whose X-Forwarded-* headers are honoured"});
    v("public_url", c.public_url, {.doc = "Base URL used in agent cards instead of the request's host"});
    v("shutdown_timeout", c.shutdown_timeout, {.doc = "Drain time on SIGTERM/SIGINT"});
    v("rate_limiting", c.rate_limiting, {.doc = "Legacy rate limiting; prefer the top-level rate_limiting"});
    v("observability", c.observability, {.doc = "Legacy place of the top-level observability section"});
}

template <class V>
void describe(V& v, LoggerConfig& c) {
    v("level", c.level, {.doc = "Lowest level logged", .one_of = {"debug", "info", "warn", "error"}});
    v("file", c.file, {.doc = "Log file (default: stderr)"});
    v("format", c.format, {.doc = "Line format", .one_of = {"simple", "verbose", "json"}});
}

template <class V>
void describe(V& v, DefaultsConfig& c) {
    v("llm", c.llm, {.doc = "LLM used by agents that name none"});
}

template <class V>
void describe(V& v, RemoteConfigSource& c) {
    v("provider", c.provider, {.doc = "Key-value store holding the config", .one_of = {"consul", "etcd", "zookeeper"}});
    v("address", c.address, {.doc = "Address of the store"});
    v("key", c.key, {.doc = "Key of the config document"});
}

// ---------------------------------------------------------------- databases and storage
template <class V>
void describe(V& v, DatabaseConfig& c) {
    v("driver", c.driver,
      {.doc = "Database engine", .one_of = {"sqlite", "postgres", "mysql"}, .aliases = {"type"}, .required = true});
    v("host", c.host, {.doc = "Server host"});
    v("port", c.port, {.doc = "Server port (default 5432 postgres, 3306 mysql)", .min = 0, .max = 65535});
    v("database", c.database,
      {.doc = "Database name, or the sqlite file (created on demand); required unless dsn is given",
       .aliases = {"path", "name"}});
    v("username", c.username, {.doc = "User name", .aliases = {"user"}});
    v("password", c.password, {.doc = "Password", .secret = true});
    v("ssl_mode", c.ssl_mode, {.doc = "postgres sslmode", .aliases = {"sslmode"}});
    v("max_conns", c.max_conns, {.doc = "Open connections in the pool", .min = 1, .aliases = {"max_open_conns"}});
    v("max_idle", c.max_idle, {.doc = "Idle connections kept", .min = 0, .aliases = {"max_idle_conns"}});
    v("conn_max_lifetime", c.conn_max_lifetime, {.doc = "Connections are replaced after this long"});
    v("conn_max_idle_time", c.conn_max_idle_time, {.doc = "Idle connections are closed after this long"});
    v("dsn", c.dsn, {.doc = "Connection string; overrides the discrete fields", .secret = true});
}

template <class V>
void describe(V& v, StoreBackendConfig& c) {
    v("backend", c.backend,
      {.doc = "inmemory (lost on restart) or sql; default sql on the implicit .hector/hector.db",
       .one_of = {"inmemory", "memory", "sql"}});
    v("database", c.database, {.doc = "sql: databases id (default: the only database, else .hector/hector.db)"});
    v("retention", c.retention,
      {.doc = "tasks: terminal tasks are purged after this long; sessions (inmemory): conversations not written to for "
              "this long are dropped"});
}

template <class V>
void describe(V& v, ChromemConfig& c) {
    v("persist_path", c.persist_path, {.doc = "Directory of the embedded store (in memory when empty)"});
    v("compress", c.compress, {.doc = "Gzip the stored files"});
}

template <class V>
void describe(V& v, VectorProviderConfig& c) {
    v("type", c.type, {.doc = "Vector store of the memory index", .one_of = {"chromem"}});
    v("chromem", c.chromem, {.doc = "Embedded store settings"});
}

template <class V>
void describe(V& v, MemoryConfig& c) {
    v("backend", c.backend,
      {.doc = "keyword: word overlap; vector: embeddings", .one_of = {"keyword", "vector"}, .aliases = {"type"}});
    v("embedder", c.embedder, {.doc = "vector: embedder id (default: the first embedder)"});
    v("vector_provider", c.vector_provider, {.doc = "vector: where the embeddings live"});
}

template <class V>
void describe(V& v, RecoveryConfig& c) {
    v("auto_resume", c.auto_resume, {.doc = "Resume interrupted tasks at start-up instead of failing them"});
    v("auto_resume_hitl", c.auto_resume_hitl,
      {.doc = "Also resume input-required tasks whose decision is already in the session"});
    v("timeout", c.timeout, {.doc = "Checkpoints older than this many seconds expire", .min = 0});
}

template <class V>
void describe(V& v, CheckpointConfig& c) {
    v("enabled", c.enabled, {.doc = "Write checkpoints so interrupted tasks can resume"});
    v("strategy", c.strategy,
      {.doc = "event: after each agent turn; interval: every N iterations as well; hybrid: both",
       .one_of = {"event", "interval", "hybrid"}});
    v("interval", c.interval, {.doc = "interval, hybrid: iterations between checkpoints", .min = 0});
    v("after_tools", c.after_tools, {.doc = "Also checkpoint after tool calls"});
    v("before_llm", c.before_llm, {.doc = "Also checkpoint before LLM calls"});
    v("recovery", c.recovery, {.doc = "What happens to interrupted tasks at start-up"});
}

template <class V>
void describe(V& v, StorageConfig& c) {
    v("tasks", c.tasks, {.doc = "Task store"});
    v("sessions", c.sessions, {.doc = "Session store (also holds apps, queue, keys and SQL rate-limit counters)"});
    v("memory", c.memory, {.doc = "Cross-session memory index", .aliases = {"index"}});
    v("checkpoint", c.checkpoint, {.doc = "Checkpointing and recovery"});
}

template <class V>
void describe(V& v, QueueConfig& c) {
    v("workers", c.workers, {.doc = "Background jobs run at once per instance", .min = 1});
    v("max_retries", c.max_retries, {.doc = "Retries of a failed background job", .min = 0});
    v("retry_backoff", c.retry_backoff, {.doc = "First retry delay; doubles after each retry"});
    v("max_backoff", c.max_backoff, {.doc = "Upper bound of the retry delay"});
    v("task_timeout", c.task_timeout, {.doc = "Limit of one attempt"});
    v("lease_timeout", c.lease_timeout, {.doc = "A job whose heartbeat stops this long goes back to pending"});
    v("dlq_retention", c.dlq_retention, {.doc = "Dead-letter items are purged after this long"});
}

// ---------------------------------------------------------------- rate limiting and observability
template <class V>
void describe(V& v, RateLimitRule& c) {
    v("type", c.type, {.doc = "count: agent invocations; token: LLM tokens", .one_of = {"count", "token"}});
    v("window", c.window, {.doc = "Fixed UTC calendar window", .one_of = {"minute", "hour", "day", "week", "month"}});
    v("limit", c.limit, {.doc = "Allowed per window", .min = 1});
}

template <class V>
void describe(V& v, RateLimitingConfig& c) {
    v("enabled", c.enabled, {.doc = "Enforce the limits (429 when exceeded)"});
    v("scope", c.scope,
      {.doc = "session: per X-Session-ID/contextId; user: per authenticated user", .one_of = {"session", "user"}});
    v("backend", c.backend, {.doc = "memory: per instance; sql: shared by all instances", .one_of = {"memory", "sql"}});
    v("sql_database", c.sql_database, {.doc = "sql: databases id (default: the sessions database)"});
    v("limits", c.limits, {.doc = "Limits; the tightest one is reported in X-RateLimit-* headers"});
}

template <class V>
void describe(V& v, TracingConfig& c) {
    v("enabled", c.enabled, {.doc = "Export traces"});
    v("exporter", c.exporter, {.doc = "Trace exporter", .one_of = {"otlp", "jaeger", "zipkin", "stdout"}});
    v("endpoint", c.endpoint, {.doc = "Collector URL; otlp is exported as OTLP/HTTP JSON (port 4318, not 4317)"});
    v("insecure", c.insecure, {.doc = "Skip TLS certificate checks"});
    v("sampling_rate", c.sampling_rate, {.doc = "Fraction of traces kept", .min = 0, .max = 1});
    v("service_name", c.service_name, {.doc = "service.name resource attribute"});
    v("service_version", c.service_version, {.doc = "service.version resource attribute"});
    v("headers", c.headers, {.doc = "Extra headers sent to the collector", .secret = true});
    v("capture_payloads", c.capture_payloads, {.doc = "Record prompts and responses on spans"});
}

template <class V>
void describe(V& v, MetricsConfig& c) {
    v("enabled", c.enabled, {.doc = "Serve Prometheus metrics"});
    v("endpoint", c.endpoint, {.doc = "Path of the metrics page"});
    v("namespace", c.namespace_, {.doc = "Metric name prefix"});
    v("subsystem", c.subsystem, {.doc = "Second prefix: <namespace>_<subsystem>_"});
    v("const_labels", c.const_labels, {.doc = "Labels added to every series"});
}

template <class V>
void describe(V& v, ObservabilityConfig& c) {
    v("tracing", c.tracing, {.doc = "Distributed tracing"});
    v("metrics", c.metrics, {.doc = "Prometheus metrics"});
    v("observability", c.observability, {.doc = "Doubled spelling found in some docs; same as this section"});
}

}  // namespace hector::config
