#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>

#include "hector/store/sql/connection.hpp"

struct pg_conn;
struct pg_result;

namespace hector::store::postgres {

/// What a new connection needs: where to connect and the session settings applied right after.
struct PgConnectSettings {
    /// libpq keyword/value string ("host=db dbname=hector") or URI ("postgresql://user@db:5432/hector").
    std::string conninfo;
    /// When set, the connection's search_path (the schema must exist; PgDatabase creates it).
    std::string schema;
    /// Shown in pg_stat_activity.
    std::string application_name = "hector";
    std::chrono::seconds connect_timeout{5};
    /// Server-side bound on every statement (lock waits included); 0 = none.
    std::chrono::milliseconds statement_timeout{30000};
};

/// One libpq connection with its prepared-statement cache. Every call blocks; one thread at a time (the pool hands
/// it out). Statements are written with `?` placeholders and sent as server-side prepared statements with text
/// parameters: values never become part of SQL text.
class PgConnection final : public sql::Connection {
  public:
    /// Blocking (up to connect_timeout). Errc::unavailable with libpq's message when the server cannot be reached
    /// or refuses the login.
    static Result<std::unique_ptr<PgConnection>> connect(const PgConnectSettings& settings);
    ~PgConnection() override;
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    sql::Dialect dialect() const override { return sql::Dialect::postgres; }
    Result<sql::QueryResult> run(std::string_view sql, std::span<const sql::Param> params) override;
    using sql::Connection::run;

    /// Runs a parameterless command (COMMIT, SET, LISTEN) with the simple query protocol.
    Status exec(const char* sql);
    /// Opens a transaction with `begin` (a static string), sent in one pipeline with the transaction's first
    /// statement: one round trip for both. A transaction that runs no statement sends nothing.
    void begin_lazily(const char* begin);
    /// Ends the transaction with `sql` (COMMIT or ROLLBACK); nothing to send when it never started.
    Status finish(const char* sql);
    /// True when the statement that carried BEGIN failed on a connection found dead: nothing of the transaction
    /// reached the server, so it may be run again on another connection.
    bool failed_before_start() const { return failed_before_start_; }
    /// True once libpq has seen the connection fail; such a connection is never reused.
    bool broken() const;
    /// The server process serving this connection (tests terminate it to simulate a failure).
    int backend_pid() const;
    std::chrono::steady_clock::time_point opened_at() const { return opened_at_; }
    /// The libpq handle, for a listener waiting on its socket.
    pg_conn* handle() const { return conn_; }

  private:
    explicit PgConnection(pg_conn* conn) : conn_(conn), opened_at_(std::chrono::steady_clock::now()) {}
    struct ResultFree {
        void operator()(pg_result* r) const;
    };
    using ResultHandle = std::unique_ptr<pg_result, ResultFree>;

    Error error(const pg_result* res) const;
    Result<sql::QueryResult> run_statement(std::string_view sql, std::span<const sql::Param> params);
    /// Sends BEGIN and the prepared statement in one pipeline; the statement's result, or the error of the first
    /// of the two that failed.
    Result<ResultHandle> exec_with_begin(const std::string& name, int n, const char* const* values);
    Result<sql::QueryResult> to_result(ResultHandle res) const;

    pg_conn* conn_;
    std::chrono::steady_clock::time_point opened_at_;
    std::unordered_map<std::string, std::string> prepared_;  // SQL text → statement name
    const char* pending_begin_ = nullptr;                    // BEGIN not sent yet (begin_lazily)
    bool failed_before_start_ = false;
    bool unusable_ = false;  // a pipeline left in a state the connection cannot be reused from
};

/// `?` placeholders → `$1, $2, ...`, leaving quoted literals and identifiers alone.
std::string number_placeholders(std::string_view sql);

/// A conninfo for logs and errors: host, port, database and user, never the password.
std::string describe_conninfo(const std::string& conninfo);

}  // namespace hector::store::postgres
