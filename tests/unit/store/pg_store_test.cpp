// PostgreSQL: the conformance suite, migrations, and the pool under exhaustion, killed connections and a restart.
// Needs HECTOR_TEST_PG_DSN (scripts/test starts a throwaway server); every test skips with a message without it.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include <libpq-fe.h>
#include <stdlib.h>

#include "hector/store/factory.hpp"
#include "hector/store/postgres/pg_database.hpp"
#include "hector/store/sql/migrations.hpp"
#include "hector/store/sql/sql_queue_store.hpp"
#include "hector/store/sql/sql_task_store.hpp"
#include "store_conformance.hpp"

namespace hector::store::testing {

INSTANTIATE_TEST_SUITE_P(Postgres, StoreConformance, ::testing::Values(postgres_backend()), backend_name);

namespace {

using namespace std::chrono_literals;

class PgTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto dsn = test_pg_dsn();
        if (!dsn) GTEST_SKIP() << "HECTOR_TEST_PG_DSN is not set (scripts/test starts a throwaway PostgreSQL)";
        dsn_ = *dsn;
    }
    void TearDown() override {
        db_.reset();
        if (!dsn_.empty()) pg_exec(dsn_, "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    }
    postgres::PgPoolSettings settings(std::size_t max_conns = 4) const {
        postgres::PgPoolSettings s;
        s.connect.conninfo = dsn_;
        s.connect.schema = schema_;
        s.connect.application_name = "hector-" + schema_;
        s.max_conns = max_conns;
        return s;
    }
    Result<std::unique_ptr<postgres::PgDatabase>> open(postgres::PgPoolSettings s) {
        return postgres::PgDatabase::open(std::move(s), pool_);
    }
    /// Terminates every other server process on the test database: what a server restart does to the pool.
    void kill_other_connections() {
        ASSERT_TRUE(pg_exec(dsn_,
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND application_name = 'hector-" +
                                schema_ + "'"));
    }
    static TaskRecord task(const std::string& id) {
        TaskRecord r;
        r.task.id = id;
        r.task.context_id = "c1";
        r.task.status.timestamp = "2025-01-20T10:00:00Z";
        r.created_at = r.updated_at = Clock::now();
        return r;
    }

    asio::thread_pool pool_{4};
    std::string dsn_;
    std::string schema_ = unique_schema();
    std::unique_ptr<postgres::PgDatabase> db_;
};

TEST_F(PgTest, MigrationsAreRecordedAndRunOnce) {
    auto db = open(settings());
    ASSERT_TRUE(db.ok()) << db.error().message;
    auto versions = [&](sql::Database& d) {
        std::vector<std::int64_t> out;
        auto st = d.transact(sql::TxMode::read, [&](sql::Connection& c) -> Status {
            auto r = c.run("SELECT version FROM schema_version ORDER BY version");
            if (!r) return std::move(r).error();
            for (const auto& row : r->rows) out.push_back(row.integer(0));
            return {};
        });
        EXPECT_TRUE(st.ok());
        return out;
    };
    const auto latest = sql::latest_schema_version(sql::Dialect::postgres);
    auto first = versions(**db);
    ASSERT_EQ(first.size(), static_cast<std::size_t>(latest));
    EXPECT_EQ(first.back(), latest);
    db->reset();
    auto again = open(settings());
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(versions(**again), first);
}

// Every run reads and appends to its session by (app, user, id). PostgreSQL's generic plans (prepared statements
// after a few executions) must take the primary key for that, also before the table has statistics, not another
// index on (app_name, user_id, ...): that reads every session of the user for each lookup (schema step 8).
TEST_F(PgTest, SessionLookupsUseThePrimaryKeyInGenericPlans) {
    auto db = open(settings());
    ASSERT_TRUE(db.ok()) << db.error().message;
    std::string plans;
    auto st = (*db)->transact(sql::TxMode::write, [&](sql::Connection& c) -> Status {
        const char* setup[] = {
            "INSERT INTO sessions (app_name, user_id, id, state_json, event_count, created_at, updated_at) "
            "SELECT 'default', 'default', 'session-' || n, '{}', 0, n, n FROM generate_series(1, 2000) AS n",
            // No ANALYZE: a busy server's statistics lag its tables.
            "SET LOCAL plan_cache_mode = force_generic_plan",
            "PREPARE next_seq (BIGINT, TEXT, TEXT, TEXT) AS UPDATE sessions SET event_count = event_count + 1, "
            "updated_at = $1 WHERE app_name = $2 AND user_id = $3 AND id = $4 RETURNING event_count",
            "PREPARE head (TEXT, TEXT, TEXT) AS SELECT s.event_count FROM (SELECT CAST($1 AS TEXT) AS app_name, "
            "CAST($2 AS TEXT) AS user_id, CAST($3 AS TEXT) AS id) k LEFT JOIN sessions s ON s.app_name = k.app_name "
            "AND s.user_id = k.user_id AND s.id = k.id",
        };
        for (const char* q : setup)
            if (auto r = c.run(q); !r) return std::move(r).error();
        for (const char* q : {"EXPLAIN EXECUTE next_seq (1, 'default', 'default', 'session-7')",
                              "EXPLAIN EXECUTE head ('default', 'default', 'session-7')"}) {
            auto r = c.run(q);
            if (!r) return std::move(r).error();
            for (const auto& row : r->rows) plans += row.text(0) + "\n";
        }
        (void)c.run("DEALLOCATE ALL");
        return Error{Errc::cancelled, "roll back"};  // leave nothing behind
    });
    EXPECT_EQ(st.error().code, Errc::cancelled) << st.error().message;
    EXPECT_EQ(plans.find("sessions_by_update"), std::string::npos) << plans;
    EXPECT_NE(plans.find("sessions_pkey"), std::string::npos) << plans;
}

TEST_F(PgTest, ANewerSchemaIsRefused) {
    {
        auto db = open(settings());
        ASSERT_TRUE(db.ok()) << db.error().message;
        auto st = (*db)->transact(sql::TxMode::write, [](sql::Connection& c) -> Status {
            auto r = c.run("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                           {std::int64_t{999}, std::string("from the future"), std::int64_t{0}});
            if (!r) return std::move(r).error();
            return {};
        });
        ASSERT_TRUE(st.ok()) << st.error().message;
    }
    auto db = open(settings());
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.error().code, Errc::unsupported);
    EXPECT_NE(db.error().message.find("999"), std::string::npos) << db.error().message;
}

TEST_F(PgTest, AnExhaustedPoolAnswersUnavailableAfterItsTimeout) {
    auto s = settings(1);
    s.acquire_timeout = 200ms;
    auto db = open(s);
    ASSERT_TRUE(db.ok()) << db.error().message;
    sql::SqlTaskStore store(**db);
    {
        auto held = (*db)->pool().acquire();  // the only connection
        ASSERT_TRUE(held.ok());
        const auto start = std::chrono::steady_clock::now();
        auto r = sync(store.get("default", "t1"));
        const auto waited = std::chrono::steady_clock::now() - start;
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, Errc::unavailable);
        EXPECT_GE(waited, 150ms);
        EXPECT_LT(waited, 3s);
    }
    EXPECT_EQ(sync(store.get("default", "t1")).error().code, Errc::task_not_found);  // usable again
}

// BEGIN travels with a transaction's first statement. Whatever the first statement meets, what follows stays inside
// the transaction: a failed statement's writes and those before or after it go with a rollback, a statement that
// could not even be prepared does not leave the next one outside the transaction, and a transaction that runs
// nothing succeeds without sending anything.
TEST_F(PgTest, TransactionsStayWholeWithBeginSentWithTheFirstStatement) {
    auto db = open(settings(1));
    ASSERT_TRUE(db.ok()) << db.error().message;
    auto& d = **db;
    auto write = [&](const std::function<Status(sql::Connection&)>& fn) { return d.transact(sql::TxMode::write, fn); };
    auto count = [&] {
        std::int64_t n = -1;
        EXPECT_TRUE(d.transact(sql::TxMode::read, [&](sql::Connection& c) -> Status {
                         auto r = c.run("SELECT COUNT(*) FROM scratch");
                         if (!r) return std::move(r).error();
                         n = r->rows.at(0).integer(0);
                         return {};
                     }).ok());
        return n;
    };
    ASSERT_TRUE(write([](sql::Connection& c) -> Status {
                    if (auto r = c.run("CREATE TABLE scratch (n BIGINT PRIMARY KEY)"); !r) return std::move(r).error();
                    return {};
                }).ok());
    EXPECT_TRUE(write([](sql::Connection&) -> Status { return {}; }).ok());
    // The first statement fails to prepare; the insert after it is still in a transaction, rolled back.
    auto st = write([](sql::Connection& c) -> Status {
        EXPECT_FALSE(c.run("SELEKT 1").ok());
        EXPECT_TRUE(c.run("INSERT INTO scratch (n) VALUES (?)", {sql::Param{std::int64_t{1}}}).ok());
        return Error{Errc::internal, "changed my mind"};
    });
    EXPECT_FALSE(st.ok());
    EXPECT_EQ(count(), 0);
    // The first statement carries BEGIN and succeeds; the second fails: neither stays.
    st = write([](sql::Connection& c) -> Status {
        if (auto r = c.run("INSERT INTO scratch (n) VALUES (?)", {sql::Param{std::int64_t{2}}}); !r)
            return std::move(r).error();
        if (auto r = c.run("INSERT INTO scratch (n) VALUES (?)", {sql::Param{std::int64_t{2}}}); !r)
            return std::move(r).error();
        return {};
    });
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, Errc::conflict) << st.error().message;
    EXPECT_EQ(count(), 0);
    // The first statement itself fails on the server: the transaction is aborted, the connection still serves.
    st = write([](sql::Connection& c) -> Status {
        if (auto r = c.run("SELECT 1 / (? - 1)", {sql::Param{std::int64_t{1}}}); !r) return std::move(r).error();
        return {};
    });
    EXPECT_FALSE(st.ok());
    ASSERT_TRUE(write([](sql::Connection& c) -> Status {
                    for (std::int64_t n : {3, 4})
                        if (auto r = c.run("INSERT INTO scratch (n) VALUES (?)", {sql::Param{n}}); !r)
                            return std::move(r).error();
                    return {};
                }).ok());
    EXPECT_EQ(count(), 2);
    EXPECT_EQ(d.pool().stats().open, 1u);  // the one connection served all of it
}

