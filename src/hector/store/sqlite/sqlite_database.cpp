#include "hector/store/sqlite/sqlite_database.hpp"

#include <fmt/format.h>
#include <pthread.h>
#include <sqlite3.h>

#include <filesystem>
#include <optional>
#include <system_error>

#include "hector/common/logging.hpp"
#include "hector/store/sql/migrations.hpp"

namespace hector::store::sqlite {

namespace {

// SQLite's own automatic checkpoint starts at 1,000 pages; past 4 times that the writer stops waiting for the
// checkpoint thread (which may not get a core soon, or may not get the write lock between groups: a std::mutex is not
// fair). Once started over, a WAL file larger than kWalSizeLimit bytes is cut back to it.
constexpr int kCheckpointFrames = 1000;
constexpr int kWriterCheckpointFrames = 4000;
constexpr const char* kWalSizeLimit = "PRAGMA journal_size_limit = 16777216";

Status make_parent_dir(const std::string& path) {
    const auto parent = std::filesystem::path(path).parent_path();
    if (parent.empty()) return {};
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec)
        return Error{Errc::io_error,
                     fmt::format("sqlite {}: cannot create the directory {}: {}", path, parent.string(), ec.message())};
    return {};
}

}  // namespace

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::open(SqliteSettings settings,
                                                             boost::asio::thread_pool& blocking) {
    if (settings.path.empty()) return Error{Errc::invalid_argument, "sqlite: the database path is empty"};
    if (auto st = make_parent_dir(settings.path); !st) return std::move(st).error();
    std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(std::move(settings), blocking));
    const auto& path = db->settings_.path;

    auto writer = SqliteConnection::open(path, OpenMode::create, db->settings_.busy_timeout);
    if (!writer) return std::move(writer).error();
    db->writer_ = std::move(writer).value();
    if (db->writer_->read_only())
        return Error{Errc::io_error, fmt::format("sqlite {}: the file is read-only, but hector must write to its "
                                                 "database (check the permissions of the file and its directory)",
                                                 path)};
    // The first statements to read the file: a file that is not a database fails here.
    auto wal = db->writer_->run("PRAGMA journal_mode = WAL");
    if (!wal) return std::move(wal).error();
    if (auto st = db->writer_->exec("PRAGMA synchronous = NORMAL"); !st) return std::move(st).error();
    if (auto st = db->writer_->exec(kWalSizeLimit); !st) return std::move(st).error();
    if (auto st = sql::migrate(*db, sql::migrations(sql::Dialect::sqlite)); !st) return std::move(st).error();

    // Replaces SQLite's automatic checkpoints on the writer (a WAL hook turns them off).
    auto checkpointer = SqliteConnection::open(path, OpenMode::create, db->settings_.busy_timeout);
    if (!checkpointer) return std::move(checkpointer).error();
    db->checkpointer_ = std::move(checkpointer).value();
    // A connection reads the file, and so learns that it is in WAL mode, only with its first statement: until then
    // its checkpoints do nothing.
    if (auto mode = db->checkpointer_->run("PRAGMA journal_mode"); !mode) return std::move(mode).error();
    sqlite3_wal_hook(db->writer_->handle(), &SqliteDatabase::on_wal_commit, db.get());

    for (std::size_t i = 0; i < db->settings_.readers; ++i) {
        auto reader = SqliteConnection::open(path, OpenMode::read_only, db->settings_.busy_timeout);
        if (!reader) return std::move(reader).error();
        db->readers_.push_back(std::move(reader).value());
    }
    return db;
}

Status SqliteDatabase::run_transaction(SqliteConnection& c, const char* begin,
                                       const std::function<Status(sql::Connection&)>& fn) {
    if (auto st = c.exec(begin); !st) return st;
    Status result;
    try {
        result = fn(c);
    } catch (const std::exception& e) {
        result = Error{Errc::internal, fmt::format("sqlite {}: {}", settings_.path, e.what())};
    }
    if (result) result = c.exec("COMMIT");
    // SQLite may have rolled back already (a full disk, an I/O error); otherwise undo everything fn did.
    if (!result && c.in_transaction()) (void)c.exec("ROLLBACK");
    return result;
}

Result<std::unique_ptr<SqliteConnection>> SqliteDatabase::take_reader() {
    std::unique_lock lock(read_mu_);
    if (!read_cv_.wait_for(lock, settings_.busy_timeout, [&] { return !readers_.empty(); }))
        return Error{Errc::unavailable, fmt::format("sqlite {}: no read connection became free within {} ms",
                                                    settings_.path, settings_.busy_timeout.count())};
    auto reader = std::move(readers_.back());
    readers_.pop_back();
    return reader;
}

void SqliteDatabase::give_back(std::unique_ptr<SqliteConnection> reader) {
    {
        std::lock_guard lock(read_mu_);
        readers_.push_back(std::move(reader));
    }
    read_cv_.notify_one();
}

Status SqliteDatabase::transact(sql::TxMode mode, const std::function<Status(sql::Connection&)>& fn) {
    if (mode == sql::TxMode::read && settings_.readers > 0) {
        auto reader = take_reader();
        if (!reader) return std::move(reader).error();
        auto st = run_transaction(**reader, "BEGIN", fn);
        give_back(std::move(reader).value());
        return st;
    }
    std::lock_guard lock(write_mu_);
    return run_transaction(*writer_, mode == sql::TxMode::read ? "BEGIN" : "BEGIN IMMEDIATE", fn);
}

