// validate(): cross-field rules of platform.md §1.6 that the YAML reader's type, enum and range checks cannot see.
// Agents and tools are in validate_agents.cpp, RAG in validate_rag.cpp; this file holds the rest.

#include <fmt/format.h>

#include <cctype>

#include "hector/common/strings.hpp"
#include "hector/config/detail/legacy.hpp"
#include "hector/config/detail/validate_parts.hpp"
#include "hector/config/loader.hpp"
#include "hector/config/providers.hpp"

namespace hector::config {

namespace {

using detail::check_ref;

void validate_llms(const Config& config, Diagnostics& diag) {
    for (const auto& [id, llm] : config.llms) {
        const std::string path = "llms." + id;
        const auto& thinking = llm.thinking;
        if (thinking.enabled && llm.provider == "anthropic" && thinking.budget_tokens > 0) {
            if (thinking.budget_tokens < 1024)
                diag.error(path + ".thinking.budget_tokens", "anthropic needs at least 1024 (or 0 for the minimum)");
            if (thinking.budget_tokens >= llm.max_tokens)
                diag.error(path + ".thinking.budget_tokens", "must be less than max_tokens");
        }
        if (auto info = provider_info(llm.provider); info && !info->api_key_env.empty() && llm.api_key.empty())
            diag.warn(path + ".api_key",
                      fmt::format("no API key (set api_key or {}); requests will fail", info->api_key_env));
    }
    for (const auto& [id, e] : config.embedders) {
        if (auto info = embedder_provider_info(e.provider); info && !info->api_key_env.empty() && e.api_key.empty())
            diag.warn("embedders." + id + ".api_key",
                      fmt::format("no API key (set api_key or {}); embedding will fail", info->api_key_env));
    }
}

void validate_databases(const Config& config, Diagnostics& diag) {
    for (const auto& [id, db] : config.databases) {
        const std::string path = "databases." + id;
        if (db.driver.empty()) diag.error(path + ".driver", "is required (sqlite, postgres or mysql)");
        if (db.dsn.empty() && db.database.empty()) diag.error(path + ".database", "is required (or give dsn)");
        if (db.max_idle > db.max_conns) diag.warn(path + ".max_idle", "is larger than max_conns; max_conns caps it");
    }
}

void validate_storage(const Config& config, Diagnostics& diag) {
    auto check_store = [&](const StoreBackendConfig& s, const std::string& path) {
        if (s.backend == "sql")
            check_ref(config.databases, s.database, "database", path + ".database", diag);
        else if (s.backend == "inmemory" && !s.database.empty())
            diag.warn(path + ".database", "ignored: the backend is inmemory");
    };
    check_store(config.storage.tasks, "storage.tasks");
    check_store(config.storage.sessions, "storage.sessions");

    const auto& memory = config.storage.memory;
    check_ref(config.embedders, memory.embedder, "embedder", "storage.memory.embedder", diag);
    if (memory.backend == "vector" && memory.embedder.empty())
        diag.reference_error("storage.memory.embedder", "vector memory needs an embedder (none configured)");

    const auto& cp = config.storage.checkpoint;
    if (cp.enabled && cp.strategy != "event" && cp.interval == 0)
        diag.warn("storage.checkpoint.interval",
                  fmt::format("is 0: the {} strategy saves only after events", cp.strategy));
}

void validate_rate_limiting(const Config& config, Diagnostics& diag) {
    const auto& rl = config.rate_limiting;
    if (rl.backend == "sql")
        check_ref(config.databases, rl.sql_database, "database", "rate_limiting.sql_database", diag);
    for (std::size_t i = 0; i < rl.limits.size(); ++i) {
        const auto& r = rl.limits[i];
        auto p = fmt::format("rate_limiting.limits[{}]", i);
        if (r.type.empty()) diag.error(p + ".type", "is required (count or token)");
        if (r.window.empty()) diag.error(p + ".window", "is required (minute, hour, day, week or month)");
        if (r.limit <= 0) diag.error(p + ".limit", "must be at least 1");
    }
    if (rl.enabled && rl.limits.empty())
        diag.warn("rate_limiting.limits", "rate limiting is enabled but has no limits");

    if (const auto& legacy = config.server.rate_limiting) {
        if (legacy->enabled.value_or(true) && legacy->requests_per_minute == 0)
            diag.warn("server.rate_limiting.requests_per_minute", "not set: the legacy block limits nothing");
        if (rl != detail::rate_limiting_from_legacy(*legacy))
            diag.warn("server.rate_limiting", "ignored: the top-level rate_limiting is set");
    }
}

void validate_legacy_observability(const Config& config, const LegacyObservabilityConfig& legacy,
                                   const std::string& path, Diagnostics& diag) {
    const auto& top = config.observability;
    if (legacy.tracing && *legacy.tracing != top.tracing)
        diag.warn(path + ".tracing", "ignored: observability.tracing is also set");
    if (legacy.metrics && *legacy.metrics != top.metrics)
        diag.warn(path + ".metrics", "ignored: observability.metrics is also set");
}

void validate_observability(const Config& config, Diagnostics& diag) {
    if (config.server.observability)
        validate_legacy_observability(config, *config.server.observability, "server.observability", diag);
    if (config.observability.observability)
        validate_legacy_observability(config, *config.observability.observability, "observability.observability", diag);
    const auto& tracing = config.observability.tracing;
    if (tracing.enabled && tracing.exporter == "otlp" && detail::is_grpc_endpoint(tracing.endpoint))
        diag.error("observability.tracing.endpoint",
                   fmt::format("\"{}\" is an OTLP/gRPC endpoint; Hector exports OTLP/HTTP JSON, use the collector's "
                               "HTTP endpoint (port 4318, e.g. http://localhost:4318)",
                               tracing.endpoint));
    const auto& metrics = config.observability.metrics;
    if (metrics.enabled && !metrics.endpoint.starts_with("/"))
        diag.error("observability.metrics.endpoint", "must be a path starting with /");
    // Prometheus names: [a-zA-Z_][a-zA-Z0-9_]* (metric names may also hold ':'; label names may not start "__").
    auto valid = [](std::string_view name, bool colon) {
        if (name.empty()) return false;
        for (std::size_t i = 0; i < name.size(); ++i) {
            const char c = name[i];
            const bool ok = std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (colon && c == ':') ||
                            (i > 0 && std::isdigit(static_cast<unsigned char>(c)));
            if (!ok) return false;
        }
        return true;
    };
    if (!metrics.namespace_.empty() && !valid(metrics.namespace_, true))
        diag.error("observability.metrics.namespace", "must be a Prometheus name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
    if (!metrics.subsystem.empty() && !valid(metrics.subsystem, true))
        diag.error("observability.metrics.subsystem", "must be a Prometheus name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
    for (const auto& [name, value] : metrics.const_labels)
        if (!valid(name, false) || name.starts_with("__") || name == "le")
            diag.error("observability.metrics.const_labels." + name,
                       "must be a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not le or __*)");
}

void validate_server(const Config& config, Diagnostics& diag) {
    const auto& auth = config.server.auth;
    if (auth.enabled) {
        // Rule 7: part of the JWT triple is an error. None of it is only a warning: the admin secret
        // (--auth-secret) or API keys may be the only credentials.
        int set = !auth.jwks_url.empty() + !auth.issuer.empty() + !auth.audience.empty();
        if (set != 0 && set != 3) {
            std::vector<std::string> missing;
            if (auth.jwks_url.empty()) missing.emplace_back("jwks_url");
            if (auth.issuer.empty()) missing.emplace_back("issuer");
            if (auth.audience.empty()) missing.emplace_back("audience");
            diag.error("server.auth", fmt::format("jwks_url, issuer and audience must be set together (missing: {})",
                                                  join(missing, ", ")));
        }
        if (set == 0 && auth.api_keys.empty())
            diag.warn("server.auth",
                      "enabled without jwks_url/issuer/audience or api_keys: only the admin secret "
                      "(--auth-secret) can authenticate");
    }
    for (std::size_t i = 0; i < auth.excluded_paths.size(); ++i)
        if (!auth.excluded_paths[i].starts_with("/"))
            diag.error(fmt::format("server.auth.excluded_paths[{}]", i), "must be a path starting with /");
    const auto& tls = config.server.tls;
    if (tls.enabled && (tls.cert_file.empty() || tls.key_file.empty()))
        diag.error("server.tls", "TLS needs cert_file and key_file");
    if (config.server.studio.enabled && config.server.studio.allowed_roles.empty())
        diag.warn("server.studio.allowed_roles", "empty: no token role may use the studio API");
    if (config.server.transport == "grpc" && config.server.grpc_port == config.server.port && config.server.port != 0)
        diag.error("server.grpc_port", "must differ from server.port");
}

}  // namespace

void validate(const Config& config, Diagnostics& diag) {
    if (config.version != "2")
        diag.error("version", fmt::format("unsupported version \"{}\" (expected \"2\")", config.version));
    if (config.config)
        diag.error("config",
                   "remote config stores (consul, etcd, zookeeper) are not supported by this build; "
                   "remove the section and keep the config in the file");
    check_ref(config.llms, config.defaults.llm, "llm", "defaults.llm", diag);

    validate_llms(config, diag);
    detail::validate_agents(config, diag);
    detail::validate_tools(config, diag);
    validate_databases(config, diag);
    validate_storage(config, diag);
    validate_rate_limiting(config, diag);
    detail::validate_rag(config, diag);
    validate_observability(config, diag);
    validate_server(config, diag);
}

}  // namespace hector::config
