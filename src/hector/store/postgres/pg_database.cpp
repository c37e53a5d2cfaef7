#include "hector/store/postgres/pg_database.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <cctype>

#include "hector/common/logging.hpp"
#include "hector/store/sql/migrations.hpp"

namespace hector::store::postgres {

namespace {

constexpr const char* kBeginRead = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
constexpr const char* kBeginWrite = "BEGIN";

/// Schema names become SQL identifiers; keep them to a plain, unambiguous set.
bool valid_schema(const std::string& s) {
    if (s.empty() || s.size() > 63) return false;
    for (char c : s)
        if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
            return false;
    return !std::isdigit(static_cast<unsigned char>(s.front()));
}

}  // namespace

PgDatabase::PgDatabase(PgPoolSettings settings, boost::asio::thread_pool& blocking)
    : sql::Database(blocking), pool_(std::move(settings)) {
    description_ = describe_conninfo(pool_.settings().connect.conninfo);
    if (!pool_.settings().connect.schema.empty()) description_ += " schema " + pool_.settings().connect.schema;
}

Result<std::unique_ptr<PgDatabase>> PgDatabase::open(PgPoolSettings settings, boost::asio::thread_pool& blocking) {
    const std::string schema = settings.connect.schema;
    if (!schema.empty() && !valid_schema(schema))
        return Error{Errc::invalid_argument,
                     "postgres: schema \"" + schema + "\" must be lowercase letters, digits and _ (at most 63)"};
    if (settings.max_conns == 0) return Error{Errc::invalid_argument, "postgres: max_conns must be at least 1"};
    std::unique_ptr<PgDatabase> db(new PgDatabase(std::move(settings), blocking));

    if (!schema.empty()) {
        // Outside the search_path'd session settings: the schema may not exist yet. The name was checked above.
        const std::string create = "CREATE SCHEMA IF NOT EXISTS " + schema;
        auto st = db->transact(sql::TxMode::write, [&](sql::Connection& c) -> Status {
            if (auto r = c.run("SELECT pg_advisory_xact_lock(4851407394601128277)"); !r) return std::move(r).error();
            if (auto r = c.run(create); !r) return std::move(r).error();
            return {};
        });
        if (!st) return std::move(st).error();
    }
    if (auto st = sql::migrate(*db, sql::migrations(sql::Dialect::postgres)); !st) return std::move(st).error();
    return db;
}

Status PgDatabase::transact(sql::TxMode mode, const std::function<Status(sql::Connection&)>& fn) {
    for (int attempt = 0;; ++attempt) {
        auto lease = pool_.acquire();
        if (!lease) return std::move(lease).error();
        PgConnection& c = **lease;
        // BEGIN travels with the first statement (one round trip less per transaction).
        c.begin_lazily(mode == sql::TxMode::read ? kBeginRead : kBeginWrite);
        Status result;
        try {
            result = fn(c);
        } catch (const std::exception& e) {
            result = Error{Errc::internal, fmt::format("{}: {}", description_, e.what())};
        }
        if (!result && c.failed_before_start()) {
            // A pooled connection the server closed meanwhile (a restart, an idle timeout): nothing reached the
            // server, so the transaction runs again, once, on a new connection. The store's functions do nothing
            // before their first statement that a second run would repeat.
            const bool stale = lease->reused();
            lease->discard();
            pool_.drop_idle();
            if (stale && attempt == 0) continue;
            return result;
        }
        if (result) result = c.finish("COMMIT");
        bool keep = !c.broken();
        if (!result && keep) keep = c.finish("ROLLBACK").ok();
        if (!keep) {
            const bool broken = c.broken();
            lease->discard();
            if (broken) pool_.drop_idle();
        }
        return result;
    }
}

PgDatabase::~PgDatabase() {
    listener_.reset();  // its thread calls into the handler: stop it first
}

Status PgDatabase::listen(std::string origin, SignalHandler on_signal, std::function<void()> on_gap) {
    if (listener_) return Error{Errc::invalid_argument, "postgres: already listening"};
    const auto& schema = pool_.settings().connect.schema;
    std::string channel = schema.empty() ? "hector_signals" : "hector_" + schema;
    if (channel.size() > 63) channel.resize(63);
    auto handler = [origin, on_signal = std::move(on_signal)](std::string_view payload) {
        // "<origin> <kind> <task id>"; this instance's own signals come back too.
        const auto first = payload.find(' ');
        if (first == std::string_view::npos || payload.substr(0, first) == origin) return;
        const auto rest = payload.substr(first + 1);
        if (rest.empty()) return;
        const auto id = rest.size() > 2 ? rest.substr(2) : std::string_view{};
        on_signal(rest.front(), id);
    };
    listener_ = std::make_unique<PgListener>(pool_.settings().connect, channel, std::move(handler), std::move(on_gap));
    // Listening before this instance serves, so nothing sent after its start is missed; a server that cannot be
    // reached now is retried in the background (polling covers the meantime).
    if (!listener_->wait_listening(pool_.settings().connect.connect_timeout + std::chrono::seconds(1)))
        log::warn("store", "{}: not listening for other instances' changes yet; retrying", description_);
    signal_origin_ = std::move(origin);
    signal_channel_ = std::move(channel);
    return {};
}

}  // namespace hector::store::postgres
