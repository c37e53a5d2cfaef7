#pragma once

#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "hector/common/result.hpp"
#include "hector/config/model.hpp"
#include "hector/store/app_store.hpp"
#include "hector/store/queue_store.hpp"
#include "hector/store/session_store.hpp"
#include "hector/store/sql/database.hpp"
#include "hector/store/task_store.hpp"

namespace hector::store {

struct OpenOptions {
    /// The implicit SQLite database used when storage.<x>.backend is not set (DECISIONS 18).
    std::string default_sqlite_path = ".hector/hector.db";
    /// Read connections per SQLite database (sqlite/sqlite_database.hpp has the measurements).
    std::size_t sqlite_readers = 4;
    /// How long a PostgreSQL caller waits for a pooled connection before Errc::unavailable.
    std::chrono::milliseconds pg_acquire_timeout{5000};
    /// With sessions in memory, the signing keys are kept in this directory (server.md §6.3); empty = in memory
    /// too (--ephemeral), so tokens stop verifying after a restart.
    std::string key_dir = ".hector/keys";
};

/// The task and session stores of the process and the databases behind them. Tasks and sessions on the same
/// database (the same databases.<n> key, or two keys naming the same SQLite file or PostgreSQL conninfo) share one
/// connection pool. Move-only; keep it alive as long as anything uses the stores.
struct Stores {
    std::vector<std::unique_ptr<sql::Database>> databases;  // declared first, so destroyed after the stores
    std::unique_ptr<TaskStore> tasks;
    std::unique_ptr<SessionStore> sessions;
    std::unique_ptr<QueueStore> queue;        // in the tasks' database (DECISIONS 25)
    std::unique_ptr<AppStore> apps;           // in the sessions' database (server.md §7.1)
    std::unique_ptr<SigningKeyStore> keys;    // ditto; a key directory when sessions are in memory
    sql::Database* tasks_database = nullptr;  // the tasks' database (automation state lives there); null in memory
    /// rate_limiting.backend sql: the database of its counters (rate_limiting.sql_database, else the tasks'); null
    /// otherwise.
    sql::Database* rate_limits = nullptr;
    std::string tasks_backend;
    // for the start-up log: "memory", "sqlite .hector/hector.db", "postgres db/hector"
    std::string sessions_backend;
};

/// Opens the stores that config.storage asks for: `inmemory` (alias `memory`), or `sql` on databases.<database>
/// (driver sqlite: `database` is the file; postgres: `dsn`, or host/port/database/username/password/ssl_mode, with
/// max_conns/max_idle/conn_max_lifetime/conn_max_idle_time for the pool). A backend left unset means `sql` on the
/// implicit SQLite file options.default_sqlite_path (DECISIONS 18). mysql is refused with Errc::unsupported.
/// Blocking (creates files, connects, runs migrations): call at start-up, not on an I/O thread. The stores run
/// their database work on `blocking`, which must outlive them.
Result<Stores> open_stores(const config::Config& config, boost::asio::thread_pool& blocking,
                           const OpenOptions& options = {});

/// A libpq conninfo for databases.<n>: `dsn` when set, else keyword='value' pairs from the fields (values quoted and
/// escaped, empty fields left out).
std::string postgres_conninfo(const config::DatabaseConfig& db);

}  // namespace hector::store