// Two interactive runs of one conversation inserted at the same moment (on two instances) must not both run
// (DECISIONS 20): the second's insert waits for the first's transaction and then finds its row, so it waits its turn.
// Without the conversation's lock it would not see the uncommitted row and would run beside it.
TEST_F(PgTest, InteractiveRunsOfAConversationInsertedAtOnceTakeTurns) {
    auto db = open(settings(4));
    ASSERT_TRUE(db.ok()) << db.error().message;
    auto& d = **db;
    sql::SqlTaskStore store(d);
    auto row = [](const std::string& id) {
        QueueItem q;
        q.task_id = id;
        q.app_id = "default";
        q.context_id = "c1";
        q.kind = QueueItem::Kind::interactive;
        q.state = QueueItem::State::running;
        q.attempts = 1;
        q.lease_owner = "instance-" + id;
        q.created_at = q.available_at = Clock::now();
        q.lease_expires_at = q.created_at + std::chrono::minutes(1);
        return q;
    };
    for (const char* id : {"a", "b"}) ASSERT_TRUE(sync(store.create(task(id))).ok());
    std::promise<void> a_inserted, a_may_commit;
    std::optional<bool> a_runs, b_runs;
    std::thread first([&] {
        EXPECT_TRUE(d.transact(sql::TxMode::write, [&](sql::Connection& c) -> Status {
                         auto r = sql::insert_interactive_row(c, row("a"), "{}");
                         if (!r) return std::move(r).error();
                         a_runs = *r;
                         a_inserted.set_value();
                         a_may_commit.get_future().wait();
                         return {};
                     }).ok());
    });
    a_inserted.get_future().wait();
    std::thread second([&] {
        EXPECT_TRUE(d.transact(sql::TxMode::write, [&](sql::Connection& c) -> Status {
                         auto r = sql::insert_interactive_row(c, row("b"), "{}");
                         if (!r) return std::move(r).error();
                         b_runs = *r;
                         return {};
                     }).ok());
    });
    std::this_thread::sleep_for(300ms);  // b's insert reaches the server while a's is uncommitted
    a_may_commit.set_value();
    first.join();
    second.join();
    EXPECT_EQ(a_runs, std::optional<bool>(true));
    EXPECT_EQ(b_runs, std::optional<bool>(false));  // pending: it runs after a
}

