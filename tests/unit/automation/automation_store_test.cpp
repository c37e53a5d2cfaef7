#include "hector/automation/automation_store.hpp"

#include <gtest/gtest.h>

#include <boost/asio/thread_pool.hpp>

#include <libpq-fe.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "hector/common/ids.hpp"
#include "hector/store/postgres/pg_database.hpp"
#include "hector/store/sqlite/sqlite_database.hpp"
#include "unit/automation/automation_test_support.hpp"

namespace hector::automation {
namespace {

using testing::sync;
using namespace std::chrono_literals;

const TimePoint kT0 = *parse_rfc3339("2025-01-20T10:00:00Z");
constexpr auto kDay = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::hours(24));

enum class Kind { memory, sqlite, postgres };

// PostgreSQL runs when HECTOR_TEST_PG_DSN names a server (scripts/test starts a throwaway one), in a schema of its
// own that is dropped afterwards.
std::string pg_dsn() {
    const char* dsn = std::getenv("HECTOR_TEST_PG_DSN");
    return dsn ? dsn : "";
}

void drop_schema(const std::string& schema) {
    PGconn* conn = PQconnectdb(pg_dsn().c_str());
    if (PQstatus(conn) == CONNECTION_OK)
        PQclear(PQexec(conn, ("DROP SCHEMA IF EXISTS " + schema + " CASCADE").c_str()));
    PQfinish(conn);
}

class AutomationStoreTest : public ::testing::TestWithParam<Kind> {
  protected:
    void SetUp() override {
        if (GetParam() == Kind::postgres && pg_dsn().empty())
            GTEST_SKIP() << "HECTOR_TEST_PG_DSN is not set (scripts/test starts a throwaway PostgreSQL)";
        store_ = open();
    }
    void TearDown() override {
        store_.reset();
        db_.reset();
        if (GetParam() == Kind::postgres && !pg_dsn().empty()) drop_schema(schema_);
    }

    std::unique_ptr<AutomationStore> open() {
        if (GetParam() == Kind::memory) return make_memory_automation_store();
        if (!db_ && GetParam() == Kind::postgres) {
            store::postgres::PgPoolSettings s;
            s.connect.conninfo = pg_dsn();
            s.connect.schema = schema_;
            s.max_conns = 4;
            auto db = store::postgres::PgDatabase::open(std::move(s), pool_);
            EXPECT_TRUE(db) << (db ? "" : db.error().message);
            if (db) db_ = std::move(db).value();
        }
        if (!db_) {
            store::sqlite::SqliteSettings s;
            s.path = dir_.file("hector.db");
            auto db = store::sqlite::SqliteDatabase::open(s, pool_);
            EXPECT_TRUE(db) << (db ? "" : db.error().message);
            db_ = std::move(db).value();
        }
        return make_sql_automation_store(*db_);
    }

    DeliveryClaim claim(AutomationStore& s, const std::string& key, TimePoint now, const std::string& agent = "hook") {
        auto c = sync(s.claim_delivery("default", agent, key, now, kDay));
        EXPECT_TRUE(c) << (c ? "" : c.error().message);
        return c ? *c : DeliveryClaim{};
    }

    testing::TempDir dir_;
    std::string schema_ = [] {
        std::string s = "hector_test_" + new_alnum_id(12);
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    }();
    boost::asio::thread_pool pool_{2};
    std::unique_ptr<store::sql::Database> db_;
    std::unique_ptr<AutomationStore> store_;
};

TEST_P(AutomationStoreTest, FirstDeliveryClaimsLaterOnesSeeItsTask) {
    auto first = claim(*store_, "idempotency-key:k1", kT0);
    EXPECT_TRUE(first.fresh);
    auto meanwhile = claim(*store_, "idempotency-key:k1", kT0 + 1s);
    EXPECT_FALSE(meanwhile.fresh);
    EXPECT_EQ(meanwhile.task_id, "");  // still starting
    ASSERT_TRUE(sync(store_->set_delivery_task("default", "hook", "idempotency-key:k1", "task-1")));
    auto later = claim(*store_, "idempotency-key:k1", kT0 + 1h);
    EXPECT_FALSE(later.fresh);
    EXPECT_EQ(later.task_id, "task-1");
}

TEST_P(AutomationStoreTest, KeysAreScopedByAgent) {
    EXPECT_TRUE(claim(*store_, "k", kT0, "a").fresh);
    EXPECT_TRUE(claim(*store_, "k", kT0, "b").fresh);
    EXPECT_FALSE(claim(*store_, "k", kT0, "a").fresh);
}

TEST_P(AutomationStoreTest, ReleasedClaimsCanBeClaimedAgain) {
    EXPECT_TRUE(claim(*store_, "k", kT0).fresh);
    ASSERT_TRUE(sync(store_->release_delivery("default", "hook", "k")));
    EXPECT_TRUE(claim(*store_, "k", kT0 + 1s).fresh);
}

TEST_P(AutomationStoreTest, ClaimsExpireAfterTheWindow) {
    EXPECT_TRUE(claim(*store_, "k", kT0).fresh);
    ASSERT_TRUE(sync(store_->set_delivery_task("default", "hook", "k", "task-1")));
    EXPECT_FALSE(claim(*store_, "k", kT0 + 23h).fresh);
    auto renewed = claim(*store_, "k", kT0 + 24h + 1s);
    EXPECT_TRUE(renewed.fresh);
    EXPECT_EQ(renewed.task_id, "");
}

TEST_P(AutomationStoreTest, EachFiringIsClaimedOnce) {
    auto fire = [&](AutomationStore& s, const std::string& agent, TimePoint at) {
        auto r = sync(s.claim_firing("default", agent, at, at + 10ms));
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        return r && *r;
    };
    EXPECT_TRUE(fire(*store_, "nightly", kT0));
    EXPECT_FALSE(fire(*store_, "nightly", kT0));
    EXPECT_TRUE(fire(*store_, "nightly", kT0 + 1min));
    EXPECT_TRUE(fire(*store_, "hourly", kT0));
}

TEST_P(AutomationStoreTest, ConcurrentInstancesClaimAFiringExactlyOnce) {
    if (GetParam() == Kind::memory) GTEST_SKIP() << "one process: the memory store is not shared";
    // Several stores on one database stand for several instances.
    std::vector<std::unique_ptr<AutomationStore>> instances;
    for (int i = 0; i < 4; ++i) instances.push_back(open());
    std::atomic<int> winners{0};
    std::vector<std::thread> threads;
    for (auto& s : instances) {
        threads.emplace_back([&winners, &s] {
            auto r = sync(s->claim_firing("default", "nightly", kT0, kT0));
            if (r && *r) ++winners;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(winners.load(), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, AutomationStoreTest, ::testing::Values(Kind::memory, Kind::sqlite, Kind::postgres),
                         [](const auto& info) {
                             return info.param == Kind::memory   ? "memory"
                                    : info.param == Kind::sqlite ? "sqlite"
                                                                 : "postgres";
                         });

}  // namespace
}  // namespace hector::automation
