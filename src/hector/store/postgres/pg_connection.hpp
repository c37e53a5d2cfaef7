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

    /// Runs a parameterless command (BEGIN, COMMIT, SET) with the simple query protocol.
    Status exec(const char* sql);
    /// True once libpq has seen the connection fail; such a connection is never reused.
    bool broken() const;
    /// The server process serving this connection (tests terminate it to simulate a failure).
    int backend_pid() const;
    std::chrono::steady_clock::time_point opened_at() const { return opened_at_; }
    /// The libpq handle, for a listener waiting on its socket.
    pg_conn* handle() const { return conn_; }

  private:
    explicit PgConnection(pg_conn* conn) : conn_(conn), opened_at_(std::chrono::steady_clock::now()) {}
    Error error(const pg_result* res) const;

    pg_conn* conn_;
    std::chrono::steady_clock::time_point opened_at_;
    std::unordered_map<std::string, std::string> prepared_;  // SQL text → statement name
};

/// `?` placeholders → `$1, $2, ...`, leaving quoted literals and identifiers alone.
std::string number_placeholders(std::string_view sql);

/// A conninfo for logs and errors: host, port, database and user, never the password.
std::string describe_conninfo(const std::string& conninfo);

}  // namespace hector::store::postgres
