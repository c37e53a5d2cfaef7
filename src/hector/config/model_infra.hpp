#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hector/config/types.hpp"

/// Infrastructure and RAG sections of the model (platform.md §1.5, §7.3, §8; server.md §7–14).
namespace hector::config {

using namespace std::chrono_literals;

struct DatabaseConfig {
    std::string driver;  // sqlite | postgres | mysql
    std::string host;
    int port = 0;          // 5432 / 3306 by driver when 0
    std::string database;  // name, or the sqlite file path (alias path)
    std::string username;  // alias user
    std::string password;
    std::string ssl_mode = "disable";
    int max_conns = 25;  // alias max_open_conns
    int max_idle = 5;    // alias max_idle_conns
    Millis conn_max_lifetime = 5min;
    Millis conn_max_idle_time = 1min;
    std::string dsn;
};

// ---------------------------------------------------------------- storage
struct StoreBackendConfig {
    std::string backend;  // inmemory | sql; empty = durable default (DECISIONS 18)
    std::string database;
    Millis retention = 168h;
};

struct ChromemConfig {
    std::string persist_path;
    bool compress = false;
};

struct VectorProviderConfig {
    std::string type = "chromem";
    ChromemConfig chromem;
};

struct MemoryConfig {
    std::string backend = "keyword";  // keyword | vector
    std::string embedder;
    VectorProviderConfig vector_provider;
};

struct RecoveryConfig {
    bool auto_resume = false;
    bool auto_resume_hitl = false;
    int timeout = 3600;  // seconds
};

struct CheckpointConfig {
    bool enabled = false;
    std::string strategy = "event";  // event | interval | hybrid
    int interval = 0;
    bool after_tools = false;
    bool before_llm = false;
    RecoveryConfig recovery;
};

struct StorageConfig {
    StoreBackendConfig tasks;
    StoreBackendConfig sessions;
    MemoryConfig memory;
    CheckpointConfig checkpoint;
};

// ---------------------------------------------------------------- queue (DECISIONS 9)
struct QueueConfig {
    int workers = 4;
    int max_retries = 3;
    Millis retry_backoff = 1s;
    Millis max_backoff = 60s;
    Millis task_timeout = 5min;
    Millis lease_timeout = 60s;
    Millis dlq_retention = 720h;
};

// ---------------------------------------------------------------- rate limiting
struct RateLimitRule {
    std::string type;    // count | token
    std::string window;  // minute | hour | day | week | month
    std::int64_t limit = 0;
    bool operator==(const RateLimitRule&) const = default;
};

struct RateLimitingConfig {
    bool enabled = false;
    std::string scope = "session";   // session | user
    std::string backend = "memory";  // memory | sql
    std::string sql_database;
    std::vector<RateLimitRule> limits;
    bool operator==(const RateLimitingConfig&) const = default;
};

// ---------------------------------------------------------------- observability
struct TracingConfig {
    bool enabled = false;
    std::string exporter = "otlp";                   // otlp | jaeger | zipkin | stdout
    std::string endpoint = "http://localhost:4318";  // OTLP/HTTP (DECISIONS 34)
    bool insecure = false;
    double sampling_rate = 1.0;
    std::string service_name = "hector";
    std::string service_version;
    OrderedMap<std::string> headers;
    bool capture_payloads = false;
    bool operator==(const TracingConfig&) const = default;
};

struct MetricsConfig {
    bool enabled = false;
    std::string endpoint = "/metrics";
    std::string namespace_ = "hector";
    std::string subsystem;
    OrderedMap<std::string> const_labels;
    bool operator==(const MetricsConfig&) const = default;
};

/// `server.observability` and the doubled `observability.observability` of some docs (server.md OQ-21): only the
/// sections actually written are applied, and only where the top-level section is left at its defaults.
struct LegacyObservabilityConfig {
    std::optional<TracingConfig> tracing;
    std::optional<MetricsConfig> metrics;
};

struct ObservabilityConfig {
    TracingConfig tracing;
    MetricsConfig metrics;
    std::optional<LegacyObservabilityConfig> observability;
};

// ---------------------------------------------------------------- remote config source (server.md §15, ext)
struct RemoteConfigSource {
    std::string provider;  // consul | etcd | zookeeper
    std::string address;
    std::string key;
};

// ---------------------------------------------------------------- RAG
struct EmbedderConfig {
    std::string provider = "ollama";  // openai | ollama | cohere
    std::string model;
    std::string api_key;
    std::string base_url;
    int dimension = 0;
    int timeout = 30;  // seconds
    int batch_size = 100;
    std::string encoding_format;
    std::string input_type;
    int output_dimension = 0;
    std::string truncate;
};

struct VectorStoreConfig {
    std::string type = "chromem";  // chromem | qdrant | pinecone | weaviate | milvus | chroma
    std::string persist_path;
    bool compress = false;
    std::string host;
    int port = 0;
    std::string api_key;
    bool enable_tls = false;
    std::string collection;
    std::string environment;
    std::string index_name;
};

struct SqlSourceTable {
    std::string table;
    std::vector<std::string> columns;
    std::string id_column;
    std::string updated_column;
};

struct SqlSourceConfig {
    std::string database;
    std::string query;
    std::string id_column;
    std::vector<std::string> content_columns;
    std::vector<std::string> metadata_columns;
    std::vector<SqlSourceTable> tables;
};

struct ApiSourceConfig {
    std::string url;
    std::string method = "GET";
    OrderedMap<std::string> headers;
    std::string response_path;
    std::string id_field;
    std::vector<std::string> content_fields;  // alias content_field
    std::vector<std::string> metadata_fields;
};

struct DocumentSourceConfig {
    std::string type = "directory";  // directory | sql | api | collection
    std::string path;
    std::vector<std::string> include;
    std::vector<std::string> exclude;
    std::int64_t max_file_size = 10485760;
    SqlSourceConfig sql;
    ApiSourceConfig api;
    std::string collection;
};

struct ChunkingConfig {
    std::string strategy = "simple";  // simple | overlapping | semantic | sentence
    int size = 1000;
    int overlap = 0;
    int min_size = 100;
    int max_size = 2000;
    bool preserve_words = true;
    int sentences_per_chunk = 5;
};

struct DocumentSearchConfig {
    int top_k = 10;
    double threshold = 0.0;
    bool enable_hyde = false;
    std::string hyde_llm;
    bool enable_rerank = false;  // alias rerank
    std::string rerank_llm;
    int rerank_max_results = 20;  // alias rerank_top_k
    bool enable_multi_query = false;
    std::string multi_query_llm;
    int multi_query_count = 3;
};

struct IndexingRetryConfig {
    int max_retries = 3;
    Millis base_delay = 1s;
    Millis max_delay = 30s;
};

struct IndexingConfig {
    int max_concurrent = 8;
    IndexingRetryConfig retry;
};

struct McpParsersConfig {
    std::vector<std::string> tool_names;
    std::vector<std::string> extensions;
    int priority = 8;
    std::string path_prefix;
};

struct DocumentStoreConfig {
    DocumentSourceConfig source;
    std::string vector_store;
    std::string embedder;
    std::string collection;
    ChunkingConfig chunking;
    bool watch = false;
    bool incremental_indexing = false;
    DocumentSearchConfig search;
    IndexingConfig indexing;
    McpParsersConfig mcp_parsers;
    std::string description;
};

// ---------------------------------------------------------------- guardrails (platform.md §7.3)
struct GuardCheck {
    bool enabled = false;
    std::string action;               // allow | block | modify | warn; each check sets its own default
    std::string severity = "medium";  // low | medium | high | critical
};

struct LengthCheck : GuardCheck {
    LengthCheck() { action = "block"; }
    int min_length = 1;
    int max_length = 100000;
};

struct InjectionCheck : GuardCheck {
    InjectionCheck() { action = "block"; }
    std::vector<std::string> patterns;
    bool case_sensitive = false;
};

struct SanitizerCheck : GuardCheck {
    SanitizerCheck() { action = "modify"; }
    bool trim_whitespace = false;
    bool normalize_unicode = false;
    bool strip_html = false;
    int max_length = 0;
};

struct PatternCheck : GuardCheck {
    PatternCheck() { action = "block"; }
    std::vector<std::string> patterns;
};

struct PiiCheck : GuardCheck {
    PiiCheck() { action = "modify"; }
    bool detect_email = true;
    bool detect_phone = true;
    bool detect_ssn = true;
    bool detect_credit_card = true;
    std::string redact_mode = "mask";  // mask | remove | hash
};

struct ContentCheck : GuardCheck {
    ContentCheck() { action = "block"; }
    std::vector<std::string> blocked_keywords;
    std::vector<std::string> blocked_patterns;
};

struct AuthorizationCheck : GuardCheck {
    AuthorizationCheck() { action = "block"; }
    std::vector<std::string> allowed_tools;
    std::vector<std::string> blocked_tools;
};

struct InputGuards {
    std::string chain_mode = "fail_fast";  // fail_fast | collect_all
    LengthCheck length;
    InjectionCheck injection;
    SanitizerCheck sanitizer;
    PatternCheck pattern;
};

struct OutputGuards {
    std::string chain_mode = "fail_fast";
    PiiCheck pii;
    ContentCheck content;
};

struct ToolGuards {
    std::string chain_mode = "fail_fast";
    AuthorizationCheck authorization;
};

struct GuardrailsConfig {
    bool enabled = true;
    InputGuards input;
    OutputGuards output;
    ToolGuards tool;
};

}  // namespace hector::config
