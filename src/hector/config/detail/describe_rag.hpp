#pragma once

// Field descriptions of the RAG sections (platform.md §8) and guardrails (§7.3). See describe.hpp.

#include "hector/config/detail/field.hpp"
#include "hector/config/model.hpp"

namespace hector::config {

using detail::FieldOpts;

// ---------------------------------------------------------------- embedders and vector stores
template <class V>
void describe(V& v, EmbedderConfig& c) {
    v("provider", c.provider,
      {.doc = "Embedding provider", .one_of = {"openai", "ollama", "cohere"}, .aliases = {"type"}});
    v("model", c.model,
      {.doc = "Model (default text-embedding-3-small, nomic-embed-text or embed-english-v3.0 by provider)"});
    v("api_key", c.api_key, {.doc = "API key (default OPENAI_API_KEY or COHERE_API_KEY)", .secret = true});
    v("base_url", c.base_url, {.doc = "API base URL (default per provider)"});
    v("dimension", c.dimension, {.doc = "Vector size (0 = detected from the first embedding)", .min = 0});
    v("timeout", c.timeout, {.doc = "Request timeout in seconds", .min = 0});
    v("batch_size", c.batch_size, {.doc = "Texts embedded per request", .min = 1});
    v("encoding_format", c.encoding_format, {.doc = "openai: response encoding", .one_of = {"float", "base64"}});
    v("input_type", c.input_type,
      {.doc = "cohere: purpose of the texts",
       .one_of = {"search_document", "search_query", "classification", "clustering", "image"}});
    v("output_dimension", c.output_dimension, {.doc = "cohere: requested vector size (0 = model default)", .min = 0});
    v("truncate", c.truncate, {.doc = "cohere: how over-long texts are cut", .one_of = {"NONE", "START", "END"}});
}

template <class V>
void describe(V& v, VectorStoreConfig& c) {
    v("type", c.type,
      {.doc = "chromem is embedded and file-persisted; the others are servers",
       .one_of = {"chromem", "qdrant", "pinecone", "weaviate", "milvus", "chroma"}});
    v("persist_path", c.persist_path, {.doc = "chromem: directory (in memory when empty)"});
    v("compress", c.compress, {.doc = "chromem: gzip the stored files"});
    v("host", c.host, {.doc = "Server host"});
    v("port", c.port,
      {.doc = "Server port (default qdrant 6333, weaviate 8080, milvus 19530, chroma 8000)", .min = 0, .max = 65535});
    v("api_key", c.api_key, {.doc = "Server API key", .secret = true});
    v("enable_tls", c.enable_tls, {.doc = "Connect with TLS"});
    v("collection", c.collection, {.doc = "Default collection"});
    v("environment", c.environment, {.doc = "pinecone: environment"});
    v("index_name", c.index_name, {.doc = "pinecone: index"});
}

// ---------------------------------------------------------------- document stores
template <class V>
void describe(V& v, SqlSourceTable& c) {
    v("table", c.table, {.doc = "Table name"});
    v("columns", c.columns, {.doc = "Columns indexed as content"});
    v("id_column", c.id_column, {.doc = "Primary key column"});
    v("updated_column", c.updated_column, {.doc = "Modification time column, for incremental sync"});
}

template <class V>
void describe(V& v, SqlSourceConfig& c) {
    v("database", c.database, {.doc = "databases id (required)"});
    v("query", c.query, {.doc = "Query returning one document per row (or use tables)"});
    v("id_column", c.id_column, {.doc = "query: column identifying a row"});
    v("content_columns", c.content_columns, {.doc = "query: columns joined into the text"});
    v("metadata_columns", c.metadata_columns, {.doc = "query: columns kept as metadata"});
    v("tables", c.tables, {.doc = "Tables synced incrementally (instead of query)"});
}

template <class V>
void describe(V& v, ApiSourceConfig& c) {
    v("url", c.url, {.doc = "Endpoint returning the documents (required)"});
    v("method", c.method, {.doc = "HTTP method", .one_of = {"GET", "POST"}});
    v("headers", c.headers, {.doc = "Request headers"});
    v("response_path", c.response_path, {.doc = "Dotted path of the document array in the response"});
    v("id_field", c.id_field, {.doc = "Field identifying a document"});
    v("content_fields", c.content_fields, {.doc = "Fields joined into the text", .aliases = {"content_field"}});
    v("metadata_fields", c.metadata_fields, {.doc = "Fields kept as metadata"});
}

template <class V>
void describe(V& v, DocumentSourceConfig& c) {
    v("type", c.type, {.doc = "Where documents come from", .one_of = {"directory", "sql", "api", "collection"}});
    v("path", c.path, {.doc = "directory: folder to index (required)"});
    v("include", c.include, {.doc = "directory: glob patterns to index (default: text, code, pdf, docx, xlsx)"});
    v("exclude", c.exclude, {.doc = "directory: glob patterns to skip (added to .*, node_modules, vendor, ...)"});
    v("max_file_size", c.max_file_size, {.doc = "directory: larger files are skipped (bytes)", .min = 0});
    v("sql", c.sql, {.doc = "sql: query or tables"});
    v("api", c.api, {.doc = "api: REST endpoint"});
    v("collection", c.collection, {.doc = "collection: existing collection searched without indexing"});
}

template <class V>
void describe(V& v, ChunkingConfig& c) {
    v("strategy", c.strategy,
      {.doc = "simple: fixed size; overlapping: fixed size with overlap; semantic: paragraph/heading/sentence "
              "boundaries; sentence: N sentences",
       .one_of = {"simple", "overlapping", "semantic", "sentence"}});
    v("size", c.size, {.doc = "Target chunk size in characters", .min = 1});
    v("overlap", c.overlap, {.doc = "Characters shared by neighbouring chunks (below size)", .min = 0});
    v("min_size", c.min_size, {.doc = "semantic: smallest chunk", .min = 0});
    v("max_size", c.max_size, {.doc = "semantic: largest chunk", .min = 1});
    v("preserve_words", c.preserve_words, {.doc = "Never cut inside a word"});
    v("sentences_per_chunk", c.sentences_per_chunk, {.doc = "sentence: sentences per chunk", .min = 1});
}

template <class V>
void describe(V& v, DocumentSearchConfig& c) {
    v("top_k", c.top_k, {.doc = "Results returned", .min = 1});
    v("threshold", c.threshold, {.doc = "Minimum similarity of a result", .min = 0, .max = 1});
    v("enable_hyde", c.enable_hyde, {.doc = "Search with the embedding of an LLM-drafted answer (needs hyde_llm)"});
    v("hyde_llm", c.hyde_llm, {.doc = "LLM id drafting HyDE answers"});
    v("enable_rerank", c.enable_rerank, {.doc = "Let an LLM rescore the candidates", .aliases = {"rerank"}});
    v("rerank_llm", c.rerank_llm, {.doc = "LLM id for reranking (default: the agent's)"});
    v("rerank_max_results", c.rerank_max_results,
      {.doc = "Candidates passed to the reranker", .min = 1, .aliases = {"rerank_top_k"}});
    v("enable_multi_query", c.enable_multi_query, {.doc = "Also search with LLM-written query variants"});
    v("multi_query_llm", c.multi_query_llm, {.doc = "LLM id writing query variants (default: the agent's)"});
    v("multi_query_count", c.multi_query_count, {.doc = "Query variants", .min = 1});
}

template <class V>
void describe(V& v, IndexingRetryConfig& c) {
    v("max_retries", c.max_retries, {.doc = "Retries of a document that failed to index", .min = 0});
    v("base_delay", c.base_delay, {.doc = "First retry delay; doubles after each retry"});
    v("max_delay", c.max_delay, {.doc = "Upper bound of the retry delay"});
}

template <class V>
void describe(V& v, IndexingConfig& c) {
    v("max_concurrent", c.max_concurrent, {.doc = "Documents indexed at once", .min = 1});
    v("retry", c.retry, {.doc = "Retries of failed documents"});
}

template <class V>
void describe(V& v, McpParsersConfig& c) {
    v("tool_names", c.tool_names, {.doc = "MCP tools that convert a file to text, tried in order"});
    v("extensions", c.extensions, {.doc = "File extensions sent to them (e.g. .pdf)"});
    v("priority", c.priority, {.doc = "Parser priority (native parsers 5, plain text 1)", .min = 0});
    v("path_prefix", c.path_prefix, {.doc = "Folder the MCP server sees the documents under"});
}

template <class V>
void describe(V& v, DocumentStoreConfig& c) {
    v("source", c.source, {.doc = "Where the documents come from", .required = true});
    v("vector_store", c.vector_store,
      {.doc = "vector_stores id (default: the first one, else an embedded store in .hector/vectors)"});
    v("embedder", c.embedder, {.doc = "embedders id (default: the first one)"});
    v("collection", c.collection, {.doc = "Collection name (default: the store id)"});
    v("chunking", c.chunking, {.doc = "How documents are split"});
    v("watch", c.watch, {.doc = "Re-index files as they change"});
    v("incremental_indexing", c.incremental_indexing, {.doc = "Skip documents whose hash and mtime are unchanged"});
    v("search", c.search, {.doc = "Search tuning"});
    v("indexing", c.indexing, {.doc = "Indexing concurrency and retries"});
    v("mcp_parsers", c.mcp_parsers, {.doc = "MCP tools used as document parsers"});
    v("description", c.description, {.doc = "Shown in the search tool's description"});
}

// ---------------------------------------------------------------- guardrails
template <class V>
void describe_check(V& v, GuardCheck& c, std::string_view action_doc) {
    v("enabled", c.enabled, {.doc = "Run this check"});
    v("action", c.action, {.doc = action_doc, .one_of = {"allow", "block", "modify", "warn"}});
    v("severity", c.severity,
      {.doc = "Severity logged with violations", .one_of = {"low", "medium", "high", "critical"}});
}

template <class V>
void describe(V& v, LengthCheck& c) {
    describe_check(v, c, "What a violation does");
    v("min_length", c.min_length, {.doc = "Shortest input in characters", .min = 0});
    v("max_length", c.max_length, {.doc = "Longest input in characters", .min = 1});
}

template <class V>
void describe(V& v, InjectionCheck& c) {
    describe_check(v, c, "What a violation does");
    v("patterns", c.patterns, {.doc = "Extra phrases or regexes, added to the built-in ones"});
    v("case_sensitive", c.case_sensitive, {.doc = "Match patterns case-sensitively"});
}

template <class V>
void describe(V& v, SanitizerCheck& c) {
    describe_check(v, c, "What a violation does");
    v("trim_whitespace", c.trim_whitespace, {.doc = "Trim leading and trailing whitespace"});
    v("normalize_unicode", c.normalize_unicode, {.doc = "Normalise to Unicode NFC"});
    v("strip_html", c.strip_html, {.doc = "Remove HTML tags"});
    v("max_length", c.max_length, {.doc = "Truncate longer input (0 = no limit)", .min = 0});
}

template <class V>
void describe(V& v, PatternCheck& c) {
    describe_check(v, c, "What a match does");
    v("patterns", c.patterns, {.doc = "Regexes that must not match the input"});
}

template <class V>
void describe(V& v, PiiCheck& c) {
    describe_check(v, c, "What a detection does (modify = redact)");
    v("detect_email", c.detect_email, {.doc = "Detect e-mail addresses"});
    v("detect_phone", c.detect_phone, {.doc = "Detect phone numbers"});
    v("detect_ssn", c.detect_ssn, {.doc = "Detect US social security numbers"});
    v("detect_credit_card", c.detect_credit_card, {.doc = "Detect card numbers (Luhn-checked)"});
    v("redact_mode", c.redact_mode,
      {.doc = "mask: [EMAIL REDACTED]...; remove: delete; hash: SHA-256 hex", .one_of = {"mask", "remove", "hash"}});
}

template <class V>
void describe(V& v, ContentCheck& c) {
    describe_check(v, c, "What a match does");
    v("blocked_keywords", c.blocked_keywords, {.doc = "Words that must not appear in the output"});
    v("blocked_patterns", c.blocked_patterns, {.doc = "Regexes that must not match the output"});
}

template <class V>
void describe(V& v, AuthorizationCheck& c) {
    describe_check(v, c, "What a refused call does");
    v("allowed_tools", c.allowed_tools, {.doc = "Tool names or * globs allowed; non-empty = all others refused"});
    v("blocked_tools", c.blocked_tools, {.doc = "Tool names or * globs refused (wins over allowed_tools)"});
}

template <class V>
void describe(V& v, InputGuards& c) {
    v("chain_mode", c.chain_mode,
      {.doc = "fail_fast: stop at the first violation; collect_all: report them all",
       .one_of = {"fail_fast", "collect_all"}});
    v("length", c.length, {.doc = "Input length limits"});
    v("injection", c.injection, {.doc = "Prompt-injection detection"});
    v("sanitizer", c.sanitizer, {.doc = "Input clean-up"});
    v("pattern", c.pattern, {.doc = "Forbidden input patterns"});
}

template <class V>
void describe(V& v, OutputGuards& c) {
    v("chain_mode", c.chain_mode,
      {.doc = "fail_fast: stop at the first violation; collect_all: report them all",
       .one_of = {"fail_fast", "collect_all"}});
    v("pii", c.pii, {.doc = "Personal data redaction"});
    v("content", c.content, {.doc = "Forbidden output content"});
}

template <class V>
void describe(V& v, ToolGuards& c) {
    v("chain_mode", c.chain_mode,
      {.doc = "fail_fast: stop at the first violation; collect_all: report them all",
       .one_of = {"fail_fast", "collect_all"}});
    v("authorization", c.authorization, {.doc = "Which tools may be called"});
}

template <class V>
void describe(V& v, GuardrailsConfig& c) {
    v("enabled", c.enabled, {.doc = "false turns the whole set off"});
    v("input", c.input, {.doc = "Checks on user input, before the LLM"});
    v("output", c.output, {.doc = "Checks on the answer"});
    v("tool", c.tool, {.doc = "Checks on tool calls"});
}

}  // namespace hector::config
