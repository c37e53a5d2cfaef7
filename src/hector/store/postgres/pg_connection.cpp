#include "hector/store/postgres/pg_connection.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <charconv>
#include <utility>
#include <vector>

#include "hector/common/logging.hpp"

namespace hector::store::postgres {

namespace {

/// Server notices ("relation already exists, skipping") go to the debug log instead of stderr.
void log_notice(void*, const char* message) {
    std::string_view m = message ? message : "";
    while (!m.empty() && m.back() == '\n') m.remove_suffix(1);
    log::debug("store", "postgres notice: {}", m);
}

std::string trimmed(const char* message) {
    std::string s = message ? message : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

Errc errc_from_sqlstate(std::string_view state) {
    if (state.starts_with("23")) return Errc::conflict;  // integrity constraint violation
    if (state == "53100") return Errc::io_error;         // disk full
    if (state == "57014") return Errc::timeout;          // statement_timeout
    if (state.starts_with("08") || state.starts_with("53") || state.starts_with("57P") || state == "40001" ||
        state == "40P01")
        return Errc::unavailable;  // connection, resources, shutdown, serialization, deadlock
    return Errc::internal;
}

}  // namespace

std::string number_placeholders(std::string_view sql) {
    std::string out;
    out.reserve(sql.size() + 16);
    int n = 0;
    char quote = 0;
    for (char c : sql) {
        if (quote) {
            if (c == quote) quote = 0;  // a doubled quote re-enters at once, which is the same thing
            out.push_back(c);
        } else if (c == '\'' || c == '"') {
            quote = c;
            out.push_back(c);
        } else if (c == '?') {
            out += fmt::format("${}", ++n);
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::string describe_conninfo(const std::string& conninfo) {
    char* err = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &err);
    if (!options) {
        PQfreemem(err);
        return "postgres (unparseable conninfo)";
    }
    std::string host, port, db, user;
    for (auto* o = options; o->keyword; ++o) {
        if (!o->val) continue;
        std::string_view k = o->keyword;
        if (k == "host" || (k == "hostaddr" && host.empty())) host = o->val;
        if (k == "port") port = o->val;
        if (k == "dbname") db = o->val;
        if (k == "user") user = o->val;
    }
    PQconninfoFree(options);
    std::string out = "postgres ";
    if (!user.empty()) out += user + "@";
    out += host.empty() ? "localhost" : host;
    if (!port.empty()) out += ":" + port;
    if (!db.empty()) out += "/" + db;
    return out;
}

Result<std::unique_ptr<PgConnection>> PgConnection::connect(const PgConnectSettings& settings) {
    // Our defaults come first; expand_dbname expands the conninfo given as dbname, and what it names wins.
    const std::string timeout = std::to_string(std::max<std::int64_t>(settings.connect_timeout.count(), 1));
    // Keepalives and tcp_user_timeout bound how long a call can hang on a server that vanished from the network.
    const char* keywords[] = {"connect_timeout",  "application_name", "keepalives_idle", "keepalives_interval",
                              "keepalives_count", "tcp_user_timeout", "dbname",          nullptr};
    const char* values[] = {timeout.c_str(), settings.application_name.c_str(), "30",   "10", "3",
                            "60000",         settings.conninfo.c_str(),         nullptr};
    PGconn* raw = PQconnectdbParams(keywords, values, 1);
    if (!raw) return Error{Errc::unavailable, "postgres: out of memory while connecting"};
    std::unique_ptr<PgConnection> conn(new PgConnection(raw));
    PQsetNoticeProcessor(raw, log_notice, nullptr);
    if (PQstatus(raw) != CONNECTION_OK)
        return Error{Errc::unavailable, fmt::format("{}: cannot connect: {}", describe_conninfo(settings.conninfo),
                                                    trimmed(PQerrorMessage(raw)))};
    if (settings.statement_timeout.count() > 0) {
        const auto set = fmt::format("SET statement_timeout = {}", settings.statement_timeout.count());
        if (auto st = conn->exec(set.c_str()); !st) return std::move(st).error();
    }
    if (!settings.schema.empty()) {
        char* ident = PQescapeIdentifier(raw, settings.schema.data(), settings.schema.size());
        if (!ident) return Error{Errc::invalid_argument, "postgres: invalid schema name " + settings.schema};
        const auto set = fmt::format("SET search_path TO {}", ident);
        PQfreemem(ident);
        if (auto st = conn->exec(set.c_str()); !st) return std::move(st).error();
    }
    return conn;
}

void PgConnection::ResultFree::operator()(pg_result* r) const {
    PQclear(r);
}

PgConnection::~PgConnection() {
    PQfinish(conn_);
}

bool PgConnection::broken() const {
    return unusable_ || PQstatus(conn_) != CONNECTION_OK;
}

int PgConnection::backend_pid() const {
    return PQbackendPID(conn_);
}

Error PgConnection::error(const pg_result* res) const {
    if (broken()) return Error{Errc::unavailable, "postgres: connection lost: " + trimmed(PQerrorMessage(conn_))};
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    std::string message = res ? trimmed(PQresultErrorMessage(res)) : "";
    if (message.empty()) message = trimmed(PQerrorMessage(conn_));
    if (!state) return Error{Errc::unavailable, "postgres: " + message};
    return Error{errc_from_sqlstate(state), fmt::format("postgres: {} (SQLSTATE {})", message, state)};
}

Status PgConnection::exec(const char* sql) {
    ResultHandle res(PQexec(conn_, sql));
    const auto status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return error(res.get());
    return {};
}

void PgConnection::begin_lazily(const char* begin) {
    pending_begin_ = begin;
    failed_before_start_ = false;
}

Status PgConnection::finish(const char* sql) {
    if (pending_begin_) {
        pending_begin_ = nullptr;  // no statement ran: there is no transaction to end
        return {};
    }
    return exec(sql);
}

Result<PgConnection::ResultHandle> PgConnection::exec_with_begin(const std::string& name, int n,
                                                                 const char* const* values) {
    using Owned = ResultHandle;
    const char* begin = std::exchange(pending_begin_, nullptr);
    if (PQenterPipelineMode(conn_) != 1) {
        // Not idle (cannot happen between statements) or a libpq without pipelines: two round trips.
        if (auto st = exec(begin); !st) {
            unusable_ = true;
            return std::move(st).error();
        }
        return Owned(PQexecPrepared(conn_, name.c_str(), n, values, nullptr, nullptr, 0));
    }
    if (PQsendQueryParams(conn_, begin, 0, nullptr, nullptr, nullptr, nullptr, 0) != 1 ||
        PQsendQueryPrepared(conn_, name.c_str(), n, values, nullptr, nullptr, 0) != 1 || PQpipelineSync(conn_) != 1) {
        unusable_ = true;
        return error(nullptr);
    }
    // In order: BEGIN's result, a null, the statement's result, a null, then the sync point. A dead connection
    // answers with an error and then nulls only.
    std::vector<Owned> results;
    bool synced = false;
    for (int nulls = 0; nulls < 2 && !synced;) {
        PGresult* r = PQgetResult(conn_);
        if (!r) {
            ++nulls;
            continue;
        }
        nulls = 0;
        if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
            synced = true;
            PQclear(r);
        } else {
            results.emplace_back(r);
        }
    }
    if (!synced || PQexitPipelineMode(conn_) != 1) unusable_ = true;
    const auto ok = [](const Owned& r) {
        const auto st = PQresultStatus(r.get());
        return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    };
    if (results.empty()) return error(nullptr);
    if (!ok(results[0])) {
        unusable_ = true;  // no transaction: what follows must not run on its own
        return error(results[0].get());
    }
    if (results.size() < 2) return error(nullptr);
    if (unusable_ && ok(results[1])) return error(nullptr);
    return std::move(results[1]);
}

Result<sql::QueryResult> PgConnection::run(std::string_view sql, std::span<const sql::Param> params) {
    const bool carries_begin = pending_begin_ != nullptr;
    auto out = run_statement(sql, params);
    // The statement that was to carry BEGIN met a dead connection: the transaction never started.
    if (!out && carries_begin && broken()) failed_before_start_ = true;
    return out;
}

Result<sql::QueryResult> PgConnection::run_statement(std::string_view sql, std::span<const sql::Param> params) {
    // Never a statement outside the transaction it belongs to, after a pipeline went wrong.
    if (unusable_) return Error{Errc::unavailable, "postgres: the connection was left unusable"};
    std::string key(sql);
    auto it = prepared_.find(key);
    if (it == prepared_.end()) {
        std::string name = fmt::format("h{}", prepared_.size() + 1);
        const std::string text = number_placeholders(sql);
        ResultHandle res(PQprepare(conn_, name.c_str(), text.c_str(), static_cast<int>(params.size()), nullptr));
        if (!res || PQresultStatus(res.get()) != PGRES_COMMAND_OK) return error(res.get());  // BEGIN still waits
        it = prepared_.emplace(std::move(key), std::move(name)).first;
    }

    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
            texts[i] = std::to_string(*n);
            values[i] = texts[i].c_str();
        } else if (const auto* s = std::get_if<std::string>(&params[i])) {
            if (s->find('\0') != std::string::npos)
                return Error{Errc::invalid_argument, "postgres: text values cannot contain NUL characters"};
            values[i] = s->c_str();
        }
    }
    if (pending_begin_) {
        auto sent = exec_with_begin(it->second, static_cast<int>(params.size()), values.data());
        if (!sent) return std::move(sent).error();
        return to_result(std::move(sent).value());
    }
    return to_result(ResultHandle(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()),
                                                 values.data(), nullptr, nullptr, 0)));
}

Result<sql::QueryResult> PgConnection::to_result(ResultHandle res) const {
    const auto status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return error(res.get());

    sql::QueryResult out;
    const int rows = PQntuples(res.get());
    const int cols = PQnfields(res.get());
    out.rows.reserve(static_cast<std::size_t>(rows));
    for (int r = 0; r < rows; ++r) {
        std::vector<std::optional<std::string>> row;
        row.reserve(static_cast<std::size_t>(cols));
        for (int c = 0; c < cols; ++c) {
            if (PQgetisnull(res.get(), r, c)) {
                row.emplace_back();
            } else {
                row.emplace_back(
                    std::string(PQgetvalue(res.get(), r, c), static_cast<std::size_t>(PQgetlength(res.get(), r, c))));
            }
        }
        out.rows.emplace_back(std::move(row));
    }
    const char* affected = PQcmdTuples(res.get());
    if (affected && *affected) {
        std::string_view a(affected);
        std::from_chars(a.data(), a.data() + a.size(), out.affected);
    }
    return out;
}

}  // namespace hector::store::postgres
