// SQLite: pragmas, migrations, persistence, and what a damaged, read-only or full disk does (an error, never a
// crash, never a half-written row).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <future>

#include "hector/a2a/types.hpp"
#include "hector/store/sql/migrations.hpp"
#include "hector/store/sql/row_codec.hpp"
#include "hector/store/sql/sql_queue_store.hpp"
#include "hector/store/sql/sql_session_store.hpp"
#include "hector/store/sql/sql_task_store.hpp"
#include "hector/store/sqlite/sqlite_database.hpp"
#include "store_test_support.hpp"

namespace hector::store::testing {
namespace {

using sqlite::SqliteDatabase;

TaskRecord task(const std::string& id, std::size_t history_bytes = 10) {
    TaskRecord r;
    r.task.id = id;
    r.task.context_id = "c1";
    r.task.status.state = a2a::TaskState::working;
    r.task.status.timestamp = "2025-01-20T10:00:00Z";
    a2a::Message m;
    m.message_id = "m-" + id;
    m.parts.push_back(a2a::Part::make_text(std::string(history_bytes, 'x')));
    r.task.history.push_back(m);
    r.created_at = r.updated_at = Clock::now();
    return r;
}

Result<std::unique_ptr<SqliteDatabase>> open_db(const std::string& path, asio::thread_pool& pool) {
    sqlite::SqliteSettings s;
    s.path = path;
    return SqliteDatabase::open(s, pool);
}

/// The first column of the first row of a read-only query.
std::string query_text(sql::Database& db, const std::string& sql, sql::TxMode mode = sql::TxMode::read) {
    std::string out = "<error>";
    auto st = db.transact(mode, [&](sql::Connection& c) -> Status {
        auto r = c.run(sql);
        if (!r) return std::move(r).error();
        out = r->rows.empty() ? "<none>" : r->rows.front().text(0);
        return {};
    });
    if (!st) return "<error: " + st.error().message + ">";
    return out;
}

/// Runs fn in a forked child (with no threads of the parent) and returns its exit code; -1 when it died of a
/// signal. The child must not use gtest assertions.
int in_child(const std::function<int()>& fn) {
    const pid_t pid = fork();
    if (pid == 0) {
        int code = 98;
        try {
            code = fn();
        } catch (...) {
            code = 97;
        }
        _exit(code);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(SqliteDatabase, CreatesTheDirectoryAndAppliesThePragmas) {
    TempDir dir;
    asio::thread_pool pool(2);
    const auto path = dir.file("nested/deeper/hector.db");
    auto db = open_db(path, pool);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_TRUE(std::filesystem::exists(path));
    EXPECT_EQ(query_text(**db, "PRAGMA journal_mode", sql::TxMode::write), "wal");
    EXPECT_EQ(query_text(**db, "PRAGMA synchronous", sql::TxMode::write), "1");  // NORMAL
    EXPECT_EQ(query_text(**db, "PRAGMA foreign_keys", sql::TxMode::write), "1");
    EXPECT_EQ(query_text(**db, "PRAGMA foreign_keys"), "1");  // on the read connections too
    EXPECT_EQ(query_text(**db, "PRAGMA query_only"), "1");
    EXPECT_EQ((*db)->describe(), "sqlite " + path);
}

TEST(SqliteDatabase, DataSurvivesReopening) {
    TempDir dir;
    asio::thread_pool pool(2);
    const auto path = dir.file("hector.db");
    {
        auto db = open_db(path, pool);
        ASSERT_TRUE(db.ok()) << db.error().message;
        sql::SqlTaskStore tasks(**db);
        sql::SqlSessionStore sessions(**db);
        ASSERT_TRUE(sync(tasks.create(task("t1"))).ok());
        SessionEvent e;
        e.state_delta["k"] = "v";
        ASSERT_TRUE(sync(sessions.append({"default", "u", "s1"}, e)).ok());
    }
    auto db = open_db(path, pool);
    ASSERT_TRUE(db.ok()) << db.error().message;
    sql::SqlTaskStore tasks(**db);
    sql::SqlSessionStore sessions(**db);
    EXPECT_TRUE(sync(tasks.get("default", "t1")).ok());
    auto s = sync(sessions.get({"default", "u", "s1"}, std::nullopt));
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->event_count, 1);
    EXPECT_EQ(s->state.at("k"), "v");
}

// Jobs queued behind another of their conversation are parked out of the claims' way until it ends. A row left
// parked with nothing before it (on PostgreSQL, an insert racing with the end of the row before it; here, that row
// deleted behind the store's back) is released by release_parked, which recovery runs periodically.
TEST(SqliteQueue, ParkedJobsWaitOutOfTheClaimsWayAndStrandedOnesAreReleased) {
    TempDir dir;
    asio::thread_pool pool(2);
    auto db = open_db(dir.file("hector.db"), pool);
    ASSERT_TRUE(db.ok()) << db.error().message;
    sql::SqlTaskStore tasks(**db);
    sql::SqlQueueStore queue(**db);
    const auto now = Clock::now();
    auto job = [&](const std::string& id, int age_s) {
        QueueItem q;
        q.task_id = id;
        q.app_id = "default";
        q.context_id = "c1";
        q.created_at = q.available_at = now - std::chrono::seconds(age_s);
        q.input = R"({"n":")" + id + R"("})";
        return q;
    };
    for (const auto& [id, age] : std::vector<std::pair<std::string, int>>{{"b1", 3}, {"b2", 2}, {"b3", 1}}) {
        auto r = task(id);
        r.app_id = "default";
        ASSERT_TRUE(sync(tasks.create(r)).ok());
        ASSERT_TRUE(sync(queue.put(job(id, age))).ok());
    }
    auto parked = [&](const std::string& id) {
        auto q = sync(queue.get(id));
        return q.ok() && q->has_value() && (*q)->available_at > now + std::chrono::hours(24 * 365);
    };
    EXPECT_FALSE(parked("b1"));
    EXPECT_TRUE(parked("b2"));
    EXPECT_TRUE(parked("b3"));
    // b1's end lets b2, and only b2, out of the parking, available from its creation.
    ASSERT_EQ(sync(queue.claim("w", 10, now, now + std::chrono::minutes(1)))->size(), 1u);
    ASSERT_TRUE(sync(queue.remove("b1")).ok());
    EXPECT_FALSE(parked("b2"));
    EXPECT_EQ((*sync(queue.get("b2")))->available_at, now - std::chrono::seconds(2));
    EXPECT_TRUE(parked("b3"));
    // b2 vanishes without its end: b3 stays parked until release_parked finds nothing before it.
    EXPECT_EQ(query_text(**db, "DELETE FROM task_queue WHERE task_id = 'b2' RETURNING task_id", sql::TxMode::write),
              "b2");
    EXPECT_TRUE(sync(queue.claim("w", 10, now, now + std::chrono::minutes(1)))->empty());
    EXPECT_EQ(*sync(queue.release_parked()), 1u);
    EXPECT_EQ(*sync(queue.release_parked()), 0u);
    auto claimed = sync(queue.claim("w", 10, now, now + std::chrono::minutes(1)));
    ASSERT_EQ(claimed->size(), 1u);
    EXPECT_EQ(claimed->front().task_id, "b3");
}

// Checkpoints run beside the writer: under writes that never pause, the WAL is still copied into the database
// file and started over, so it stays a few MB however much is written (without them it would hold every page
// written since the start: here ~80 MB). The checkpoint thread may not get a core or the write lock in time (on
// two busy cores it let the WAL reach 46 MB); the writer then checkpoints itself, and the file is cut back to 16 MB
// when the WAL starts over.
TEST(SqliteDatabase, TheWalStaysBoundedUnderContinuousWrites) {
    TempDir dir;
    asio::thread_pool pool(4);
    const auto path = dir.file("hector.db");
    auto db = open_db(path, pool);
    ASSERT_TRUE(db.ok()) << db.error().message;
    sql::SqlTaskStore tasks(**db);
    // 4 writers, 2,500 tasks of ~32 KB each (eight pages or more per task), with no pause between them.
    std::vector<std::future<void>> writers;
    std::atomic<int> failures{0};
    for (int w = 0; w < 4; ++w)
        writers.push_back(std::async(std::launch::async, [&, w] {
            for (int i = 0; i < 625; ++i)
                if (!sync(tasks.create(task("t-" + std::to_string(w) + "-" + std::to_string(i), 32000))).ok())
                    ++failures;
        }));
    for (auto& f : writers) f.get();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(query_text(**db, "SELECT COUNT(*) FROM a2a_tasks"), "2500");
    const auto wal = std::filesystem::file_size(path + "-wal");
    EXPECT_LT(wal, 32u * 1024 * 1024) << "the WAL was never started over";
    EXPECT_GT(std::filesystem::file_size(path), 60u * 1024 * 1024);  // the data reached the database file
}

TEST(SqliteMigrations, EveryStepIsRecordedOnceInOrder) {
    TempDir dir;
    asio::thread_pool pool(2);
    const auto path = dir.file("hector.db");
    const auto latest = sql::latest_schema_version(sql::Dialect::sqlite);
    std::string first;
    {
        auto db = open_db(path, pool);
        ASSERT_TRUE(db.ok()) << db.error().message;
        EXPECT_EQ(query_text(**db, "SELECT COUNT(*) FROM schema_version"), std::to_string(latest));
        EXPECT_EQ(query_text(**db, "SELECT MAX(version) FROM schema_version"), std::to_string(latest));
        first = query_text(**db,
                           "SELECT group_concat(version || ':' || name || ':' || applied_at) FROM "
                           "schema_version");
    }
    auto db = open_db(path, pool);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(query_text(**db,
                         "SELECT group_concat(version || ':' || name || ':' || applied_at) FROM "
                         "schema_version"),
              first);
}

TEST(SqliteMigrations, AStepIsAllOrNothing) {
    TempDir dir;
    asio::thread_pool pool(2);
    auto db = open_db(dir.file("hector.db"), pool);
    ASSERT_TRUE(db.ok()) << db.error().message;
    const auto base = sql::migrations(sql::Dialect::sqlite);
    const int latest = sql::latest_schema_version(sql::Dialect::sqlite);
    std::vector<sql::Migration> steps(base.begin(), base.end());
    steps.push_back({latest + 1, "extra", {"CREATE TABLE extra (x INTEGER)"}});
    ASSERT_TRUE(sql::migrate(**db, steps).ok());
    EXPECT_EQ(query_text(**db, "SELECT MAX(version) FROM schema_version"), std::to_string(latest + 1));

    steps.push_back({latest + 2, "broken", {"CREATE TABLE extra2 (y INTEGER)", "THIS IS NOT SQL"}});
    auto st = sql::migrate(**db, steps);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("broken"), std::string::npos) << st.error().message;
    EXPECT_EQ(query_text(**db, "SELECT MAX(version) FROM schema_version"), std::to_string(latest + 1));
    EXPECT_EQ(query_text(**db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'extra2'"), "0");
}

TEST(SqliteMigrations, ANewerSchemaIsRefused) {
    TempDir dir;
    asio::thread_pool pool(2);
    const auto path = dir.file("hector.db");
    {
        auto db = open_db(path, pool);
        ASSERT_TRUE(db.ok()) << db.error().message;
        auto st = (*db)->transact(sql::TxMode::write, [](sql::Connection& c) -> Status {
            auto r = c.run("INSERT INTO schema_version (version, name, applied_at) VALUES (999, 'future', 0)");
            if (!r) return std::move(r).error();
            return {};
        });
        ASSERT_TRUE(st.ok()) << st.error().message;
    }
    auto db = open_db(path, pool);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.error().code, Errc::unsupported);
    EXPECT_NE(db.error().message.find("version 999"), std::string::npos) << db.error().message;
    EXPECT_NE(db.error().message.find("refusing to run"), std::string::npos) << db.error().message;
}

TEST(SqliteDamage, AFileThatIsNotADatabaseIsRefused) {
    TempDir dir;
    const auto path = dir.file("hector.db");
    {
        std::ofstream out(path, std::ios::binary);
        for (int i = 0; i < 200; ++i) out << "this is not a database, just some text. ";
    }
    asio::thread_pool pool(2);
    auto db = open_db(path, pool);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.error().code, Errc::io_error);
    EXPECT_NE(db.error().message.find("not a database"), std::string::npos) << db.error().message;
}

TEST(SqliteDamage, DamagedPagesGiveIoErrorsNotCrashesOrWrongRows) {
    TempDir dir;
    const auto path = dir.file("hector.db");
    constexpr int kTasks = 300;
    {
        asio::thread_pool pool(2);
        auto db = open_db(path, pool);
        ASSERT_TRUE(db.ok()) << db.error().message;
        sql::SqlTaskStore tasks(**db);
        for (int i = 0; i < kTasks; ++i) ASSERT_TRUE(sync(tasks.create(task("t" + std::to_string(i), 3000))).ok());
    }
    // Overwrite the second half of the file (closing checkpointed the WAL into it).
    const auto size = std::filesystem::file_size(path);
    ASSERT_GT(size, 500'000u);
    {
        std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
        f.seekp(static_cast<std::streamoff>(size / 2));
        const std::string junk(size / 2 - 4096, 'Z');
        f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
    asio::thread_pool pool(2);
    auto db = open_db(path, pool);
    if (!db.ok()) {
        EXPECT_EQ(db.error().code, Errc::io_error) << db.error().message;
        return;
    }
    sql::SqlTaskStore tasks(**db);
    int io_errors = 0;
    for (int i = 0; i < kTasks; ++i) {
        const auto id = "t" + std::to_string(i);
        auto r = sync(tasks.get("default", id));
        if (r.ok()) {
            EXPECT_EQ(r->task.id, id);
            EXPECT_EQ(r->task.history.at(0).parts.at(0).text, std::string(3000, 'x'));
            continue;
        }
        EXPECT_TRUE(r.error().code == Errc::io_error || r.error().code == Errc::task_not_found) << r.error().message;
        if (r.error().code == Errc::io_error) ++io_errors;
    }
    EXPECT_GT(io_errors, 0);
    EXPECT_NE(query_text(**db, "PRAGMA quick_check"), "ok");
}

TEST(SqliteDamage, AReadOnlyFileIsRefusedWithAClearError) {
    TempDir dir;
    const auto path = dir.file("hector.db");
    {
        asio::thread_pool pool(2);
        auto db = open_db(path, pool);
        ASSERT_TRUE(db.ok()) << db.error().message;
        sql::SqlTaskStore tasks(**db);
        ASSERT_TRUE(sync(tasks.create(task("t1"))).ok());
    }
    ASSERT_EQ(chmod(path.c_str(), 0444), 0);
    ASSERT_EQ(chmod(dir.path().c_str(), 0555), 0);
    // Root writes anyway; the child drops to nobody so that the permissions mean what they say.
    const int code = in_child([&] {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) return 10;
        asio::thread_pool pool(2);
        auto db = open_db(path, pool);
        if (db.ok()) return 11;
        if (db.error().code != Errc::io_error) return 12;
        if (db.error().message.find("read-only") == std::string::npos) return 13;
        return 0;
    });
    EXPECT_EQ(code, 0) << "10: could not drop privileges, 11: opened, 12: wrong code, 13: unclear message";
    ASSERT_EQ(chmod(dir.path().c_str(), 0755), 0);
    ASSERT_EQ(chmod(path.c_str(), 0644), 0);
    asio::thread_pool pool(2);
    auto db = open_db(path, pool);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_TRUE(sync(sql::SqlTaskStore(**db).get("default", "t1")).ok());
}

TEST(SqliteDamage, AFullDiskFailsTheWriteAndKeepsTheFileConsistent) {
    TempDir dir;
    const auto path = dir.file("hector.db");
    const int code = in_child([&] {
        asio::thread_pool pool(2);
        auto db = open_db(path, pool);
        if (!db.ok()) return 10;
        sql::SqlTaskStore tasks(**db);
        if (!sync(tasks.create(task("small"))).ok()) return 11;
        // From here on no file may grow past 64 KB beyond the current database: a 2 MB task cannot fit.
        signal(SIGXFSZ, SIG_IGN);
        const auto limit = static_cast<rlim_t>(std::filesystem::file_size(path) + 64 * 1024);
        rlimit rl{limit, limit};
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0) return 12;
        auto big = sync(tasks.create(task("big", 2'000'000)));
        if (big.ok()) return 13;
        if (big.error().code != Errc::io_error) return 14;
        // The failed write left nothing behind and the store still answers.
        auto gone = sync(tasks.get("default", "big"));
        if (gone.ok() || gone.error().code != Errc::task_not_found) return 15;
        if (!sync(tasks.get("default", "small")).ok()) return 16;
        return 0;
    });
    EXPECT_EQ(code, 0) << "see the return codes in the child";
    asio::thread_pool pool(2);
    auto db = open_db(path, pool);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(query_text(**db, "PRAGMA integrity_check"), "ok");
    sql::SqlTaskStore tasks(**db);
    EXPECT_TRUE(sync(tasks.get("default", "small")).ok());
    EXPECT_EQ(sync(tasks.get("default", "big")).error().code, Errc::task_not_found);
    EXPECT_TRUE(sync(tasks.create(task("after"))).ok());
}

TEST(SqlRowCodec, TerminalStatesMatchTheProtocol) {
    const std::string sql(sql::kTerminalStatesSql);
    for (auto s : {a2a::TaskState::submitted, a2a::TaskState::working, a2a::TaskState::input_required,
                   a2a::TaskState::completed, a2a::TaskState::canceled, a2a::TaskState::failed,
                   a2a::TaskState::rejected, a2a::TaskState::auth_required, a2a::TaskState::unknown}) {
        const bool listed = sql.find("'" + std::string(a2a::to_string(s)) + "'") != std::string::npos;
        EXPECT_EQ(listed, a2a::is_terminal(s)) << a2a::to_string(s);
    }
}

TEST(SqlRowCodec, TimesRoundTripToTheNanosecond) {
    const TimePoint t = TimePoint{} + std::chrono::nanoseconds(1737367200123456789);
    EXPECT_EQ(sql::from_nanos(sql::to_nanos(t)), t);
}

}  // namespace
}  // namespace hector::store::testing
