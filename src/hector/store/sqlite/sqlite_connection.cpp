#include "hector/store/sqlite/sqlite_connection.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <mutex>

namespace hector::store::sqlite {

namespace {

/// Clears a cached statement for its next use, whatever happened to this one.
struct StatementReset {
    sqlite3_stmt* stmt;
    ~StatementReset() {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
    }
};

}  // namespace

Errc errc_from_sqlite(int rc) {
    switch (rc & 0xff) {
        case SQLITE_CONSTRAINT:
            return Errc::conflict;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
        case SQLITE_NOMEM:
            return Errc::unavailable;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
        case SQLITE_READONLY:
        case SQLITE_FULL:
        case SQLITE_IOERR:
        case SQLITE_CANTOPEN:
        case SQLITE_PERM:
        case SQLITE_NOLFS:
        case SQLITE_PROTOCOL:
            return Errc::io_error;
        case SQLITE_INTERRUPT:
            return Errc::cancelled;
        default:
            return Errc::internal;
    }
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const std::string& path, OpenMode mode,
                                                                 std::chrono::milliseconds busy_timeout) {
    // Once per process, before SQLite initialises: no global memory statistics, which otherwise take a global
    // mutex on every allocation SQLite makes (we never read sqlite3_memory_used()).
    static std::once_flag configured;
    std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (mode == OpenMode::create) flags |= SQLITE_OPEN_CREATE;
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        sqlite3_close_v2(db);
        return Error{errc_from_sqlite(rc) == Errc::internal ? Errc::io_error : errc_from_sqlite(rc),
                     fmt::format("sqlite {}: cannot open: {}", path, message)};
    }
    std::unique_ptr<SqliteConnection> conn(new SqliteConnection(db, path));
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));
    if (auto st = conn->exec("PRAGMA foreign_keys = ON"); !st) return std::move(st).error();
    // The temporary b-trees of GROUP BY, ORDER BY and statement journals stay in memory: with the default (a file),
    // every such query created, unlinked and closed a file in /var/tmp.
    if (auto st = conn->exec("PRAGMA temp_store = MEMORY"); !st) return std::move(st).error();
    if (mode == OpenMode::read_only) {
        if (auto st = conn->exec("PRAGMA query_only = ON"); !st) return std::move(st).error();
    }
    return conn;
}

SqliteConnection::~SqliteConnection() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
}

Error SqliteConnection::error(int rc) const {
    const int ext = sqlite3_extended_errcode(db_);
    return Error{errc_from_sqlite(rc),
                 fmt::format("sqlite {}: {} (SQLite error {})", path_, sqlite3_errmsg(db_), ext ? ext : rc)};
}

Status SqliteConnection::exec(const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
    sqlite3_free(message);
    if (rc != SQLITE_OK) return error(rc);
    return {};
}

bool SqliteConnection::in_transaction() const {
    return sqlite3_get_autocommit(db_) == 0;
}

bool SqliteConnection::read_only() const {
    return sqlite3_db_readonly(db_, "main") == 1;
}

Result<sqlite3_stmt*> SqliteConnection::prepare(std::string_view sql) {
    std::string key(sql);
    if (auto it = statements_.find(key); it != statements_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    const int rc =
        sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return error(rc);
    if (!stmt) return Error{Errc::internal, "sqlite: empty statement"};
    statements_.emplace(std::move(key), stmt);
    return stmt;
}

Result<sql::QueryResult> SqliteConnection::run(std::string_view sql, std::span<const sql::Param> params) {
    auto prepared = prepare(sql);
    if (!prepared) return std::move(prepared).error();
    sqlite3_stmt* stmt = *prepared;
    StatementReset reset{stmt};
    if (sqlite3_bind_parameter_count(stmt) != static_cast<int>(params.size()))
        return Error{Errc::internal, fmt::format("sqlite: statement takes {} parameters, {} given",
                                                 sqlite3_bind_parameter_count(stmt), params.size())};
    for (std::size_t i = 0; i < params.size(); ++i) {
        const int index = static_cast<int>(i) + 1;
        int rc = SQLITE_OK;
        if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
            rc = sqlite3_bind_int64(stmt, index, *n);
        } else if (const auto* s = std::get_if<std::string>(&params[i])) {
            // SQLITE_STATIC: the parameters outlive the statement's use; the bindings are cleared on return.
            rc = sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
        } else {
            rc = sqlite3_bind_null(stmt, index);
        }
        if (rc != SQLITE_OK) return error(rc);
    }
    sql::QueryResult out;
    const int columns = sqlite3_column_count(stmt);
    for (;;) {
        const int rc = sqlite3_step(stmt);
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) return error(rc);
        std::vector<std::optional<std::string>> row;
        row.reserve(static_cast<std::size_t>(columns));
        for (int c = 0; c < columns; ++c) {
            if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
                row.emplace_back();
                continue;
            }
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            const int size = sqlite3_column_bytes(stmt, c);
            row.emplace_back(std::string(text ? text : "", static_cast<std::size_t>(size)));
        }
        out.rows.emplace_back(std::move(row));
    }
    if (!sqlite3_stmt_readonly(stmt)) out.affected = sqlite3_changes64(db_);
    return out;
}

}  // namespace hector::store::sqlite
