#include "hector/store/sql/migrations.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hector/common/logging.hpp"
#include "hector/common/time.hpp"
#include "hector/store/sql/row_codec.hpp"

namespace hector::store::sql {

namespace {

/// The type of text columns whose order is observable (session ids page by `id`): byte order, as in memory, on
/// both engines; PostgreSQL would otherwise sort by the database's locale.
std::string ordered_text(Dialect d) {
    return d == Dialect::postgres ? "TEXT COLLATE \"C\"" : "TEXT";
}

// Times are BIGINT nanoseconds since the Unix epoch (UTC) so that values round-trip exactly on both engines;
// booleans are INTEGER 0/1. The DDL is written in the subset that SQLite and PostgreSQL both accept.
std::vector<Migration> make_steps(Dialect d) {
    return {
        {1,
         "tasks",
         {
             R"(CREATE TABLE a2a_tasks (
                id TEXT PRIMARY KEY,
                app_id TEXT NOT NULL,
                user_id TEXT NOT NULL,
                context_id TEXT NOT NULL,
                agent TEXT NOT NULL,
                state TEXT NOT NULL,
                status_json TEXT NOT NULL,
                history_json TEXT NOT NULL,
                artifacts_json TEXT NOT NULL,
                metadata_json TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                last_seq BIGINT NOT NULL DEFAULT 0))",
             "CREATE INDEX a2a_tasks_by_context ON a2a_tasks (app_id, context_id, created_at)",
             "CREATE INDEX a2a_tasks_by_state ON a2a_tasks (state, updated_at)",
             R"(CREATE TABLE task_events (
                task_id TEXT NOT NULL REFERENCES a2a_tasks (id) ON DELETE CASCADE,
                seq BIGINT NOT NULL,
                kind TEXT NOT NULL,
                payload TEXT NOT NULL,
                final INTEGER NOT NULL,
                PRIMARY KEY (task_id, seq)))",
             // Idempotent sends (DECISIONS 21): the first task a user message id started in a conversation.
             R"(CREATE TABLE task_messages (
                app_id TEXT NOT NULL,
                user_id TEXT NOT NULL,
                context_id TEXT NOT NULL,
                message_id TEXT NOT NULL,
                task_id TEXT NOT NULL REFERENCES a2a_tasks (id) ON DELETE CASCADE))",
             "CREATE UNIQUE INDEX task_messages_idempotency ON task_messages (app_id, user_id, context_id, message_id)",
             "CREATE INDEX task_messages_by_task ON task_messages (task_id)",
             R"(CREATE TABLE push_configs (
                task_id TEXT NOT NULL REFERENCES a2a_tasks (id) ON DELETE CASCADE,
                config_id TEXT NOT NULL,
                ordinal BIGINT NOT NULL,
                config_json TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (task_id, config_id)))",
         }},
        {2,
         "sessions",
         {
             R"(CREATE TABLE sessions (
                app_name TEXT NOT NULL,
                user_id TEXT NOT NULL,
                id )" +
                 ordered_text(d) + R"( NOT NULL,
                state_json TEXT NOT NULL,
                event_count BIGINT NOT NULL DEFAULT 0,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (app_name, user_id, id)))",
             "CREATE INDEX sessions_by_update ON sessions (app_name, user_id, updated_at, id)",
             R"(CREATE TABLE session_events (
                app_name TEXT NOT NULL,
                user_id TEXT NOT NULL,
                session_id )" +
                 ordered_text(d) + R"( NOT NULL,
                sequence_num BIGINT NOT NULL,
                id TEXT NOT NULL,
                invocation_id TEXT NOT NULL,
                author TEXT NOT NULL,
                branch TEXT NOT NULL,
                partial INTEGER NOT NULL,
                turn_complete INTEGER NOT NULL,
                content_json TEXT NOT NULL,
                tool_calls_json TEXT NOT NULL,
                tool_results_json TEXT NOT NULL,
                state_delta_json TEXT NOT NULL,
                error_code TEXT NOT NULL,
                error_message TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (app_name, user_id, session_id, sequence_num),
                FOREIGN KEY (app_name, user_id, session_id) REFERENCES sessions (app_name, user_id, id)
                    ON DELETE CASCADE))",
         }},
        {3,
         "apps",
         {
             // Multi-tenant apps (server.md §6): config_json is the app's config; token_version revokes older
             // tokens when bumped.
             R"(CREATE TABLE apps (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                config_json TEXT NOT NULL,
                token_version BIGINT NOT NULL DEFAULT 1,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL))",
             "CREATE INDEX apps_by_creation ON apps (created_at, id)",
             // ES256 signing keys (DECISIONS 11): generated once, shared by every instance.
             R"(CREATE TABLE signing_keys (
                kid TEXT PRIMARY KEY,
                algorithm TEXT NOT NULL,
                private_pem TEXT NOT NULL,
                public_jwk TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                retired_at BIGINT))",
             // Scoped state (platform.md §6.2): app: and user: keys live beside the sessions.
             R"(CREATE TABLE app_states (
                app_name TEXT NOT NULL,
                state_json TEXT NOT NULL,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (app_name)))",
             R"(CREATE TABLE user_states (
                app_name TEXT NOT NULL,
                user_id TEXT NOT NULL,
                state_json TEXT NOT NULL,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (app_name, user_id)))",
         }},
        {4,
         "queue",
         {
             // Every run holds a row while it is queued or running (DECISIONS 24, 25): background jobs are
             // claimed by workers; interactive runs hold a lease too, so recovery finds what a dead instance left.
             R"(CREATE TABLE task_queue (
                task_id TEXT PRIMARY KEY REFERENCES a2a_tasks (id) ON DELETE CASCADE,
                app_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts BIGINT NOT NULL DEFAULT 0,
                available_at BIGINT NOT NULL,
                lease_owner TEXT,
                lease_expires_at BIGINT,
                last_error TEXT NOT NULL DEFAULT '',
                input_json TEXT NOT NULL,
                created_at BIGINT NOT NULL))",
             "CREATE INDEX task_queue_claim ON task_queue (state, available_at)",
             "CREATE INDEX task_queue_leases ON task_queue (state, lease_expires_at)",
             R"(CREATE TABLE dead_letters (
                id TEXT PRIMARY KEY,
                task_id TEXT NOT NULL,
                app_id TEXT NOT NULL,
                error TEXT NOT NULL,
                failed_at BIGINT NOT NULL,
                retry_count BIGINT NOT NULL,
                input_json TEXT NOT NULL))",
             "CREATE INDEX dead_letters_by_app ON dead_letters (app_id, failed_at)",
         }},
        {5,
         "rate_limits",
         {
             // Fixed windows aligned to UTC calendar boundaries (server.md §12), shared across instances.
             R"(CREATE TABLE rate_limit_counters (
                scope_key TEXT NOT NULL,
                rule TEXT NOT NULL,
                window_start BIGINT NOT NULL,
                used BIGINT NOT NULL,
                PRIMARY KEY (scope_key, rule, window_start)))",
         }},
        {6,
         "automation",
         {
             // Webhook delivery ids remembered for 24 h with the task they started (DECISIONS 21); task_id is
             // empty while the first delivery is still starting its task.
             R"(CREATE TABLE webhook_deliveries (
                app_id TEXT NOT NULL,
                agent TEXT NOT NULL,
                delivery_key TEXT NOT NULL,
                task_id TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (app_id, agent, delivery_key)))",
             "CREATE INDEX webhook_deliveries_by_age ON webhook_deliveries (created_at)",
             // One row per schedule firing: the instance that inserts it runs it (server.md §9.2).
             R"(CREATE TABLE schedule_firings (
                app_id TEXT NOT NULL,
                agent TEXT NOT NULL,
                fire_at BIGINT NOT NULL,
                claimed_at BIGINT NOT NULL,
                PRIMARY KEY (app_id, agent, fire_at)))",
             "CREATE INDEX schedule_firings_by_time ON schedule_firings (fire_at)",
         }},
        {7,
         "queue_indexes",
         {
             // The claim orders by (available_at, created_at): with both in the index a claim reads the first rows
             // instead of sorting every pending item.
             "DROP INDEX task_queue_claim",
             "CREATE INDEX task_queue_claim ON task_queue (state, available_at, created_at)",
             // Queue stats and the queue gauge count tasks by app and state from this index alone, without reading
             // the rows (which carry the history and artifacts).
             "CREATE INDEX a2a_tasks_by_app_state ON a2a_tasks (app_id, state)",
         }},
        {8,
         "sessions_by_update",
         {
             // Gone: PostgreSQL's generic plans took this index for the lookups by (app_name, user_id, id) that
             // every run makes (its cost estimate ties with the primary key's until the table has statistics) and
             // then read every session of the user to find one. Without it, an append that moves updated_at is a
             // HOT update, and the session listing sorts one user's sessions, read by the primary key.
             "DROP INDEX sessions_by_update",
         }},
        {9,
         "queue_context",
         {
             // A claim skips a job while another of its conversation is running or older (DECISIONS 20 across
             // instances): the queue row carries the conversation, and this index answers that per candidate.
             "ALTER TABLE task_queue ADD COLUMN context_id TEXT NOT NULL DEFAULT ''",
             "UPDATE task_queue SET context_id = COALESCE((SELECT t.context_id FROM a2a_tasks t WHERE t.id = "
             "task_queue.task_id), '')",
             "CREATE INDEX task_queue_by_context ON task_queue (app_id, context_id, created_at)",
         }},

    };
}

