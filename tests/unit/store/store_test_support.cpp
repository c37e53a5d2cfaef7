#include "store_test_support.hpp"

#include <libpq-fe.h>
#include <stdlib.h>

#include <cstdlib>

#include "hector/common/ids.hpp"
#include "hector/store/memory/memory_queue_store.hpp"
#include "hector/store/memory/memory_session_store.hpp"
#include "hector/store/memory/memory_task_store.hpp"
#include "hector/store/postgres/pg_database.hpp"
#include "hector/store/sql/sql_queue_store.hpp"
#include "hector/store/sql/sql_session_store.hpp"
#include "hector/store/sql/sql_task_store.hpp"
#include "hector/store/sqlite/sqlite_database.hpp"

namespace hector::store::testing {

TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "hector-store-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
}

namespace {

class MemoryEnv final : public BackendEnv {
  public:
    Result<BackendStores> open(asio::thread_pool&) override {
        BackendStores s;
        s.tasks = std::make_unique<MemoryTaskStore>();
        s.sessions = std::make_unique<MemorySessionStore>();
        s.queue = std::make_unique<MemoryQueueStore>();
        return s;
    }
};

class SqliteEnv final : public BackendEnv {
  public:
    explicit SqliteEnv(std::size_t readers) : readers_(readers) {}
    Result<BackendStores> open(asio::thread_pool& blocking) override {
        sqlite::SqliteSettings settings;
        settings.path = dir_.file("hector.db");
        settings.readers = readers_;
        auto db = sqlite::SqliteDatabase::open(settings, blocking);
        if (!db) return std::move(db).error();
        BackendStores s;
        s.db = std::move(db).value();
        auto tasks = std::make_unique<sql::SqlTaskStore>(*s.db);
        tasks->set_sessions_here(true);  // one database, as open_stores() sets it up by default
        s.tasks = std::move(tasks);
        s.sessions = std::make_unique<sql::SqlSessionStore>(*s.db);
        s.queue = std::make_unique<sql::SqlQueueStore>(*s.db);
        return s;
    }

  private:
    std::size_t readers_;
    TempDir dir_;
};

class PgEnv final : public BackendEnv {
  public:
    PgEnv() : dsn_(test_pg_dsn()), schema_(unique_schema()) {}
    ~PgEnv() override {
        if (dsn_) pg_exec(*dsn_, "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    }
    std::optional<std::string> skip_reason() const override {
        if (dsn_) return std::nullopt;
        return "HECTOR_TEST_PG_DSN is not set (scripts/test starts a throwaway PostgreSQL and sets it)";
    }
    Result<BackendStores> open(asio::thread_pool& blocking) override {
        postgres::PgPoolSettings settings;
        settings.connect.conninfo = *dsn_;
        settings.connect.schema = schema_;
        settings.max_conns = 8;
        auto db = postgres::PgDatabase::open(settings, blocking);
        if (!db) return std::move(db).error();
        BackendStores s;
        s.db = std::move(db).value();
        auto tasks = std::make_unique<sql::SqlTaskStore>(*s.db);
        tasks->set_sessions_here(true);  // one database, as open_stores() sets it up by default
        s.tasks = std::move(tasks);
        s.sessions = std::make_unique<sql::SqlSessionStore>(*s.db);
        s.queue = std::make_unique<sql::SqlQueueStore>(*s.db);
        return s;
    }

  private:
    std::optional<std::string> dsn_;
    std::string schema_;
};

}  // namespace

Backend memory_backend() {
    return {"memory", [] { return std::make_unique<MemoryEnv>(); }};
}

Backend sqlite_backend(std::size_t readers) {
    return {readers == 0 ? "sqlite_one_connection" : "sqlite",
            [readers] { return std::make_unique<SqliteEnv>(readers); }};
}

Backend postgres_backend() {
    return {"postgres", [] { return std::make_unique<PgEnv>(); }};
}

std::optional<std::string> test_pg_dsn() {
    const char* dsn = std::getenv("HECTOR_TEST_PG_DSN");
    if (!dsn || !*dsn) return std::nullopt;
    return std::string(dsn);
}

bool pg_exec(const std::string& dsn, const std::string& sql) {
    PGconn* conn = PQconnectdb(dsn.c_str());
    bool ok = PQstatus(conn) == CONNECTION_OK;
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
    if (ok) {
        PGresult* r = PQexec(conn, sql.c_str());
        ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
        PQclear(r);
    }
    PQfinish(conn);
    return ok;
}

std::string unique_schema() {
    std::string s = "hector_test_" + new_alnum_id(12);
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace hector::store::testing
