#include "hector/store/sql/sql_session_store.hpp"

#include <limits>

#include "hector/common/ids.hpp"
#include "hector/store/sql/row_codec.hpp"

namespace hector::store::sql {

namespace {

namespace asio = boost::asio;

// One row whether or not the session exists: its columns, then the user's and the app's scoped state.
const std::string kSelectSession =
    "SELECT s.state_json, s.event_count, s.created_at, s.updated_at, u.state_json, a.state_json "
    "FROM (SELECT CAST(? AS TEXT) AS app_name, CAST(? AS TEXT) AS user_id, CAST(? AS TEXT) AS id) k "
    "LEFT JOIN sessions s ON s.app_name = k.app_name AND s.user_id = k.user_id AND s.id = k.id "
    "LEFT JOIN user_states u ON u.app_name = k.app_name AND u.user_id = k.user_id "
    "LEFT JOIN app_states a ON a.app_name = k.app_name";
const std::string kEnsureUserState =
    "INSERT INTO user_states (app_name, user_id, state_json, updated_at) VALUES (?, ?, '{}', ?) "
    "ON CONFLICT (app_name, user_id) DO NOTHING";
const std::string kSelectUserState = "SELECT state_json FROM user_states WHERE app_name = ? AND user_id = ?";
const std::string kStoreUserState =
    "UPDATE user_states SET state_json = ?, updated_at = ? WHERE app_name = ? AND user_id = ?";
const std::string kEnsureAppState =
    "INSERT INTO app_states (app_name, state_json, updated_at) VALUES (?, '{}', ?) ON CONFLICT (app_name) DO NOTHING";
const std::string kSelectAppState = "SELECT state_json FROM app_states WHERE app_name = ?";
const std::string kStoreAppState = "UPDATE app_states SET state_json = ?, updated_at = ? WHERE app_name = ?";
const std::string kDeleteUserStates = "DELETE FROM user_states WHERE app_name = ?";
const std::string kDeleteAppState = "DELETE FROM app_states WHERE app_name = ?";
const std::string kSelectEvents =
    "SELECT sequence_num, id, invocation_id, author, branch, partial, turn_complete, content_json, tool_calls_json, "
    "tool_results_json, state_delta_json, error_code, error_message, created_at FROM session_events "
    "WHERE app_name = ? AND user_id = ? AND session_id = ? AND sequence_num > ? ORDER BY sequence_num";
// Creates the session when it has none yet and takes the next sequence number, in one statement; on PostgreSQL the
// upsert also locks the row until the append commits.
const std::string kNextSeq =
    "INSERT INTO sessions (app_name, user_id, id, state_json, event_count, created_at, updated_at) "
    "VALUES (?, ?, ?, '{}', 1, ?, ?) ON CONFLICT (app_name, user_id, id) DO UPDATE SET "
    "event_count = sessions.event_count + 1, updated_at = excluded.updated_at RETURNING event_count, state_json";
const std::string kStoreState = "UPDATE sessions SET state_json = ? WHERE app_name = ? AND user_id = ? AND id = ?";
const std::string kInsertEvent =
    "INSERT INTO session_events (app_name, user_id, session_id, sequence_num, id, invocation_id, author, branch, "
    "partial, turn_complete, content_json, tool_calls_json, tool_results_json, state_delta_json, error_code, "
    "error_message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
const std::string kDeleteSession = "DELETE FROM sessions WHERE app_name = ? AND user_id = ? AND id = ?";
const std::string kDeleteApp = "DELETE FROM sessions WHERE app_name = ?";
const std::string kList =
    "SELECT id, updated_at, event_count FROM sessions WHERE app_name = ? AND user_id = ? "
    "ORDER BY updated_at DESC, id ASC LIMIT ?";
const std::string kListAfter =
    "SELECT id, updated_at, event_count FROM sessions WHERE app_name = ? AND user_id = ? "
    "AND (updated_at < ? OR (updated_at = ? AND id > ?)) ORDER BY updated_at DESC, id ASC LIMIT ?";

Error session_not_found() {
    return Error{Errc::not_found, "session not found"};
}

Result<json::array> stored_array(const std::string& text, std::string_view what) {
    auto v = parse_stored(text, what);
    if (!v) return std::move(v).error();
    if (!v->is_array()) return Error{Errc::io_error, "stored " + std::string(what) + " is not an array"};
    return std::move(v->get_array());
}

Result<json::object> stored_object(const std::string& text, std::string_view what) {
    auto v = parse_stored(text, what);
    if (!v) return std::move(v).error();
    if (!v->is_object()) return Error{Errc::io_error, "stored " + std::string(what) + " is not an object"};
    return std::move(v->get_object());
}

Result<SessionEvent> event_from_row(const Row& row) {
    SessionEvent e;
    e.seq = row.integer(0);
    e.id = row.text(1);
    e.invocation_id = row.text(2);
    e.author = row.text(3);
    e.branch = row.text(4);
    e.partial = row.integer(5) != 0;
    e.turn_complete = row.integer(6) != 0;
    const std::string what = "session event " + e.id;
    auto content = stored_object(row.text(7), what);
    if (!content) return std::move(content).error();
    if (auto role = get_string(*content, "role")) e.role = std::string(*role);
    if (const auto* parts = get_array(*content, "parts")) e.parts = *parts;
    auto calls = stored_array(row.text(8), what);
    if (!calls) return std::move(calls).error();
    e.tool_calls = std::move(calls).value();
    auto results = stored_array(row.text(9), what);
    if (!results) return std::move(results).error();
    e.tool_results = std::move(results).value();
    auto delta = stored_object(row.text(10), what);
    if (!delta) return std::move(delta).error();
    e.state_delta = std::move(delta).value();
    e.error_code = row.text(11);
    e.error_message = row.text(12);
    e.timestamp = from_nanos(row.integer(13));
    return e;
}

// `or_empty`: a session not stored yet is an empty one (with the scoped state) rather than Errc::not_found.
Result<Session> do_get(Connection& c, const SessionKey& key, std::optional<std::size_t> last_events, bool or_empty) {
    auto head = c.run(kSelectSession, {key.app_id, key.user_id, key.id});
    if (!head) return std::move(head).error();
    if (head->rows.empty()) return Error{Errc::internal, "session lookup returned no row"};
    const auto& row = head->rows.front();
    const bool exists = !row.is_null(1);
    if (!exists && !or_empty) return session_not_found();
    Session s;
    s.key = key;
    for (std::size_t col : {std::size_t{0}, std::size_t{4}, std::size_t{5}}) {
        if (row.is_null(col)) continue;
        auto state = stored_object(row.text(col), col == 0 ? "session state" : "scoped state");
        if (!state) return std::move(state).error();
        for (const auto& kv : *state) s.state[kv.key()] = kv.value();
    }
    if (!exists) return s;
    s.event_count = row.integer(1);
    s.created_at = from_nanos(row.integer(2));
    s.updated_at = from_nanos(row.integer(3));
    // Sequence numbers run 1..event_count without gaps, so the newest N start after event_count - N.
    std::int64_t after = 0;
    if (last_events && static_cast<std::uint64_t>(*last_events) < static_cast<std::uint64_t>(s.event_count))
        after = s.event_count - static_cast<std::int64_t>(*last_events);
    auto events = c.run(kSelectEvents, {key.app_id, key.user_id, key.id, after});
    if (!events) return std::move(events).error();
    s.events.reserve(events->rows.size());
    for (const auto& r : events->rows) {
        auto e = event_from_row(r);
        if (!e) return std::move(e).error();
        s.events.push_back(std::move(e).value());
    }
    return s;
}

Result<AppendedEvent> do_append_impl(Connection& c, const SessionKey& key, const SessionEvent& event,
                                     const SessionEventJson& columns) {
    const auto now = Clock::now();
    const auto now_ns = to_nanos(now);
    auto next = c.run(kNextSeq, {key.app_id, key.user_id, key.id, now_ns, now_ns});
    if (!next) return std::move(next).error();
    if (next->rows.empty()) return Error{Errc::internal, "session vanished while appending"};
    AppendedEvent out{next->rows.front().integer(0), event.id, event.timestamp};
    if (!event.state_delta.empty()) {
        json::object session_delta, user_delta, app_delta;
        for (const auto& kv : event.state_delta) {
            switch (state_scope(kv.key())) {
                case StateScope::session:
                    session_delta[kv.key()] = kv.value();
                    break;
                case StateScope::user:
                    user_delta[kv.key()] = kv.value();
                    break;
                case StateScope::app:
                    app_delta[kv.key()] = kv.value();
                    break;
                case StateScope::temp:
                    break;  // one invocation only: kept in the event, never in a state
            }
        }
        if (!session_delta.empty()) {
            auto state = stored_object(next->rows.front().text(1), "session state");
            if (!state) return std::move(state).error();
            for (const auto& kv : session_delta) apply_state(*state, kv.key(), kv.value());
            if (auto r = c.run(kStoreState, {to_json(*state), key.app_id, key.user_id, key.id}); !r)
                return std::move(r).error();
        }
        // Scoped rows are read under a row lock (PostgreSQL), so concurrent sessions of one user never lose keys.
        const std::string lock = c.dialect() == Dialect::postgres ? " FOR UPDATE" : "";
        if (!user_delta.empty()) {
            if (auto r = c.run(kEnsureUserState, {key.app_id, key.user_id, now_ns}); !r) return std::move(r).error();
            auto cur = c.run(kSelectUserState + lock, {key.app_id, key.user_id});
            if (!cur) return std::move(cur).error();
            auto state = stored_object(cur->rows.at(0).text(0), "user state");
            if (!state) return std::move(state).error();
            for (const auto& kv : user_delta) apply_state(*state, kv.key(), kv.value());
            if (auto r = c.run(kStoreUserState, {to_json(*state), now_ns, key.app_id, key.user_id}); !r)
                return std::move(r).error();
        }
        if (!app_delta.empty()) {
            if (auto r = c.run(kEnsureAppState, {key.app_id, now_ns}); !r) return std::move(r).error();
            auto cur = c.run(kSelectAppState + lock, {key.app_id});
            if (!cur) return std::move(cur).error();
            auto state = stored_object(cur->rows.at(0).text(0), "app state");
            if (!state) return std::move(state).error();
            for (const auto& kv : app_delta) apply_state(*state, kv.key(), kv.value());
            if (auto r = c.run(kStoreAppState, {to_json(*state), now_ns, key.app_id}); !r) return std::move(r).error();
        }
    }
    if (out.id.empty()) out.id = new_uuid();
    if (out.timestamp == TimePoint{}) out.timestamp = now;
    std::vector<Param> params{key.app_id,
                              key.user_id,
                              key.id,
                              out.seq,
                              out.id,
                              event.invocation_id,
                              event.author,
                              event.branch,
                              std::int64_t{event.partial ? 1 : 0},
                              std::int64_t{event.turn_complete ? 1 : 0},
                              columns.content,
                              columns.tool_calls,
                              columns.tool_results,
                              columns.state_delta,
                              event.error_code,
                              event.error_message,
                              to_nanos(out.timestamp)};
    if (auto r = c.run(kInsertEvent, params); !r) return std::move(r).error();
    return out;
}

}  // namespace

SessionEventJson encode_session_event(const SessionEvent& event) {
    json::object content;
    if (!event.role.empty()) content["role"] = event.role;
    content["parts"] = event.parts;
    return {to_json(content), to_json(event.tool_calls), to_json(event.tool_results), to_json(event.state_delta)};
}

Result<AppendedEvent> append_session_event(Connection& c, const SessionKey& key, const SessionEvent& event,
                                           const SessionEventJson& columns) {
    return do_append_impl(c, key, event, columns);
}

Result<Session> open_session(Connection& c, const SessionKey& key, std::optional<std::size_t> last_events) {
    return do_get(c, key, last_events, true);
}

asio::awaitable<Result<Session>> SqlSessionStore::get(const SessionKey& key, std::optional<std::size_t> last_events) {
    return db_.read<Session>([key = key, last_events](Connection& c) { return do_get(c, key, last_events, false); });
}

asio::awaitable<Result<Session>> SqlSessionStore::open(const SessionKey& key, std::optional<std::size_t> last_events) {
    return db_.read<Session>([key = key, last_events](Connection& c) { return do_get(c, key, last_events, true); });
}

asio::awaitable<Result<AppendedEvent>> SqlSessionStore::append(const SessionKey& key, SessionEvent event) {
    auto columns = encode_session_event(event);
    return db_.write<AppendedEvent>([key = key, event = std::move(event), columns = std::move(columns)](Connection& c) {
        return do_append_impl(c, key, event, columns);
    });
}

asio::awaitable<Status> SqlSessionStore::remove(const SessionKey& key) {
    return db_.write<void>([key = key](Connection& c) -> Status {
        auto r = c.run(kDeleteSession, {key.app_id, key.user_id, key.id});
        if (!r) return std::move(r).error();
        if (r->affected == 0) return session_not_found();
        return {};
    });
}

asio::awaitable<Result<std::vector<SessionSummary>>> SqlSessionStore::list(std::string app_id, std::string user_id,
                                                                           std::size_t limit,
                                                                           std::optional<SessionCursor> after) {
    return db_.read<std::vector<SessionSummary>>(
        [app_id = std::move(app_id), user_id = std::move(user_id), limit,
         after = std::move(after)](Connection& c) -> Result<std::vector<SessionSummary>> {
            const auto n = static_cast<std::int64_t>(
                std::min<std::size_t>(limit, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())));
            auto r = after ? c.run(kListAfter, {app_id, user_id, to_nanos(after->updated_at),
                                                to_nanos(after->updated_at), after->id, n})
                           : c.run(kList, {app_id, user_id, n});
            if (!r) return std::move(r).error();
            std::vector<SessionSummary> out;
            out.reserve(r->rows.size());
            for (const auto& row : r->rows)
                out.push_back({{app_id, user_id, row.text(0)}, from_nanos(row.integer(1)), row.integer(2)});
            return out;
        });
}

asio::awaitable<Status> SqlSessionStore::remove_app(std::string app_id) {
    return db_.write<void>([app_id = std::move(app_id)](Connection& c) -> Status {
        for (const auto* sql : {&kDeleteApp, &kDeleteUserStates, &kDeleteAppState})
            if (auto r = c.run(*sql, {app_id}); !r) return std::move(r).error();
        return {};
    });
}

}  // namespace hector::store::sql
