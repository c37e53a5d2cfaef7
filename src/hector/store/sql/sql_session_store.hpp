#pragma once

#include "hector/store/session_store.hpp"
#include "hector/store/sql/database.hpp"

namespace hector::store::sql {

/// SessionStore on a SQL database (SQLite or PostgreSQL). append() is one transaction that creates the session
/// when needed, takes the next sequence number from the session row (locked on PostgreSQL, the single writer on
/// SQLite), merges state_delta into the stored state (null deletes a key) and inserts the event, so concurrent
/// appends never lose an event or a state change. Every method runs on the database's blocking pool. Thread-safe;
/// the database must outlive the store.
/// An event's JSON columns, encoded before its write is queued: on SQLite one thread makes every write, so what can
/// be done beforehand is done by the caller's thread.
struct SessionEventJson {
    std::string content;
    std::string tool_calls;
    std::string tool_results;
    std::string state_delta;
};
SessionEventJson encode_session_event(const SessionEvent& event);
/// Appends one event inside the caller's transaction (SqlTaskStore::finish_run_with joins a run's conversation to
/// its outcome this way), with its columns from encode_session_event(event). Same contract as SessionStore::append.
Result<AppendedEvent> append_session_event(Connection& c, const SessionKey& key, const SessionEvent& event,
                                           const SessionEventJson& columns);
/// SessionStore::open inside the caller's transaction (SqlTaskStore::start_run_with opens a run's session this way).
Result<Session> open_session(Connection& c, const SessionKey& key, std::optional<std::size_t> last_events);

class SqlSessionStore final : public SessionStore {
  public:
    explicit SqlSessionStore(Database& db) : db_(db) {}

    boost::asio::awaitable<Result<Session>> get(const SessionKey& key, std::optional<std::size_t> last_events) override;
    boost::asio::awaitable<Result<Session>> open(const SessionKey& key,
                                                 std::optional<std::size_t> last_events) override;
    boost::asio::awaitable<Result<AppendedEvent>> append(const SessionKey& key, SessionEvent event) override;
    boost::asio::awaitable<Status> remove(const SessionKey& key) override;
    boost::asio::awaitable<Result<std::vector<SessionSummary>>> list(std::string app_id, std::string user_id,
                                                                     std::size_t limit,
                                                                     std::optional<SessionCursor> after) override;
    boost::asio::awaitable<Status> remove_app(std::string app_id) override;

  private:
    Database& db_;
};

}  // namespace hector::store::sql