const std::vector<Migration> kSqliteSteps = make_steps(Dialect::sqlite);
const std::vector<Migration> kPostgresSteps = make_steps(Dialect::postgres);

constexpr std::string_view kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "applied_at BIGINT NOT NULL)";

// Any constant works; it only has to be the same for every hector instance sharing the database.
constexpr std::string_view kPgMigrationLock = "SELECT pg_advisory_xact_lock(4851407394601128277)";

Result<bool> version_table_exists(Connection& c) {
    const std::string_view sql =
        c.dialect() == Dialect::sqlite
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
            : "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE tablename = 'schema_version' AND "
              "schemaname = current_schema()";
    auto r = c.run(sql);
    if (!r) return std::move(r).error();
    return !r->rows.empty() && r->rows.front().integer(0) > 0;
}

}  // namespace

std::span<const Migration> migrations(Dialect dialect) {
    return dialect == Dialect::postgres ? kPostgresSteps : kSqliteSteps;
}

int latest_schema_version(Dialect dialect) {
    auto steps = migrations(dialect);
    return steps.empty() ? 0 : steps.back().version;
}

Result<int> schema_version(Connection& c) {
    auto exists = version_table_exists(c);
    if (!exists) return std::move(exists).error();
    if (!*exists) return 0;
    auto r = c.run("SELECT COALESCE(MAX(version), 0) FROM schema_version");
    if (!r) return std::move(r).error();
    return static_cast<int>(r->rows.empty() ? 0 : r->rows.front().integer(0));
}