// A job queued into a conversation while an interactive run of it is being inserted on another instance: the put
// waits for the run's commit, so no claim can take the job while the run is still invisible to it (both would run).
TEST_F(PgTest, AJobPutBesideAnInteractiveInsertIsNotClaimedBesideTheRun) {
    auto db = open(settings(4));
    ASSERT_TRUE(db.ok()) << db.error().message;
    auto& d = **db;
    sql::SqlTaskStore store(d);
    sql::SqlQueueStore queue(d);
    for (const char* id : {"run", "job"}) ASSERT_TRUE(sync(store.create(task(id))).ok());
    const auto now = Clock::now();
    QueueItem run;
    run.task_id = "run";
    run.app_id = "default";
    run.context_id = "c1";
    run.kind = QueueItem::Kind::interactive;
    run.state = QueueItem::State::running;
    run.attempts = 1;
    run.lease_owner = "instance-a";
    run.created_at = run.available_at = now - 1s;
    run.lease_expires_at = now + 1min;
    QueueItem job;
    job.task_id = "job";
    job.app_id = "default";
    job.context_id = "c1";
    job.created_at = job.available_at = now;
    job.input = R"({"n":1})";
    std::promise<void> run_inserted, run_may_commit;
    std::thread first([&] {
        EXPECT_TRUE(d.transact(sql::TxMode::write, [&](sql::Connection& c) -> Status {
                         auto r = sql::insert_interactive_row(c, run, sql::encode_queue_input(run));
                         if (!r) return std::move(r).error();
                         run_inserted.set_value();
                         run_may_commit.get_future().wait();
                         return {};
                     }).ok());
    });
    run_inserted.get_future().wait();
    std::thread second([&] { EXPECT_TRUE(sync(queue.put(job)).ok()); });
    std::this_thread::sleep_for(300ms);  // the put reaches the server while the run is uncommitted
    auto claimed = sync(queue.claim("instance-b", 10, now + 1s, now + 1min));
    run_may_commit.set_value();
    first.join();
    second.join();
    ASSERT_TRUE(claimed.ok()) << claimed.error().message;
    EXPECT_TRUE(claimed->empty()) << "the job was claimed while its conversation's run was starting";
    EXPECT_TRUE(sync(queue.claim("instance-b", 10, now + 1s, now + 1min))->empty());  // and it waits for the run
}

