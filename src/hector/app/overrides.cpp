#include "hector/app/overrides.hpp"

#include <fmt/format.h>

namespace hector::app {

Status apply_overrides(config::Config& c, const ServeOptions& serve, std::vector<std::string>& warnings) {
    if (serve.host) c.server.host = *serve.host;
    if (serve.port) c.server.port = *serve.port;
    if (serve.metrics) c.observability.metrics.enabled = true;
    if (serve.seed.observe) c.observability.metrics.enabled = true;
    if (serve.seed.stream && !*serve.seed.stream)
        for (auto& [id, a] : c.agents) a.streaming = false;
    // DECISIONS 18: durable by default; --ephemeral and --storage inmemory opt out.
    if (serve.ephemeral || (serve.seed.storage && *serve.seed.storage == "inmemory")) {
        c.storage.tasks.backend = "inmemory";
        c.storage.sessions.backend = "inmemory";
    } else if (serve.seed.storage) {
        // server.md §7: the --storage shortcut puts tasks and sessions on databases.main, checkpointing on.
        const auto& driver = *serve.seed.storage;
        if (driver != "sqlite" && driver != "postgres")
            return Error{
                Errc::invalid_argument,
                fmt::format("--storage: unknown or unsupported backend \"{}\" (inmemory, sqlite, postgres)", driver)};
        config::DatabaseConfig db;
        db.driver = driver;
        if (driver == "sqlite") {
            db.database = serve.seed.storage_db.value_or(".hector/hector.db");
        } else {
            if (!serve.seed.storage_db)
                return Error{Errc::invalid_argument, "--storage postgres needs --storage-db <DSN>"};
            db.dsn = *serve.seed.storage_db;
        }
        c.databases["main"] = std::move(db);
        for (auto* s : {&c.storage.tasks, &c.storage.sessions}) {
            s->backend = "sql";
            s->database = "main";
        }
        c.storage.checkpoint.enabled = true;
        if (c.rate_limiting.backend == "sql") c.rate_limiting.sql_database = "main";
    } else if (serve.seed.storage_db) {
        return Error{Errc::invalid_argument, "--storage-db needs --storage sqlite|postgres"};
    }
    for (auto& w : auth::apply_cli_flags(c.server.auth, serve.auth)) warnings.push_back(std::move(w));
    return {};
}

}  // namespace hector::app