Status migrate(Database& db, std::span<const Migration> steps) {
    const int latest = steps.empty() ? 0 : steps.back().version;
    std::vector<std::string> applied;
    auto st = db.transact(TxMode::write, [&](Connection& c) -> Status {
        if (c.dialect() == Dialect::postgres) {
            if (auto r = c.run(kPgMigrationLock); !r) return std::move(r).error();
        }
        if (auto r = c.run(kCreateVersionTable); !r) return std::move(r).error();
        auto current = schema_version(c);
        if (!current) return std::move(current).error();
        if (*current > latest) {
            return Error{Errc::unsupported,
                         fmt::format("{}: the database schema is at version {}, newer than this build of hector "
                                     "knows (version {}); refusing to run. Upgrade hector or use another database",
                                     db.describe(), *current, latest)};
        }
        for (const auto& step : steps) {
            if (step.version <= *current) continue;
            for (const auto& statement : step.statements) {
                if (auto r = c.run(statement); !r) {
                    return Error{r.error().code, fmt::format("{}: schema step {} ({}) failed: {}", db.describe(),
                                                             step.version, step.name, r.error().message)};
                }
            }
            auto r = c.run("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                           {std::int64_t{step.version}, std::string(step.name), to_nanos(Clock::now())});
            if (!r) return std::move(r).error();
            applied.push_back(fmt::format("{} ({})", step.version, step.name));
        }
        return {};
    });
    if (st && !applied.empty())
        log::info("store", "{}: applied schema steps {}", db.describe(), fmt::join(applied, ", "));
    return st;
}

}  // namespace hector::store::sql
