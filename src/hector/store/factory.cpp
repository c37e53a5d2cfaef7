#include "hector/store/factory.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <map>

#include "hector/store/file/file_key_store.hpp"
#include "hector/store/memory/memory_app_store.hpp"
#include "hector/store/memory/memory_queue_store.hpp"
#include "hector/store/memory/memory_session_store.hpp"
#include "hector/store/memory/memory_task_store.hpp"
#include "hector/store/postgres/pg_database.hpp"
#include "hector/store/sql/sql_app_store.hpp"
#include "hector/store/sql/sql_queue_store.hpp"
#include "hector/store/sql/sql_session_store.hpp"
#include "hector/store/sql/sql_task_store.hpp"
#include "hector/store/sqlite/sqlite_database.hpp"

namespace hector::store {

namespace {

/// In-memory caps finished tasks at this many (DECISIONS 26).
constexpr std::size_t kMemoryMaxTerminal = 10000;
constexpr std::size_t kMemoryMaxSessions = MemorySessionStore::kDefaultMaxSessions;

enum class Kind { memory, sql };

struct Choice {
    Kind kind = Kind::sql;
    std::string database;  // databases.<key>; empty = the implicit SQLite file
};

Result<Choice> choose(const config::StoreBackendConfig& s, const std::string& path) {
    if (s.backend == "inmemory" || s.backend == "memory") return Choice{Kind::memory, {}};
    if (s.backend.empty()) return Choice{Kind::sql, s.database};
    if (s.backend == "sql") {
        if (s.database.empty())
            return Error{Errc::invalid_argument, path + ".database: required with backend sql (a databases key)"};
        return Choice{Kind::sql, s.database};
    }
    return Error{Errc::invalid_argument,
                 fmt::format("{}.backend: unknown backend \"{}\" (inmemory or sql)", path, s.backend)};
}

void add_param(std::string& out, std::string_view key, const std::string& value) {
    if (value.empty()) return;
    if (!out.empty()) out.push_back(' ');
    out.append(key).append("='");
    for (char c : value) {
        if (c == '\'' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('\'');
}

/// One name per file, however the path is spelled, so stores naming the same file share one database (one writer).
/// weakly_canonical fails on a relative path whose directory does not exist yet (a first start), so the path is made
/// absolute first.
std::string file_identity(const std::string& path) {
    std::error_code ec;
    auto absolute = std::filesystem::absolute(path, ec);
    if (ec) return path;
    auto canonical = std::filesystem::weakly_canonical(absolute, ec);
    return (ec ? absolute.lexically_normal() : canonical).string();
}

/// Opens the databases the stores name, each once.
class Databases {
  public:
    Databases(const config::Config& config, boost::asio::thread_pool& blocking, const OpenOptions& options)
        : config_(config), blocking_(blocking), options_(options) {}

    /// The database for a store at `path` (storage.tasks / storage.sessions).
    Result<sql::Database*> get(const Choice& choice, const std::string& path) {
        if (choice.database.empty()) {
            config::DatabaseConfig implicit;
            implicit.driver = "sqlite";
            implicit.database = options_.default_sqlite_path;
            return open(implicit, "the implicit database");
        }
        const auto* db = config_.databases.find(choice.database);
        if (!db)
            return Error{Errc::invalid_argument,
                         fmt::format("{}.database: unknown database \"{}\"", path, choice.database)};
        return open(*db, "databases." + choice.database);
    }

    std::vector<std::unique_ptr<sql::Database>> release() { return std::move(owned_); }

  private:
    Result<sql::Database*> open(const config::DatabaseConfig& db, const std::string& path) {
        if (db.driver == "sqlite") {
            sqlite::SqliteSettings s;
            s.path = db.dsn.empty() ? db.database : db.dsn;
            s.readers = options_.sqlite_readers;
            const std::string key = "sqlite:" + file_identity(s.path);
            if (auto it = by_key_.find(key); it != by_key_.end()) return it->second;
            auto opened = sqlite::SqliteDatabase::open(std::move(s), blocking_);
            if (!opened) return Error{opened.error().code, path + ": " + opened.error().message};
            return keep(key, std::move(opened).value());
        }
        if (db.driver == "postgres" || db.driver == "postgresql") {
            postgres::PgPoolSettings s;
            s.connect.conninfo = postgres_conninfo(db);
            s.max_conns = static_cast<std::size_t>(std::max(db.max_conns, 1));
            s.max_idle = static_cast<std::size_t>(std::max(db.max_idle, 0));
            s.conn_max_lifetime = db.conn_max_lifetime;
            s.conn_max_idle_time = db.conn_max_idle_time;
            s.acquire_timeout = options_.pg_acquire_timeout;
            const std::string key = "postgres:" + s.connect.conninfo;
            if (auto it = by_key_.find(key); it != by_key_.end()) return it->second;
            auto opened = postgres::PgDatabase::open(std::move(s), blocking_);
            if (!opened) return Error{opened.error().code, path + ": " + opened.error().message};
            return keep(key, std::move(opened).value());
        }
        if (db.driver == "mysql")
            return Error{Errc::unsupported,
                         path + ".driver: mysql is not supported by this build of hector (use sqlite or postgres)"};
        return Error{Errc::invalid_argument,
                     fmt::format("{}.driver: unknown driver \"{}\" (sqlite or postgres)", path, db.driver)};
    }

    sql::Database* keep(const std::string& key, std::unique_ptr<sql::Database> db) {
        auto* raw = db.get();
        owned_.push_back(std::move(db));
        by_key_.emplace(key, raw);
        return raw;
    }

    const config::Config& config_;
    boost::asio::thread_pool& blocking_;
    const OpenOptions& options_;
    std::vector<std::unique_ptr<sql::Database>> owned_;
    std::map<std::string, sql::Database*> by_key_;
};

}  // namespace

std::string postgres_conninfo(const config::DatabaseConfig& db) {
    if (!db.dsn.empty()) return db.dsn;
    std::string out;
    add_param(out, "host", db.host);
    if (db.port > 0) add_param(out, "port", std::to_string(db.port));
    add_param(out, "dbname", db.database);
    add_param(out, "user", db.username);
    add_param(out, "password", db.password);
    add_param(out, "sslmode", db.ssl_mode);
    return out;
}

Result<Stores> open_stores(const config::Config& config, boost::asio::thread_pool& blocking,
                           const OpenOptions& options) {
    auto tasks_choice = choose(config.storage.tasks, "storage.tasks");
    if (!tasks_choice) return std::move(tasks_choice).error();
    auto sessions_choice = choose(config.storage.sessions, "storage.sessions");
    if (!sessions_choice) return std::move(sessions_choice).error();

    Databases databases(config, blocking, options);
    Stores out;
    sql::SqlTaskStore* sql_tasks = nullptr;
    if (tasks_choice->kind == Kind::memory) {
        out.tasks = std::make_unique<MemoryTaskStore>(kMemoryMaxTerminal, config.storage.tasks.retention);
        out.queue = std::make_unique<MemoryQueueStore>();
        out.tasks_backend = "memory";

    } else {
        auto db = databases.get(*tasks_choice, "storage.tasks");
        if (!db) return std::move(db).error();
        auto tasks = std::make_unique<sql::SqlTaskStore>(**db);
        sql_tasks = tasks.get();
        out.tasks = std::move(tasks);
        out.queue = std::make_unique<sql::SqlQueueStore>(**db);
        out.tasks_database = *db;

        out.tasks_backend = (*db)->describe();
    }
    if (sessions_choice->kind == Kind::memory) {
        out.sessions = std::make_unique<MemorySessionStore>(kMemoryMaxSessions, config.storage.sessions.retention);
        out.apps = std::make_unique<MemoryAppStore>();
        if (options.key_dir.empty())
            out.keys = std::make_unique<MemorySigningKeyStore>();
        else
            out.keys = std::make_unique<FileSigningKeyStore>(options.key_dir, blocking);
        out.sessions_backend = "memory";
    } else {
        auto db = databases.get(*sessions_choice, "storage.sessions");
        if (!db) return std::move(db).error();
        out.sessions = std::make_unique<sql::SqlSessionStore>(**db);
        // One database for both: a run's conversation is stored in the transaction of its outcome.
        if (sql_tasks && out.tasks_database == *db) sql_tasks->set_sessions_here(true);
        out.apps = std::make_unique<sql::SqlAppStore>(**db);
        out.keys = std::make_unique<sql::SqlSigningKeyStore>(**db);
        out.sessions_backend = (*db)->describe();
    }
    const auto& rl = config.rate_limiting;
    if (rl.enabled && rl.backend == "sql") {
        if (!rl.sql_database.empty()) {
            auto db = databases.get(Choice{Kind::sql, rl.sql_database}, "rate_limiting.sql");
            if (!db) return std::move(db).error();
            out.rate_limits = *db;
        } else if (out.tasks_database) {
            out.rate_limits = out.tasks_database;
        } else {
            return Error{Errc::invalid_argument,
                         "rate_limiting.sql_database: required with backend sql while storage.tasks is in memory"};
        }
    }
    out.databases = databases.release();
    return out;
}

}  // namespace hector::store