TEST_F(PgTest, KilledConnectionsAreReplaced) {
    auto db = open(settings(4));
    ASSERT_TRUE(db.ok()) << db.error().message;
    sql::SqlTaskStore store(**db);
    ASSERT_TRUE(sync(store.create(task("t1"))).ok());
    EXPECT_GE((*db)->pool().stats().idle, 1u);
    kill_other_connections();
    std::this_thread::sleep_for(100ms);
    // The first statement meets a dead pooled connection; the transaction is retried on a new one.
    auto got = sync(store.get("default", "t1"));
    ASSERT_TRUE(got.ok()) << got.error().message;
    ASSERT_TRUE(sync(store.create(task("t2"))).ok());
    EXPECT_LE((*db)->pool().stats().open, 4u);
}

TEST_F(PgTest, ThePoolRecoversWhenTheServerComesBack) {
    const char* stop = std::getenv("HECTOR_TEST_PG_STOP");
    const char* start = std::getenv("HECTOR_TEST_PG_START");
    if (!stop || !start) GTEST_SKIP() << "HECTOR_TEST_PG_STOP/START are not set (scripts/test sets them)";
    auto s = settings(2);
    s.acquire_timeout = 1s;
    s.connect.connect_timeout = 2s;
    auto db = open(s);
    ASSERT_TRUE(db.ok()) << db.error().message;
    sql::SqlTaskStore store(**db);
    ASSERT_TRUE(sync(store.create(task("t1"))).ok());

    ASSERT_EQ(std::system(stop), 0);
    auto down = sync(store.get("default", "t1"));
    ASSERT_FALSE(down.ok());
    EXPECT_EQ(down.error().code, Errc::unavailable) << down.error().message;
    ASSERT_EQ(std::system(start), 0);

    auto up = sync(store.get("default", "t1"));
    ASSERT_TRUE(up.ok()) << up.error().message;
    EXPECT_TRUE(sync(store.create(task("t2"))).ok());
}

