#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>

#include "hector/store/sql/connection.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace hector::store::sqlite {

enum class OpenMode {
    create,     // read-write, creating the file when missing (the writer)
    read_only,  // an existing file, with PRAGMA query_only (the readers)
};

/// One SQLite connection with its prepared-statement cache. Every call blocks; one thread at a time (the database
/// hands connections out under a lock; SQLite itself runs in multi-thread mode, SQLITE_OPEN_NOMUTEX).
class SqliteConnection final : public sql::Connection {
  public:
    /// Blocking. Opens `path` with extended result codes, busy_timeout and foreign_keys=ON. Errors are
    /// Errc::io_error with SQLite's message (a directory, no permission, ...).
    static Result<std::unique_ptr<SqliteConnection>> open(const std::string& path, OpenMode mode,
                                                          std::chrono::milliseconds busy_timeout);
    ~SqliteConnection() override;
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    sql::Dialect dialect() const override { return sql::Dialect::sqlite; }
    Result<sql::QueryResult> run(std::string_view sql, std::span<const sql::Param> params) override;
    using sql::Connection::run;

    /// Runs statements without parameters or results (BEGIN, COMMIT, PRAGMA assignments), uncached.
    Status exec(const char* sql);
    /// True while a transaction is open (SQLite rolls some failures back by itself).
    bool in_transaction() const;
    /// True when SQLite opened the file read-only (no write permission on it or its directory).
    bool read_only() const;
    /// The SQLite handle, for connection-level hooks (SqliteDatabase's WAL checkpoints).
    sqlite3* handle() const { return db_; }

  private:
    SqliteConnection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
    Result<sqlite3_stmt*> prepare(std::string_view sql);
    Error error(int rc) const;

    sqlite3* db_;
    std::string path_;
    std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

/// SQLite result code → Errc: corrupt, not-a-database, read-only, full disk and I/O failures are io_error; busy and
/// locked are unavailable; constraint violations are conflict; anything else is internal.
Errc errc_from_sqlite(int rc);

}  // namespace hector::store::sqlite
