#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
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

/// One SQLite file in WAL mode (synchronous=NORMAL, foreign_keys=ON): one writer connection and a small pool of
/// read-only connections for snapshot reads. All work runs on the blocking pool given at open; transact() blocks.
/// Shared by every store on the file (server.md §7.1). Thread-safe.
///
/// Writes from the stores (Database::write) go to a writer thread of the database's own rather than the blocking
/// pool: it takes every write waiting and runs them in one transaction, each inside its own SAVEPOINT (a failing
/// write is rolled back alone and reports its own error), so under load many small writes share one COMMIT and no
/// pool thread waits for the writer. A caller resumes only after the COMMIT that holds its write; when that COMMIT
/// fails, or SQLite abandons the transaction (a full disk, an I/O error), every write of the group fails with it.
/// Blocking transact() calls (start-up, tools) run directly on the writer connection.
///
/// Checkpoints: once the WAL holds kCheckpointFrames pages after a commit, a checkpoint thread copies it into the
/// database file (PASSIVE: it never blocks the writer or readers). Should the WAL reach kWriterCheckpointFrames all
/// the same (the checkpoint thread kept from a core or from the write lock, a slow disk), the writer checkpoints
/// itself, which bounds the file; the first commit after the WAL starts over cuts a file grown past 16 MB back.

class SqliteDatabase final : public sql::Database {
  public:
    /// Blocking; call at start-up. Creates the directory and the file when needed, applies the pragmas and the
    /// schema steps (sql/migrations.hpp). A file that is not a database, is damaged, cannot be written or carries a
    /// newer schema is refused with Errc::io_error / Errc::unsupported and SQLite's message.
    static Result<std::unique_ptr<SqliteDatabase>> open(SqliteSettings settings, boost::asio::thread_pool& blocking);

    sql::Dialect dialect() const override { return sql::Dialect::sqlite; }
    std::string describe() const override { return "sqlite " + settings_.path; }
    Status transact(sql::TxMode mode, const std::function<Status(sql::Connection&)>& fn) override;
    bool queues_writes() const override { return true; }
    ConnectionStats connection_stats() const override;
    void queue_write(std::function<Status(sql::Connection&)> fn, WriteDone done) override;
    ~SqliteDatabase() override;

  private:
    SqliteDatabase(SqliteSettings settings, boost::asio::thread_pool& blocking)
        : sql::Database(blocking), settings_(std::move(settings)) {}
    struct PendingWrite {
        std::function<Status(sql::Connection&)> fn;
        WriteDone done;
        Status result;
    };
    Status run_transaction(SqliteConnection& c, const char* begin, const std::function<Status(sql::Connection&)>& fn);
    void run_group(std::vector<PendingWrite>& group);
    void writer_loop();
    void checkpoint_loop();
    void want_checkpoint();
    static int on_wal_commit(void* self, sqlite3* db, const char* name, int frames);
    Result<std::unique_ptr<SqliteConnection>> take_reader();
    void give_back(std::unique_ptr<SqliteConnection> reader);

    SqliteSettings settings_;
    std::mutex write_mu_;  // the writer connection
    std::mutex queue_mu_;  // queued_ and stopping_
    std::condition_variable queue_cv_;
    std::vector<PendingWrite> queued_;
    bool stopping_ = false;
    std::thread writer_thread_;

    std::unique_ptr<SqliteConnection> writer_;
    // WAL checkpoints run on a thread of their own with a connection of their own, so the writer never copies the
    // WAL into the database file or waits for its fsync between two groups of writes.
    std::unique_ptr<SqliteConnection> checkpointer_;
    std::mutex checkpoint_mu_;
    std::condition_variable checkpoint_cv_;
    bool checkpoint_wanted_ = false;
    bool checkpoint_stopping_ = false;
    std::thread checkpoint_thread_;
    mutable std::mutex read_mu_;
    std::condition_variable read_cv_;
    std::vector<std::unique_ptr<SqliteConnection>> readers_;  // idle ones
};

}  // namespace hector::store::sqlite
