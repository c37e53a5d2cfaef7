#pragma once

#include <memory>

#include "hector/store/postgres/pg_listener.hpp"
#include "hector/store/postgres/pg_pool.hpp"
#include "hector/store/sql/database.hpp"

namespace hector::store::postgres {

/// A PostgreSQL database behind a bounded connection pool. Writes run in READ COMMITTED transactions whose state
/// changes are compare-and-set or take row locks (FOR UPDATE); reads run in REPEATABLE READ READ ONLY snapshots.
/// A transaction whose first statement finds its pooled connection dead (the server restarted) is retried once on
/// a fresh connection: nothing had run yet, so the retry is safe. All work runs on the blocking pool given at
/// open; transact() blocks. Thread-safe.
class PgDatabase final : public sql::Database {
  public:
    /// Blocking; call at start-up. Connects (Errc::unavailable when the server cannot be reached), creates the
    /// schema named in the settings when there is one, and applies the schema steps (sql/migrations.hpp); a
    /// database with a newer schema is refused with Errc::unsupported.
    static Result<std::unique_ptr<PgDatabase>> open(PgPoolSettings settings, boost::asio::thread_pool& blocking);

    sql::Dialect dialect() const override { return sql::Dialect::postgres; }
    std::string describe() const override { return description_; }
    Status transact(sql::TxMode mode, const std::function<Status(sql::Connection&)>& fn) override;
    ConnectionStats connection_stats() const override {
        const auto s = pool_.stats();
        return {s.open, s.idle};
    }

    PgPool& pool() { return pool_; }

    /// NOTIFY on a channel per schema ("hector_signals", or "hector_<schema>"), received by a PgListener.
    Status listen(std::string origin, SignalHandler on_signal, std::function<void()> on_gap) override;
    void stop_listening() override { listener_.reset(); }
    ~PgDatabase() override;

  private:
    PgDatabase(PgPoolSettings settings, boost::asio::thread_pool& blocking);

    PgPool pool_;
    std::string description_;
    std::unique_ptr<PgListener> listener_;
};

}  // namespace hector::store::postgres