// Change signals between instances: another instance's signal arrives with its kind and task id, an instance's own
// never does, and after the server restarts the listener reconnects, says so (on_gap) and hears signals again.
TEST_F(PgTest, SignalsReachOtherInstancesAndSurviveARestart) {
    auto sender_db = open(settings());
    ASSERT_TRUE(sender_db.ok()) << sender_db.error().message;
    auto receiver_db = open(settings());
    ASSERT_TRUE(receiver_db.ok()) << receiver_db.error().message;
    std::mutex mu;
    std::vector<std::string> heard;
    std::atomic<int> gaps{0};
    auto record = [&](const std::string& who) {
        return [&, who](char kind, std::string_view id) {
            std::lock_guard lock(mu);
            heard.push_back(who + " " + kind + " " + std::string(id));
        };
    };
    ASSERT_TRUE((*sender_db)->listen("instance-a", record("a"), [] {}).ok());
    ASSERT_TRUE((*receiver_db)->listen("instance-b", record("b"), [&] { ++gaps; }).ok());
    auto send = [&](char kind, const std::string& id) {
        return (*sender_db)->transact(sql::TxMode::write, [&](sql::Connection& c) {
            return (*sender_db)->signal(c, kind, id);
        });
    };
    auto heard_now = [&] {
        std::lock_guard lock(mu);
        return heard;
    };
    auto wait_for = [&](std::size_t n) {
        for (int i = 0; i < 200 && heard_now().size() < n; ++i) std::this_thread::sleep_for(25ms);
        return heard_now();
    };
    ASSERT_TRUE(send('t', "task-1").ok());
    ASSERT_TRUE(send('q', "").ok());
    EXPECT_EQ(wait_for(2), (std::vector<std::string>{"b t task-1", "b q "}));  // a never hears its own

    // A rolled-back transaction sends nothing.
    (void)(*sender_db)->transact(sql::TxMode::write, [&](sql::Connection& c) -> Status {
        if (auto st = (*sender_db)->signal(c, 't', "never"); !st) return st;
        return Error{Errc::cancelled, "roll back"};
    });
    ASSERT_TRUE(send('t', "task-2").ok());
    EXPECT_EQ(wait_for(3).back(), "b t task-2");
    EXPECT_EQ(heard_now().size(), 3u);

    const char* stop = std::getenv("HECTOR_TEST_PG_STOP");
    const char* start = std::getenv("HECTOR_TEST_PG_START");
    if (!stop || !start) GTEST_SKIP() << "the restart part needs HECTOR_TEST_PG_STOP/START (scripts/test sets them)";
    ASSERT_EQ(std::system(stop), 0);
    ASSERT_EQ(std::system(start), 0);
    for (int i = 0; i < 400 && gaps.load() == 0; ++i) std::this_thread::sleep_for(50ms);
    EXPECT_EQ(gaps.load(), 1);
    bool sent = false;
    for (int i = 0; i < 40 && !sent; ++i) {
        sent = send('t', "task-3").ok();  // the pool reconnects too
        if (!sent) std::this_thread::sleep_for(100ms);
    }
    ASSERT_TRUE(sent);
    EXPECT_EQ(wait_for(4).back(), "b t task-3");
}