void SqliteDatabase::queue_write(std::function<Status(sql::Connection&)> fn, WriteDone done) {
    {
        std::lock_guard lock(queue_mu_);
        if (!stopping_) {
            if (!writer_thread_.joinable()) writer_thread_ = std::thread([this] { writer_loop(); });
            queued_.push_back(PendingWrite{std::move(fn), std::move(done), Status{}});
            queue_cv_.notify_one();
            return;
        }
    }
    done(Error{Errc::unavailable, fmt::format("sqlite {}: the database is closing", settings_.path)});
}

SqliteDatabase::~SqliteDatabase() {
    {
        std::lock_guard lock(queue_mu_);
        stopping_ = true;
    }
    queue_cv_.notify_all();
    if (writer_thread_.joinable()) writer_thread_.join();  // writes already queued are still made
    if (writer_) sqlite3_wal_hook(writer_->handle(), nullptr, nullptr);
    {
        std::lock_guard lock(checkpoint_mu_);
        checkpoint_stopping_ = true;
    }
    checkpoint_cv_.notify_all();
    if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
}

int SqliteDatabase::on_wal_commit(void* self, sqlite3* db, const char* name, int frames) {
    if (frames >= kWriterCheckpointFrames) {
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    } else if (frames >= kCheckpointFrames) {
        static_cast<SqliteDatabase*>(self)->want_checkpoint();
    }
    return SQLITE_OK;
}

void SqliteDatabase::want_checkpoint() {
    {
        std::lock_guard lock(checkpoint_mu_);
        if (checkpoint_stopping_ || checkpoint_wanted_) return;
        checkpoint_wanted_ = true;
        if (!checkpoint_thread_.joinable()) checkpoint_thread_ = std::thread([this] { checkpoint_loop(); });
    }
    checkpoint_cv_.notify_one();
}

void SqliteDatabase::checkpoint_loop() {
    pthread_setname_np(pthread_self(), "hector-sqlite-c");
    for (;;) {
        {
            std::unique_lock lock(checkpoint_mu_);
            checkpoint_cv_.wait(lock, [&] { return checkpoint_stopping_ || checkpoint_wanted_; });
            if (checkpoint_stopping_) return;
            checkpoint_wanted_ = false;
        }
        // The bulk of the WAL while the writer goes on; then the few pages it added meanwhile, between two of its
        // groups, so the WAL is wholly in the database file and the next write starts it over from its beginning
        // (under continuous writes a checkpoint alone never catches up, and the WAL would only grow).
        int rc =
            sqlite3_wal_checkpoint_v2(checkpointer_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        if (rc == SQLITE_OK) {
            std::lock_guard writer(write_mu_);
            rc = sqlite3_wal_checkpoint_v2(checkpointer_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                           nullptr);
        }
        if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
            log::warn("store", "sqlite {}: checkpoint failed: {}", settings_.path, sqlite3_errstr(rc));
    }
}

sql::Database::ConnectionStats SqliteDatabase::connection_stats() const {
    // The writer, the checkpointer and settings_.readers readers stay open for the database's life; idle = readers
    // not lent out.
    std::lock_guard lock(read_mu_);
    return {settings_.readers + 2, readers_.size()};
}

void SqliteDatabase::writer_loop() {
    pthread_setname_np(pthread_self(), "hector-sqlite");
    std::vector<PendingWrite> group;
    for (;;) {
        {
            std::unique_lock lock(queue_mu_);
            queue_cv_.wait(lock, [&] { return stopping_ || !queued_.empty(); });
            if (queued_.empty()) return;  // stopping, and nothing left
            group.swap(queued_);
        }
        {
            std::lock_guard writer(write_mu_);
            run_group(group);
        }
        for (auto& p : group) p.done(std::move(p.result));
        group.clear();
    }
}

void SqliteDatabase::run_group(std::vector<PendingWrite>& group) {
    auto& c = *writer_;
    if (group.size() == 1) {
        group.front().result = run_transaction(c, "BEGIN IMMEDIATE", group.front().fn);
        return;
    }
    if (auto st = c.exec("BEGIN IMMEDIATE"); !st) {
        for (auto& p : group) p.result = st;
        return;
    }
    std::vector<PendingWrite*> applied;
    std::optional<Error> lost;  // set once SQLite has abandoned the transaction
    for (auto& p : group) {
        if (lost) {
            p.result = *lost;
            continue;
        }
        Status r = c.exec("SAVEPOINT hector_write");
        if (r) {
            try {
                r = p.fn(c);
            } catch (const std::exception& e) {
                r = Error{Errc::internal, fmt::format("sqlite {}: {}", settings_.path, e.what())};
            }
            if (r) r = c.exec("RELEASE hector_write");
            if (!r && c.in_transaction()) {
                (void)c.exec("ROLLBACK TO hector_write");
                (void)c.exec("RELEASE hector_write");
            }
        }
        if (!c.in_transaction()) {
            // A full disk or an I/O error ends the whole transaction: the writes before this one are gone too.
            lost = r ? Error{Errc::io_error, fmt::format("sqlite {}: the transaction was rolled back", settings_.path)}
                     : r.error();
            for (auto* a : applied) a->result = *lost;
            applied.clear();
            p.result = *lost;
            continue;
        }
        p.result = r;
        if (r) applied.push_back(&p);
    }
    if (lost) return;
    if (auto st = c.exec("COMMIT"); !st) {
        if (c.in_transaction()) (void)c.exec("ROLLBACK");
        for (auto* a : applied) a->result = st;
    }
}

}  // namespace hector::store::sqlite
