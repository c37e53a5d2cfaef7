#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hector/config/model_infra.hpp"
#include "hector/config/types.hpp"

/// The typed configuration model. Defaults live here, in the member initialisers, and nowhere else; defaults that
/// depend on other fields (an agent's name, an LLM's model) are filled in by finalize() in defaults.cpp.
/// Each struct is described field by field in detail/describe.hpp, which drives YAML loading, the JSON Schema and
/// printing from the same list.
namespace hector::config {

using namespace std::chrono_literals;

// ---------------------------------------------------------------- LLMs
struct ThinkingConfig {
    bool enabled = false;
    int budget_tokens = 0;
};

struct LlmConfig {
    std::string provider;  // openai | anthropic | gemini | ollama | echo; inferred when empty
    std::string model;
    std::string api_key;
    std::string base_url;
    std::optional<double> temperature;  // 0.7 when unset (provider may override, e.g. Anthropic thinking)
    int max_tokens = 4096;
    int max_tool_output_length = 0;
    ThinkingConfig thinking;
    Millis timeout = 120s;
    int max_retries = 3;
    OrderedMap<std::string> headers;
    std::optional<bool> streaming;  // false: never use the provider's streaming API; unset: the agent decides
};

// ---------------------------------------------------------------- agents
struct PromptConfig {
    std::string system_prompt;
    std::string role;
    std::string guidance;
};

struct SkillConfig {
    std::string id;
    std::string name;
    std::string description;
    std::vector<std::string> tags;
    std::vector<std::string> examples;
    std::vector<std::string> input_modes;
    std::vector<std::string> output_modes;
};

struct ContextConfig {
    std::string strategy = "none";  // none | buffer_window | token_window | summary_buffer
    int window_size = 20;
    int budget = 8000;
    int preserve_recent = 5;
    double threshold = 0.85;
    double target = 0.7;
    std::string summarizer_llm;
};

struct ReasoningConfig {
    int max_iterations = 100;
    bool enable_exit_tool = false;
    bool enable_escalate_tool = false;
    std::vector<std::string> termination_conditions{"no_tool_calls", "escalate", "transfer"};
    std::string completion_instruction;
};

struct StructuredOutputConfig {
    Json schema;
    bool strict = true;
    std::string name = "response";
};

struct AgentSearchConfig {
    bool enabled = false;
    int max_results = 5;
};

struct ExtractField {
    std::string path;
    std::string as;
};

struct WebhookInputConfig {
    std::string template_;
    std::vector<ExtractField> extract_fields;
};

struct WebhookResponseConfig {
    std::string mode = "sync";  // sync | async | callback
    Millis timeout = 30s;
    std::string callback_field = "callback_url";
};

struct TriggerConfig {
    std::string type;  // schedule | webhook
    bool enabled = true;
    std::string cron;
    std::string timezone = "UTC";
    Json input;
    std::string path;
    std::vector<std::string> methods{"POST"};
    std::string secret;
    std::string signature_header = "X-Webhook-Signature";
    WebhookInputConfig webhook_input;
    WebhookResponseConfig response;
};

struct NotificationPayload {
    std::string template_;
};

struct RetryConfig {
    int max_attempts = 3;
    Millis initial_delay = 1s;
    Millis max_delay = 30s;
};

struct NotificationConfig {
    std::string id;
    std::string type = "webhook";
    std::string url;
    bool enabled = true;
    std::vector<std::string> events;
    OrderedMap<std::string> headers;
    NotificationPayload payload;
    RetryConfig retry;
};

struct RemoteCredentials {
    std::string type;  // bearer | api_key | basic
    std::string token;
    std::string api_key;
    std::string api_key_header;
    std::string username;
    std::string password;
};

struct AgentConfig {
    std::string type = "llm";  // llm | sequential | parallel | loop | runner | remote
    std::string name;          // defaults to the id
    std::string description;   // auto-generated when empty
    std::string version;       // card version, "1.0.0" when empty
    std::string llm;
    std::string instruction;
    std::string global_instruction;
    PromptConfig prompt;
    std::optional<std::vector<std::string>> tools;  // absent = all enabled, [] = none
    std::vector<std::string> sub_agents;
    std::vector<std::string> agent_tools;
    bool streaming = true;
    std::string visibility = "public";  // public | internal | private
    std::vector<SkillConfig> skills;
    std::vector<std::string> input_modes{"text/plain"};
    std::vector<std::string> output_modes{"text/plain"};
    ContextConfig context;
    ReasoningConfig reasoning;
    std::optional<StructuredOutputConfig> structured_output;
    std::optional<std::vector<std::string>> document_stores;  // absent = all, [] = none
    bool include_context = false;
    int include_context_limit = 5;
    int include_context_max_length = 500;
    std::string guardrails;
    AgentSearchConfig search;
    std::optional<int> max_iterations;
    std::string output_key;
    std::optional<TriggerConfig> trigger;
    std::vector<NotificationConfig> notifications;
    // remote agents
    std::string url;
    std::string agent_card_url;
    std::string agent_card_file;
    OrderedMap<std::string> headers;
    Millis timeout = 30s;
    RemoteCredentials credentials;
    // transfer options (builder extension)
    bool disallow_transfer_to_parent = false;
    bool disallow_transfer_to_peers = false;
    // Children written inside this agent; finalize() moves them to the top level and makes them sub-agents.
    NestedMap<AgentConfig> agents;
};

// ---------------------------------------------------------------- tools
struct ToolConfig {
    std::string type;  // function | command | mcp; inferred when empty
    bool enabled = true;
    std::string description;
    std::optional<bool> require_approval;
    std::string approval_prompt;
    bool internal = false;
    std::string handler;
    Json parameters;
    // command tools and the file-tool root
    std::string working_directory = "./";
    std::optional<Millis> max_execution_time;
    std::vector<std::string> allowed_commands;
    std::vector<std::string> denied_commands;
    bool deny_by_default = false;
    // mcp
    std::string url;
    std::string transport;  // stdio | sse | streamable-http
    std::string command;
    std::vector<std::string> args;
    OrderedMap<std::string> env;
    std::vector<std::string> filter;
    OrderedMap<std::string> headers;
    std::string prefix;
    Millis timeout = 30s;
};

// ---------------------------------------------------------------- server
struct CorsConfig {
    std::vector<std::string> allowed_origins{"*"};
    std::vector<std::string> allowed_methods{"GET", "POST", "PUT", "DELETE", "OPTIONS"};
    std::vector<std::string> allowed_headers{"Content-Type", "Authorization", "Last-Event-ID",
                                             "X-Request-ID", "X-Session-ID",  "A2A-Extensions"};
    std::vector<std::string> exposed_headers{"X-Request-ID", "X-RateLimit-Limit", "X-RateLimit-Remaining",
                                             "X-RateLimit-Reset", "Retry-After"};
    int max_age = 0;
    bool allow_credentials = false;
};

struct AuthConfig {
    bool enabled = false;
    std::string jwks_url;
    std::string issuer;
    std::string audience;
    std::string client_id;
    Millis refresh_interval = 15min;
    bool require_auth = true;
    std::vector<std::string> excluded_paths{"/health", "/.well-known/agent-card.json"};
    std::vector<std::string> api_keys;
    std::optional<Millis> app_token_ttl;
};

struct TlsConfig {
    bool enabled = false;
    std::string cert_file;
    std::string key_file;
};

struct StudioConfig {
    bool enabled = false;
    std::vector<std::string> allowed_roles{"operator", "admin"};
    std::string config_path;
};

struct ApprovalConfig {
    std::string webhook_url;
    Millis timeout = 300s;
};

/// DECISIONS 27.
struct LimitsConfig {
    std::int64_t max_body_bytes = 10 * 1024 * 1024;
    std::int64_t max_header_bytes = 16 * 1024;
    int max_json_depth = 64;
    Millis read_timeout = 30s;
    Millis idle_timeout = 60s;
    int max_id_length = 256;
    int max_parts = 100;
    int max_push_configs = 10;
    int max_subscribers = 64;
    int subscriber_queue = 1024;
    Millis write_timeout = 30s;
    int max_concurrent_runs = 256;
    std::int64_t max_tool_output_bytes = 1024 * 1024;
};

struct OutboundConfig {
    bool allow_private_networks = false;
};

struct LegacyRateLimitConfig {
    std::optional<bool> enabled;  // unset = on when requests_per_minute is set
    int requests_per_minute = 0;
    int burst = 0;
    bool per_user = false;
};

struct ServerConfig {
    std::string host = "0.0.0.0";
    int port = 8080;
    std::string transport = "json-rpc";
    int grpc_port = 50051;
    TlsConfig tls;
    CorsConfig cors;
    AuthConfig auth;
    StudioConfig studio;
    ApprovalConfig approval;
    LimitsConfig limits;
    OutboundConfig outbound;
    std::vector<std::string> trusted_proxies{"127.0.0.0/8", "::1/128"};
    std::string public_url;
    Millis shutdown_timeout = 30s;
    std::optional<LegacyRateLimitConfig> rate_limiting;      // legacy spelling of the top-level rate_limiting
    std::optional<LegacyObservabilityConfig> observability;  // legacy spelling of the top-level observability
};

// ---------------------------------------------------------------- logger
struct LoggerConfig {
    std::string level = "info";
    std::string file;
    std::string format = "simple";
};

struct DefaultsConfig {
    std::string llm;
};

// ---------------------------------------------------------------- the whole file
struct Config {
    std::string version = "2";
    std::string name;
    std::string description;
    DefaultsConfig defaults;
    OrderedMap<LlmConfig> llms;
    OrderedMap<AgentConfig> agents;
    OrderedMap<ToolConfig> tools;
    OrderedMap<DatabaseConfig> databases;
    OrderedMap<EmbedderConfig> embedders;
    OrderedMap<VectorStoreConfig> vector_stores;
    OrderedMap<DocumentStoreConfig> document_stores;
    OrderedMap<GuardrailsConfig> guardrails;
    ServerConfig server;
    StorageConfig storage;
    QueueConfig queue;
    RateLimitingConfig rate_limiting;
    ObservabilityConfig observability;
    LoggerConfig logger;
    std::optional<RemoteConfigSource> config;
};

}  // namespace hector::config