/// databases.<n> with the DSN, and with the DSN taken apart into host/port/database/username: both reach the server.
/// PGOPTIONS keeps the tables in this test's schema (libpq reads it when the conninfo sets no options).
TEST_F(PgTest, TheFactoryOpensPostgresFromADsnOrFromFields) {
    ASSERT_TRUE(pg_exec(dsn_, "CREATE SCHEMA " + schema_));
    ASSERT_EQ(setenv("PGOPTIONS", ("-c search_path=" + schema_).c_str(), 1), 0);
    config::Config config;
    config.databases["main"].driver = "postgres";
    config.databases["main"].dsn = dsn_;
    config.databases["main"].max_conns = 3;
    config.storage.tasks = {"sql", "main"};
    config.storage.sessions = {"sql", "main"};
    {
        auto stores = open_stores(config, pool_);
        ASSERT_TRUE(stores.ok()) << stores.error().message;
        EXPECT_EQ(stores->databases.size(), 1u);
        EXPECT_TRUE(stores->tasks_backend.starts_with("postgres ")) << stores->tasks_backend;
        ASSERT_TRUE(sync(stores->tasks->create(task("t1"))).ok());
        ASSERT_TRUE(sync(stores->sessions->append({"default", "u", "s"}, SessionEvent{})).ok());
    }

    char* err = nullptr;
    PQconninfoOption* options = PQconninfoParse(dsn_.c_str(), &err);
    ASSERT_NE(options, nullptr) << (err ? err : "");
    auto& db = config.databases["main"];
    db.dsn.clear();
    for (auto* o = options; o->keyword; ++o) {
        if (!o->val) continue;
        const std::string_view k = o->keyword;
        if (k == "host" || k == "hostaddr") db.host = o->val;
        if (k == "port") db.port = std::atoi(o->val);
        if (k == "dbname") db.database = o->val;
        if (k == "user") db.username = o->val;
        if (k == "password") db.password = o->val;
    }
    PQconninfoFree(options);
    auto stores = open_stores(config, pool_);
    unsetenv("PGOPTIONS");
    ASSERT_TRUE(stores.ok()) << stores.error().message;
    EXPECT_TRUE(sync(stores->tasks->get("default", "t1")).ok());
    EXPECT_EQ(sync(stores->sessions->get({"default", "u", "s"}, std::nullopt))->event_count, 1);
}

TEST(PgUnreachable, OpeningFailsWithUnavailable) {
    asio::thread_pool pool(1);
    postgres::PgPoolSettings s;
    s.connect.conninfo = "host=127.0.0.1 port=1 dbname=nothing user=nobody";
    s.connect.connect_timeout = 2s;
    auto db = postgres::PgDatabase::open(s, pool);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.error().code, Errc::unavailable);
    EXPECT_NE(db.error().message.find("127.0.0.1:1"), std::string::npos) << db.error().message;
}

}  // namespace
}  // namespace hector::store::testing
