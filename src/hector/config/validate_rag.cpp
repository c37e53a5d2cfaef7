// validate(), part 3: embedders, vector stores, document stores and guardrails (platform.md §1.6, §7.3, §8).

#include <fmt/format.h>

#include "hector/config/detail/validate_parts.hpp"

namespace hector::config::detail {

namespace {

void validate_source(const Config& config, const std::string& path, const DocumentSourceConfig& s, Diagnostics& diag) {
    const std::string sp = path + ".source";
    if (s.type == "directory" && s.path.empty()) diag.error(sp + ".path", "directory sources need a path");
    if (s.type == "sql") {
        if (s.sql.database.empty())
            diag.error(sp + ".sql.database", "sql sources need a database (a databases id)");
        else
            check_ref(config.databases, s.sql.database, "database", sp + ".sql.database", diag);
        if (s.sql.query.empty() && s.sql.tables.empty()) diag.error(sp + ".sql", "sql sources need a query or tables");
        if (!s.sql.query.empty() && s.sql.content_columns.empty())
            diag.error(sp + ".sql.content_columns", "a query source needs the columns that hold the text");
        for (std::size_t i = 0; i < s.sql.tables.size(); ++i) {
            const auto& t = s.sql.tables[i];
            const auto tp = fmt::format("{}.sql.tables[{}]", sp, i);
            if (t.table.empty()) diag.error(tp + ".table", "is required");
            if (t.columns.empty()) diag.error(tp + ".columns", "needs at least one column");
        }
    }
    if (s.type == "api") {
        if (s.api.url.empty())
            diag.error(sp + ".api.url", "api sources need a url");
        else if (!s.api.url.starts_with("http://") && !s.api.url.starts_with("https://"))
            diag.error(sp + ".api.url", fmt::format("must be an http(s) URL (got \"{}\")", s.api.url));
    }
    if (s.type == "collection" && s.collection.empty())
        diag.error(sp + ".collection", "collection sources need the name of an existing collection");
}

void validate_store(const Config& config, const std::string& id, const DocumentStoreConfig& ds, Diagnostics& diag) {
    const std::string path = "document_stores." + id;
    check_ref(config.vector_stores, ds.vector_store, "vector store", path + ".vector_store", diag);
    check_ref(config.embedders, ds.embedder, "embedder", path + ".embedder", diag);
    if (ds.embedder.empty())
        diag.reference_error(path + ".embedder", "no embedder configured (add an embedders section)");
    validate_source(config, path, ds.source, diag);

    const auto& ch = ds.chunking;
    if (ch.overlap >= ch.size) diag.error(path + ".chunking.overlap", "must be less than chunking.size");
    if (ch.min_size > ch.max_size) diag.error(path + ".chunking.min_size", "must not exceed chunking.max_size");

    // Rule 6: HyDE has no fallback LLM; rerank and multi-query fall back to the agent's.
    const auto& s = ds.search;
    if (s.enable_hyde && s.hyde_llm.empty()) diag.error(path + ".search.hyde_llm", "enable_hyde requires hyde_llm");
    check_ref(config.llms, s.hyde_llm, "llm", path + ".search.hyde_llm", diag);
    check_ref(config.llms, s.rerank_llm, "llm", path + ".search.rerank_llm", diag);
    check_ref(config.llms, s.multi_query_llm, "llm", path + ".search.multi_query_llm", diag);

    const auto& idx = ds.indexing.retry;
    if (idx.base_delay > idx.max_delay)
        diag.error(path + ".indexing.retry.base_delay", "must not exceed indexing.retry.max_delay");

    if (!ds.mcp_parsers.tool_names.empty()) {
        bool any_mcp = false;
        for (const auto& [tid, t] : config.tools) any_mcp = any_mcp || t.type == "mcp";
        if (!any_mcp)
            diag.reference_error(path + ".mcp_parsers.tool_names",
                                 "MCP parsers need an MCP toolset in tools (none configured)");
    }
}

void validate_vector_store(const std::string& id, const VectorStoreConfig& vs, Diagnostics& diag) {
    const std::string path = "vector_stores." + id;
    if (vs.type == "pinecone") {
        if (vs.index_name.empty()) diag.error(path + ".index_name", "pinecone needs index_name");
        if (vs.api_key.empty()) diag.error(path + ".api_key", "pinecone needs an api_key");
    } else if (vs.type != "chromem" && vs.host.empty()) {
        diag.error(path + ".host", fmt::format("{} needs a host", vs.type));
    }
    if (vs.type != "chromem" && !vs.persist_path.empty())
        diag.warn(path + ".persist_path", fmt::format("ignored: {} stores its data on its server", vs.type));
}

void validate_guardrails(const std::string& id, const GuardrailsConfig& g, Diagnostics& diag) {
    const std::string path = "guardrails." + id;
    const auto& len = g.input.length;
    if (len.enabled && len.min_length > len.max_length)
        diag.error(path + ".input.length.min_length", "must not exceed max_length");
    if (g.input.pattern.enabled && g.input.pattern.patterns.empty())
        diag.warn(path + ".input.pattern.patterns", "empty: the pattern check matches nothing");
    const auto& content = g.output.content;
    if (content.enabled && content.blocked_keywords.empty() && content.blocked_patterns.empty())
        diag.warn(path + ".output.content", "enabled without blocked_keywords or blocked_patterns: matches nothing");
    const auto& pii = g.output.pii;
    if (pii.enabled && !pii.detect_email && !pii.detect_phone && !pii.detect_ssn && !pii.detect_credit_card)
        diag.warn(path + ".output.pii", "enabled with every detect_* off: detects nothing");
}

}  // namespace

void validate_rag(const Config& config, Diagnostics& diag) {
    for (const auto& [id, vs] : config.vector_stores) validate_vector_store(id, vs, diag);
    for (const auto& [id, ds] : config.document_stores) validate_store(config, id, ds, diag);
    for (const auto& [id, g] : config.guardrails) validate_guardrails(id, g, diag);
}

}  // namespace hector::config::detail
