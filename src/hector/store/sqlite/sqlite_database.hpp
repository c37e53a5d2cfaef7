#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "hector/store/sql/database.hpp"
#include "hector/store/sqlite/sqlite_connection.hpp"

namespace hector::store::sqlite {

struct SqliteSettings {
    /// The database file; its parent directory is created when missing.
    std::string path = ".hector/hector.db";
    /// Read connections besides the one writer; 0 runs everything on the writer (one connection). Measured on the
    /// shared 2-core development machine (8 coroutines on 2 I/O threads, 4 blocking threads, get() and
    /// append_events() 4:1 on ~2 KB tasks, Debug store code, load average 3-5 from other builds): 0 readers
    /// 14-16k ops/s, 2 readers 15-20k, 4 readers 14-20k. The machine's noise is as large as the gain; what readers
    /// buy for sure is that reads (and their JSON decoding) do not queue behind a long write such as a purge batch,
    /// since WAL lets them read the last committed snapshot meanwhile.
    std::size_t readers = 4;
    /// How long a statement waits for a lock held by another process (or another connection of this one), and how
    /// long a read waits for a free read connection, before failing with Errc::unavailable.
    std::chrono::milliseconds busy_timeout{5000};
};

/// One SQLite file in WAL mode (synchronous=NORMAL, foreign_keys=ON): one writer connection, whose transactions a
/// mutex serialises (BEGIN IMMEDIATE), and a small pool of read-only connections for snapshot reads. All work runs
/// on the blocking pool given at open; transact() blocks. Shared by every store on the file (server.md §7.1).
/// Thread-safe.
class SqliteDatabase final : public sql::Database {
  public:
    /// Blocking; call at start-up. Creates the directory and the file when needed, applies the pragmas and the
    /// schema steps (sql/migrations.hpp). A file that is not a database, is damaged, cannot be written or carries a
    /// newer schema is refused with Errc::io_error / Errc::unsupported and SQLite's message.
    static Result<std::unique_ptr<SqliteDatabase>> open(SqliteSettings settings, boost::asio::thread_pool& blocking);

    sql::Dialect dialect() const override { return sql::Dialect::sqlite; }
    std::string describe() const override { return "sqlite " + settings_.path; }
    Status transact(sql::TxMode mode, const std::function<Status(sql::Connection&)>& fn) override;

  private:
    SqliteDatabase(SqliteSettings settings, boost::asio::thread_pool& blocking)
        : sql::Database(blocking), settings_(std::move(settings)) {}
    Status run_transaction(SqliteConnection& c, const char* begin, const std::function<Status(sql::Connection&)>& fn);
    Result<std::unique_ptr<SqliteConnection>> take_reader();
    void give_back(std::unique_ptr<SqliteConnection> reader);

    SqliteSettings settings_;
    std::mutex write_mu_;
    std::unique_ptr<SqliteConnection> writer_;
    std::mutex read_mu_;
    std::condition_variable read_cv_;
    std::vector<std::unique_ptr<SqliteConnection>> readers_;  // idle ones
};

}  // namespace hector::store::sqlite
