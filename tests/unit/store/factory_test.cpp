// store::open_stores: which backend the config selects, defaults (DECISIONS 18), sharing and refusals.
#include "hector/store/factory.hpp"

#include <gtest/gtest.h>

#include "hector/store/memory/memory_session_store.hpp"
#include "hector/store/memory/memory_task_store.hpp"
#include "hector/store/postgres/pg_connection.hpp"
#include "hector/store/sql/sql_session_store.hpp"
#include "hector/store/sql/sql_task_store.hpp"
#include "store_test_support.hpp"

namespace hector::store::testing {
namespace {

config::DatabaseConfig sqlite_db(const std::string& path) {
    config::DatabaseConfig db;
    db.driver = "sqlite";
    db.database = path;
    return db;
}

class FactoryTest : public ::testing::Test {
  protected:
    OpenOptions options() const {
        OpenOptions o;
        o.default_sqlite_path = dir_.file("implicit/hector.db");
        return o;
    }
    TempDir dir_;
    asio::thread_pool pool_{2};
};

TEST_F(FactoryTest, UnsetBackendsMeanTheImplicitSqliteDatabase) {
    config::Config config;
    auto stores = open_stores(config, pool_, options());
    ASSERT_TRUE(stores.ok()) << stores.error().message;
    EXPECT_TRUE(std::filesystem::exists(dir_.file("implicit/hector.db")));
    EXPECT_NE(dynamic_cast<sql::SqlTaskStore*>(stores->tasks.get()), nullptr);
    EXPECT_NE(dynamic_cast<sql::SqlSessionStore*>(stores->sessions.get()), nullptr);
    EXPECT_EQ(stores->databases.size(), 1u);  // tasks and sessions share it
    EXPECT_EQ(stores->tasks_backend, "sqlite " + dir_.file("implicit/hector.db"));
    // The stores work end to end.
    TaskRecord r;
    r.task.id = "t1";
    r.task.status.timestamp = "2025-01-20T10:00:00Z";
    ASSERT_TRUE(sync(stores->tasks->create(r)).ok());
    EXPECT_TRUE(sync(stores->tasks->get("default", "t1")).ok());
}

// The product's default: a relative path whose directory does not exist yet (a first start in a fresh directory).
// Tasks and sessions must still share one database: two would be two writers of one file, waiting on each other's
// locks, and a run's outcome and conversation could not share a transaction.
TEST_F(FactoryTest, ARelativeImplicitPathInAFreshDirectoryIsOpenedOnce) {
    struct InDir {
        std::filesystem::path before = std::filesystem::current_path();
        explicit InDir(const std::string& d) { std::filesystem::current_path(d); }
        ~InDir() { std::filesystem::current_path(before); }
    } in_dir(dir_.file(""));
    config::Config config;
    OpenOptions o;
    o.default_sqlite_path = ".hector/hector.db";
    auto stores = open_stores(config, pool_, o);
    ASSERT_TRUE(stores.ok()) << stores.error().message;
    EXPECT_TRUE(std::filesystem::exists(dir_.file(".hector/hector.db")));
    EXPECT_EQ(stores->databases.size(), 1u);
    EXPECT_EQ(stores->tasks_database, stores->databases.front().get());
}

TEST_F(FactoryTest, InmemoryAndItsAliasNeedNoDatabase) {
    config::Config config;
    config.storage.tasks.backend = "inmemory";
    config.storage.sessions.backend = "memory";
    auto stores = open_stores(config, pool_, options());
    ASSERT_TRUE(stores.ok()) << stores.error().message;
    EXPECT_NE(dynamic_cast<MemoryTaskStore*>(stores->tasks.get()), nullptr);
    EXPECT_NE(dynamic_cast<MemorySessionStore*>(stores->sessions.get()), nullptr);
    EXPECT_TRUE(stores->databases.empty());
    EXPECT_FALSE(std::filesystem::exists(dir_.file("implicit")));
    EXPECT_EQ(stores->tasks_backend, "memory");
}

TEST_F(FactoryTest, MixedBackends) {
    config::Config config;
    config.databases["main"] = sqlite_db(dir_.file("data/main.db"));
    config.storage.tasks.backend = "sql";
    config.storage.tasks.database = "main";
    config.storage.sessions.backend = "inmemory";
    auto stores = open_stores(config, pool_, options());
    ASSERT_TRUE(stores.ok()) << stores.error().message;
    EXPECT_NE(dynamic_cast<sql::SqlTaskStore*>(stores->tasks.get()), nullptr);
    EXPECT_NE(dynamic_cast<MemorySessionStore*>(stores->sessions.get()), nullptr);
    EXPECT_TRUE(std::filesystem::exists(dir_.file("data/main.db")));
}

TEST_F(FactoryTest, TwoKeysNamingOneFileShareOneDatabase) {
    config::Config config;
    config.databases["a"] = sqlite_db(dir_.file("shared.db"));
    config.databases["b"] = sqlite_db(dir_.file("./sub/../shared.db"));
    config.storage.tasks = {"sql", "a"};
    config.storage.sessions = {"sql", "b"};
    auto stores = open_stores(config, pool_, options());
    ASSERT_TRUE(stores.ok()) << stores.error().message;
    EXPECT_EQ(stores->databases.size(), 1u);
}

TEST_F(FactoryTest, SeparateDatabasesForTasksAndSessions) {
    config::Config config;
    config.databases["tasks"] = sqlite_db(dir_.file("tasks.db"));
    config.databases["sessions"] = sqlite_db(dir_.file("sessions.db"));
    config.storage.tasks = {"sql", "tasks"};
    config.storage.sessions = {"sql", "sessions"};
    auto stores = open_stores(config, pool_, options());
    ASSERT_TRUE(stores.ok()) << stores.error().message;
    EXPECT_EQ(stores->databases.size(), 2u);
}

TEST_F(FactoryTest, RefusesWhatItCannotOpen) {
    auto error_of = [&](const config::Config& config) {
        auto stores = open_stores(config, pool_, options());
        EXPECT_FALSE(stores.ok());
        return stores.ok() ? Error{} : stores.error();
    };
    config::Config mysql;
    mysql.databases["main"].driver = "mysql";
    mysql.databases["main"].database = "hector";
    mysql.storage.tasks = {"sql", "main"};
    auto e = error_of(mysql);
    EXPECT_EQ(e.code, Errc::unsupported);
    EXPECT_EQ(e.message,
              "databases.main.driver: mysql is not supported by this build of hector (use sqlite or "
              "postgres)");

    config::Config unknown_key;
    unknown_key.storage.sessions = {"sql", "nope"};
    e = error_of(unknown_key);
    EXPECT_EQ(e.code, Errc::invalid_argument);
    EXPECT_EQ(e.message, "storage.sessions.database: unknown database \"nope\"");

    config::Config unknown_backend;
    unknown_backend.storage.tasks.backend = "redis";
    e = error_of(unknown_backend);
    EXPECT_EQ(e.code, Errc::invalid_argument);
    EXPECT_EQ(e.message, "storage.tasks.backend: unknown backend \"redis\" (inmemory or sql)");

    config::Config no_key;
    no_key.storage.tasks.backend = "sql";
    EXPECT_EQ(error_of(no_key).code, Errc::invalid_argument);

    config::Config bad_file;
    bad_file.databases["main"] = sqlite_db(dir_.file("a-directory"));
    std::filesystem::create_directories(dir_.file("a-directory"));
    bad_file.storage.tasks = {"sql", "main"};
    e = error_of(bad_file);
    EXPECT_EQ(e.code, Errc::io_error);
    EXPECT_TRUE(e.message.starts_with("databases.main: sqlite ")) << e.message;
}

TEST(PostgresConninfo, FieldsAreQuotedAndTheDsnWins) {
    config::DatabaseConfig db;
    db.driver = "postgres";
    db.host = "db.internal";
    db.port = 5433;
    db.database = "hector";
    db.username = "app";
    db.password = "it's a \\ secret";
    EXPECT_EQ(postgres_conninfo(db),
              "host='db.internal' port='5433' dbname='hector' user='app' "
              "password='it\\'s a \\\\ secret' sslmode='disable'");
    EXPECT_EQ(postgres::describe_conninfo(postgres_conninfo(db)), "postgres app@db.internal:5433/hector");
    db.dsn = "postgresql://u:pw@h:1/d";
    EXPECT_EQ(postgres_conninfo(db), "postgresql://u:pw@h:1/d");
    EXPECT_EQ(postgres::describe_conninfo(db.dsn), "postgres u@h:1/d");
}

TEST(PostgresPlaceholders, QuestionMarksBecomeNumberedOutsideQuotes) {
    EXPECT_EQ(postgres::number_placeholders("a = ? AND b = '?' AND \"c?\" = ? OR d = 'it''s ?' AND e = ?"),
              "a = $1 AND b = '?' AND \"c?\" = $2 OR d = 'it''s ?' AND e = $3");
}

}  // namespace
}  // namespace hector::store::testing
