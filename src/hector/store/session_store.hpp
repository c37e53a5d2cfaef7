#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hector/common/result.hpp"
#include "hector/common/sparse_object.hpp"
#include "hector/common/time.hpp"

namespace hector::store {

/// One event of a conversation: a user or agent message, tool calls, tool results, a state change.
/// Field names follow the admin API's event shape (server.md §7.3).
struct SessionEvent {
    std::string id;
    std::int64_t seq = 0;
    TimePoint timestamp{};
    std::string invocation_id;  // the task that produced it
    std::string author;         // "user" or the agent id
    std::string branch;
    bool partial = false;
    bool turn_complete = true;
    std::string role;                 // user | agent (empty when the event carries no message)
    boost::json::array parts;         // A2A parts of the message
    boost::json::array tool_calls;    // [{id, name, arguments}]
    boost::json::array tool_results;  // [{tool_call_id, name, content, is_error}]
    SparseObject state_delta;
    std::string error_code;
    std::string error_message;
};

/// What SessionStore::append assigned to an event: its place in the session, its id and its time.
struct AppendedEvent {
    std::int64_t seq = 0;
    std::string id;
    TimePoint timestamp{};
};

struct SessionKey {
    std::string app_id = "default";
    std::string user_id = "default";
    std::string id;
};

struct Session {
    SessionKey key;
    boost::json::object state;
    std::vector<SessionEvent> events;  // oldest first (possibly only the newest N, see get())
    std::int64_t event_count = 0;      // all stored events
    TimePoint created_at{};
    TimePoint updated_at{};
};

/// One row of a session listing (admin API).
struct SessionSummary {
    SessionKey key;
    TimePoint updated_at{};
    std::int64_t event_count = 0;
};

/// Where a listing continues: the (updated_at, id) of the last row of the previous page.
struct SessionCursor {
    TimePoint updated_at{};
    std::string id;
};

/// platform.md §6.2: where a state key lives. `user:` keys are shared by all of a user's sessions, `app:` keys by
/// every session of the app; `temp:` keys last one invocation and are never stored; the rest belong to the session.
enum class StateScope { session, user, app, temp };
StateScope state_scope(std::string_view key);
/// Sets `key` in `state`, or removes it when `value` is null (a state delta's convention).
void apply_state(boost::json::object& state, std::string_view key, const boost::json::value& value);

/// A run's user message joins its conversation once: when an earlier attempt of task `task_id` recorded it, it is
/// taken out of `history` (the agent adds the message itself) and true comes back.
bool take_recorded_user_message(std::vector<SessionEvent>& history, const std::string& task_id);

/// Conversations: (app, user, id) → ordered events and state. Thread-safe; awaitable like TaskStore.
class SessionStore {
  public:
    virtual ~SessionStore() = default;
    // Keys are read during the call: the caller awaits it before the key goes (a store copies what it keeps).
    /// Errc::not_found when absent. `last_events` limits the events returned to the newest N (oldest first). The
    /// state holds the session's keys and the user's (`user:`) and app's (`app:`) scoped keys.
    virtual boost::asio::awaitable<Result<Session>> get(const SessionKey& key,
                                                        std::optional<std::size_t> last_events) = 0;
    /// For a run: as get(), but a session that is not stored yet comes back empty, with the scoped state it will see.
    virtual boost::asio::awaitable<Result<Session>> open(const SessionKey& key,
                                                         std::optional<std::size_t> last_events) = 0;
    /// Appends (creating the session when needed); assigns id, seq and timestamp; merges state_delta into the state
    /// of each key's scope (temp: keys stay in the event only). Returns what it assigned, not a copy of the event.
    virtual boost::asio::awaitable<Result<AppendedEvent>> append(const SessionKey& key, SessionEvent event) = 0;
    virtual boost::asio::awaitable<Status> remove(const SessionKey& key) = 0;
    /// Sessions of (app, user) ordered by updated_at descending, then id ascending; at most `limit`, starting after
    /// `after` when given.
    virtual boost::asio::awaitable<Result<std::vector<SessionSummary>>> list(std::string app_id, std::string user_id,
                                                                             std::size_t limit,
                                                                             std::optional<SessionCursor> after) = 0;
    /// Removes every session of an app and its scoped state (app deletion).
    virtual boost::asio::awaitable<Status> remove_app(std::string app_id) = 0;
};

}  // namespace hector::store
