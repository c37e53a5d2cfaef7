#include "hector/store/sql/sql_task_store.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "hector/store/sql/row_codec.hpp"
#include "hector/store/sql/sql_queue_store.hpp"
#include "hector/store/sql/sql_session_store.hpp"

namespace hector::store::sql {

namespace {

namespace asio = boost::asio;

// Statements are composed from constants only; every value is a bound parameter.
const std::string kTerminal(kTerminalStatesSql);

constexpr std::string_view kTaskColumnList =
    "id, app_id, user_id, context_id, agent, status_json, history_json, artifacts_json, metadata_json, "
    "created_at, updated_at, last_seq";

const std::string kInsertTask =
    "INSERT INTO a2a_tasks (id, app_id, user_id, context_id, agent, state, status_json, history_json, "
    "artifacts_json, metadata_json, created_at, updated_at, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (id) DO NOTHING";
const std::string kSelectTask = fmt::format("SELECT {} FROM a2a_tasks WHERE id = ? AND app_id = ?", kTaskColumnList);
const std::string kSelectState = "SELECT state FROM a2a_tasks WHERE id = ? AND app_id = ?";
// The row lock that serialises changes to one task's children on PostgreSQL; SQLite has a single writer.
const std::string kLockTaskPg = "SELECT state FROM a2a_tasks WHERE id = ? AND app_id = ? FOR UPDATE";
const std::string kUpdateTask =
    "UPDATE a2a_tasks SET user_id = ?, context_id = ?, agent = ?, state = ?, status_json = ?, history_json = ?, "
    "artifacts_json = ?, metadata_json = ?, created_at = ?, updated_at = ?, last_seq = ? "
    "WHERE id = ? AND app_id = ? AND (state NOT IN " +
    kTerminal + " OR state = ?)";
const std::string kFinishTask = fmt::format(
    "UPDATE a2a_tasks SET state = ?, status_json = ?, updated_at = ? WHERE id = ? AND app_id = ? AND state NOT IN "
    "{} RETURNING {}",
    kTerminal, kTaskColumnList);
const std::string kInsertMessage =
    "INSERT INTO task_messages (app_id, user_id, context_id, message_id, task_id) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (app_id, user_id, context_id, message_id) DO NOTHING";
const std::string kBumpLastSeq =
    "UPDATE a2a_tasks SET last_seq = CASE WHEN last_seq < ? THEN ? ELSE last_seq END WHERE id = ? AND app_id = ?";
const std::string kSelectEvents =
    "SELECT seq, kind, payload, final FROM task_events WHERE task_id = ? AND seq > ? ORDER BY seq";
const std::string kDeleteEvents = "DELETE FROM task_events WHERE task_id = ?";
const std::string kFindMessage =
    "SELECT task_id FROM task_messages WHERE app_id = ? AND user_id = ? AND context_id = ? AND message_id = ?";
const std::string kActiveInContext = fmt::format(
    "SELECT {} FROM a2a_tasks WHERE app_id = ? AND context_id = ? AND state NOT IN {} "
    "ORDER BY created_at, id",
    kTaskColumnList, kTerminal);
const std::string kUpdatePush = "UPDATE push_configs SET config_json = ? WHERE task_id = ? AND config_id = ?";
const std::string kCountPush = "SELECT COUNT(*), COALESCE(MAX(ordinal), 0) FROM push_configs WHERE task_id = ?";
const std::string kInsertPush =
    "INSERT INTO push_configs (task_id, config_id, ordinal, config_json, created_at) VALUES (?, ?, ?, ?, ?)";
const std::string kSelectPush = "SELECT config_json FROM push_configs WHERE task_id = ? ORDER BY ordinal";
const std::string kDeletePush = "DELETE FROM push_configs WHERE task_id = ? AND config_id = ?";
const std::string kDeleteApp = "DELETE FROM a2a_tasks WHERE app_id = ?";
constexpr std::int64_t kPurgeBatch = 500;
const std::string kPurgeBatchSql = "DELETE FROM a2a_tasks WHERE id IN (SELECT id FROM a2a_tasks WHERE state IN " +
                                   kTerminal + " AND updated_at < ? LIMIT ?)";

Error task_not_found() {
    return Error{Errc::task_not_found, "Task not found"};
}

Result<TaskRecord> record_from_row(const Row& row) {
    TaskColumns cols;
    cols.status_json = row.text(5);
    cols.history_json = row.text(6);
    cols.artifacts_json = row.text(7);
    cols.metadata_json = row.text(8);
    auto task = decode_task(row.text(0), row.text(3), cols);
    if (!task) return std::move(task).error();
    TaskRecord r;
    r.task = std::move(task).value();
    r.app_id = row.text(1);
    r.user_id = row.text(2);
    r.agent = row.text(4);
    r.created_at = from_nanos(row.integer(9));
    r.updated_at = from_nanos(row.integer(10));
    r.last_seq = row.integer(11);
    return r;
}

/// Records the user messages of a task for find_by_message; the first task to claim a message id keeps it.
Status index_messages(Connection& c, const TaskRecord& r) {
    for (const auto& m : r.task.history) {
        if (m.role != a2a::Role::user || m.message_id.empty()) continue;
        auto res = c.run(kInsertMessage, {r.app_id, r.user_id, r.task.context_id, m.message_id, r.task.id});
        if (!res) return std::move(res).error();
    }
    return {};
}

/// The task's state, or Errc::task_not_found; on PostgreSQL also locks the row until the transaction ends.
Result<std::string> lock_task(Connection& c, const std::string& app_id, const std::string& task_id) {
    auto r = c.run(c.dialect() == Dialect::postgres ? kLockTaskPg : kSelectState, {task_id, app_id});
    if (!r) return std::move(r).error();
    if (r->rows.empty()) return task_not_found();
    return r->rows.front().text(0);
}

/// Errc::task_not_found unless the app owns the task (reads; no lock).
Status require_task(Connection& c, const std::string& app_id, const std::string& task_id) {
    auto r = c.run(kSelectState, {task_id, app_id});
    if (!r) return std::move(r).error();
    if (r->rows.empty()) return task_not_found();
    return {};
}

// INSERT of n events in one statement (one round trip on PostgreSQL); n is at most kEventsPerInsert, so the
// connection's statement cache holds a few texts only.
constexpr std::size_t kEventsPerInsert = 16;

const std::string& insert_events_sql(std::size_t n) {
    static const std::vector<std::string> texts = [] {
        std::vector<std::string> out(kEventsPerInsert + 1);
        for (std::size_t i = 1; i <= kEventsPerInsert; ++i) {
            out[i] = "INSERT INTO task_events (task_id, seq, kind, payload, final) VALUES (?, ?, ?, ?, ?)";
            for (std::size_t k = 1; k < i; ++k) out[i] += ", (?, ?, ?, ?, ?)";
        }
        return out;
    }();
    return texts[n];
}

// Events arrive as JSON text (made once, when the event happened): nothing is encoded on SQLite's one writer thread.
Status insert_events(Connection& c, const std::string& task_id, const std::vector<TaskEvent>& events) {
    for (std::size_t first = 0; first < events.size(); first += kEventsPerInsert) {
        const std::size_t n = std::min(kEventsPerInsert, events.size() - first);
        std::vector<Param> params;
        params.reserve(n * 5);
        for (std::size_t i = first; i < first + n; ++i) {
            const auto& e = events[i];
            params.emplace_back(task_id);
            params.emplace_back(e.seq);
            params.emplace_back(std::string(event_kind_name(e.kind)));
            params.emplace_back(e.payload ? *e.payload : std::string("null"));
            params.emplace_back(std::int64_t{e.final ? 1 : 0});
        }
        auto r = c.run(insert_events_sql(n), params);
        if (!r) {
            if (r.error().code == Errc::conflict)
                return Error{Errc::conflict,
                             n == 1 ? fmt::format("task {}: event {} is already stored", task_id, events[first].seq)
                                    : fmt::format("task {}: one of events {}..{} is already stored", task_id,
                                                  events[first].seq, events[first + n - 1].seq)};
            return std::move(r).error();
        }
    }
    return {};
}

Status do_create(Connection& c, const TaskRecord& r, const TaskColumns& cols) {
    auto res = c.run(kInsertTask, {r.task.id, r.app_id, r.user_id, r.task.context_id, r.agent, cols.state,
                                   cols.status_json, cols.history_json, cols.artifacts_json, cols.metadata_json,
                                   to_nanos(r.created_at), to_nanos(r.updated_at), r.last_seq});
    if (!res) return std::move(res).error();
    if (res->affected == 0) return Error{Errc::conflict, "task id already exists"};
    return index_messages(c, r);
}

// A run's start and end add no user message to the history (the create or the resume that started the run
// indexed them), so they skip index_messages: one statement fewer per transaction.
enum class MessageIndex { update, keep };

Status do_update(Connection& c, const TaskRecord& r, const TaskColumns& cols,
                 MessageIndex index = MessageIndex::update) {
    auto res = c.run(kUpdateTask, {r.user_id, r.task.context_id, r.agent, cols.state, cols.status_json,
                                   cols.history_json, cols.artifacts_json, cols.metadata_json, to_nanos(r.created_at),
                                   to_nanos(r.updated_at), r.last_seq, r.task.id, r.app_id, cols.state});
    if (!res) return std::move(res).error();
    if (res->affected == 0) {
        auto state = lock_task(c, r.app_id, r.task.id);
        if (!state) return std::move(state).error();
        return Error{Errc::conflict, "task is already " + *state};
    }
    if (index == MessageIndex::keep) return {};
    return index_messages(c, r);
}

Result<TaskRecord> do_finish(Connection& c, const std::string& app_id, const std::string& task_id,
                             const a2a::TaskStatus& status) {
    auto res = c.run(kFinishTask, {std::string(a2a::to_string(status.state)), encode_status(status),
                                   to_nanos(Clock::now()), task_id, app_id});
    if (!res) return std::move(res).error();
    if (res->rows.empty()) {
        auto state = lock_task(c, app_id, task_id);
        if (!state) return std::move(state).error();
        return Error{Errc::task_not_cancelable, "Task cannot be canceled: it is already " + *state};
    }
    return record_from_row(res->rows.front());
}

Status do_append(Connection& c, const std::string& app_id, const std::string& task_id,
                 const std::vector<TaskEvent>& events) {
    std::int64_t max_seq = 0;
    for (const auto& e : events) max_seq = std::max(max_seq, e.seq);
    // The UPDATE both checks ownership and (on PostgreSQL) locks the task row for the inserts below.
    auto res = c.run(kBumpLastSeq, {max_seq, max_seq, task_id, app_id});
    if (!res) return std::move(res).error();
    if (res->affected == 0) return task_not_found();
    return insert_events(c, task_id, events);
}

Result<std::vector<TaskEvent>> do_events_after(Connection& c, const std::string& app_id, const std::string& task_id,
                                               std::int64_t after_seq) {
    if (auto st = require_task(c, app_id, task_id); !st) return std::move(st).error();
    auto res = c.run(kSelectEvents, {task_id, after_seq});
    if (!res) return std::move(res).error();
    std::vector<TaskEvent> out;
    out.reserve(res->rows.size());
    for (const auto& row : res->rows) {
        TaskEvent e;
        e.seq = row.integer(0);
        e.kind = event_kind_from_name(row.text(1));
        // Checked as JSON before it goes out to a subscriber again; sent as the text it was stored as.
        if (auto payload = parse_stored(row.text(2), "event of task " + task_id); !payload)
            return std::move(payload).error();
        e.payload = store::make_json_text(std::string(row.text(2)));
        e.final = row.integer(3) != 0;
        out.push_back(std::move(e));
    }
    return out;
}

Result<std::vector<a2a::PushNotificationConfig>> select_push_configs(Connection& c, const std::string& task_id) {
    auto r = c.run(kSelectPush, {task_id});
    if (!r) return std::move(r).error();
    std::vector<a2a::PushNotificationConfig> out;
    for (const auto& row : r->rows) {
        auto cfg = decode_push_config(row.text(0));
        if (!cfg) return std::move(cfg).error();
        out.push_back(std::move(cfg).value());
    }
    return out;
}

// Claims queue rows and reads their tasks in the caller's transaction.
Result<std::vector<ClaimedRun>> do_claim_runs(Connection& c, const ClaimRequest& request) {
    auto items = claim_queue_rows(c, request.owner, request.max, request.now, request.lease_until);
    if (!items) return std::move(items).error();
    std::vector<ClaimedRun> out;
    out.reserve(items->size());
    for (auto& item : *items) {
        ClaimedRun run;
        auto res = c.run(kSelectTask, {item.task_id, item.app_id});
        if (!res) return std::move(res).error();
        if (!res->rows.empty()) {
            auto record = record_from_row(res->rows.front());
            if (!record) return std::move(record).error();
            run.task = std::move(record).value();
        }
        run.item = std::move(item);
        out.push_back(std::move(run));
    }
    return out;
}

}  // namespace

asio::awaitable<Status> SqlTaskStore::create(TaskRecord record) {
    auto cols = encode_task(record.task);
    return db_.write<void>(
        [r = std::move(record), cols = std::move(cols)](Connection& c) { return do_create(c, r, cols); });
}

asio::awaitable<Result<TaskRecord>> SqlTaskStore::get(std::string app_id, std::string task_id) {
    return db_.read<TaskRecord>(
        [app_id = std::move(app_id), task_id = std::move(task_id)](Connection& c) -> Result<TaskRecord> {
            auto res = c.run(kSelectTask, {task_id, app_id});
            if (!res) return std::move(res).error();
            if (res->rows.empty()) return task_not_found();
            return record_from_row(res->rows.front());
        });
}

asio::awaitable<Status> SqlTaskStore::update(TaskRecord record) {
    auto cols = encode_task(record.task);
    return db_.write<void>(
        [r = std::move(record), cols = std::move(cols)](Connection& c) { return do_update(c, r, cols); });
}

asio::awaitable<Result<TaskRecord>> SqlTaskStore::finish_if_active(std::string app_id, std::string task_id,
                                                                   a2a::TaskStatus status) {
    return db_.write<TaskRecord>([this, app_id = std::move(app_id), task_id = std::move(task_id),
                                  status = std::move(status)](Connection& c) -> Result<TaskRecord> {
        auto done = do_finish(c, app_id, task_id, status);
        if (!done) return done;
        if (auto st = db_.signal(c, 't', task_id); !st) return st.error();  // a run elsewhere stops
        return done;
    });
}

asio::awaitable<Status> SqlTaskStore::append_events(std::string app_id, std::string task_id,
                                                    std::vector<TaskEvent> events) {
    return db_.write<void>([this, app_id = std::move(app_id), task_id = std::move(task_id),
                            events = std::move(events)](Connection& c) -> Status {
        if (auto st = do_append(c, app_id, task_id, events); !st) return st;
        return db_.signal(c, 't', task_id);  // followers elsewhere read the new events
    });
}

asio::awaitable<Result<std::vector<TaskEvent>>> SqlTaskStore::events_after(std::string app_id, std::string task_id,
                                                                           std::int64_t after_seq) {
    return db_.read<std::vector<TaskEvent>>(
        [app_id = std::move(app_id), task_id = std::move(task_id), after_seq](Connection& c) {
            return do_events_after(c, app_id, task_id, after_seq);
        });
}

asio::awaitable<Status> SqlTaskStore::replace_events(std::string app_id, std::string task_id,
                                                     std::vector<TaskEvent> events) {
    return db_.write<void>([app_id = std::move(app_id), task_id = std::move(task_id),
                            events = std::move(events)](Connection& c) -> Status {
        if (auto st = lock_task(c, app_id, task_id); !st) return std::move(st).error();
        if (auto r = c.run(kDeleteEvents, {task_id}); !r) return std::move(r).error();
        return insert_events(c, task_id, events);
    });
}

asio::awaitable<Status> SqlTaskStore::finish_run(TaskRecord record, std::vector<TaskEvent> events) {
    auto cols = encode_task(record.task);
    return db_.write<void>(
        [this, r = std::move(record), events = std::move(events), cols = std::move(cols)](Connection& c) -> Status {
            if (auto st = do_update(c, r, cols, MessageIndex::keep); !st) return st;
            if (auto d = c.run(kDeleteEvents, {r.task.id}); !d) return std::move(d).error();
            if (auto st = insert_events(c, r.task.id, events); !st) return st;
            return db_.signal(c, 't', r.task.id);
        });
}

namespace {

Result<TaskStore::Queued> do_create_queued(Database& db, Connection& c, const TaskRecord& r, const TaskColumns& cols,
                                           const QueueItem& q, const std::string& input) {
    using Queued = TaskStore::Queued;
    if (auto st = do_create(c, r, cols); !st) return st.error();
    // The queue always lives in the tasks' database (DECISIONS 25).
    if (q.kind == QueueItem::Kind::interactive && q.state == QueueItem::State::running) {
        auto started = insert_interactive_row(c, q, input);
        if (!started) return std::move(started).error();
        return *started ? Queued::as_given : Queued::waiting;
    }
    if (auto st = insert_queue_row(c, q, input); !st) return st.error();
    // Idle workers of other instances may take it.
    if (q.state == QueueItem::State::pending && q.announce)
        if (auto st = db.signal(c, 'q', ""); !st) return st.error();
    return Queued::as_given;
}

// `working_stored`: the task row already holds r (create_and_start inserted it so).
Result<TaskStore::RunStartStored> do_start_in_session(Connection& c, const TaskRecord& r, const TaskColumns& cols,
                                                      const SessionKey& key, const std::optional<SessionEvent>& user,
                                                      const SessionEventJson& user_columns, std::size_t last_events,
                                                      bool working_stored = false) {
    if (!working_stored)
        if (auto st = do_update(c, r, cols, MessageIndex::keep); !st) return st.error();
    TaskStore::RunStartStored done;
    auto push = select_push_configs(c, r.task.id);
    if (!push) return std::move(push).error();
    done.push_configs = std::move(push).value();
    auto session = open_session(c, key, last_events);
    if (!session) return std::move(session).error();
    done.session = std::move(session).value();
    if (user && !take_recorded_user_message(done.session->events, r.task.id)) {
        if (auto a = append_session_event(c, key, *user, user_columns); !a) return std::move(a).error();
    }
    done.user_message = true;
    return done;
}

}  // namespace

asio::awaitable<Result<TaskStore::Queued>> SqlTaskStore::create_queued(TaskRecord record, QueueItem item) {
    auto cols = encode_task(record.task);
    auto input = encode_queue_input(item);
    return db_.write<Queued>([this, r = std::move(record), q = std::move(item), cols = std::move(cols),
                              input = std::move(input)](Connection& c) -> Result<Queued> {
        return do_create_queued(db_, c, r, cols, q, input);
    });
}

asio::awaitable<Result<TaskStore::CreatedRun>> SqlTaskStore::create_and_start(TaskRecord record, QueueItem item,
                                                                              RunStart start) {
    if (!sessions_here_) return TaskStore::create_and_start(std::move(record), std::move(item), std::move(start));
    // The record as given is encoded only if the run must wait for its turn (rarely): on the writer thread then.
    auto working_cols = encode_task(start.working.task);
    auto input = encode_queue_input(item);
    auto user_columns = start.user_message ? encode_session_event(*start.user_message) : SessionEventJson{};
    return db_.write<CreatedRun>([this, r = std::move(record), q = std::move(item), input = std::move(input),
                                  start = std::move(start), working_cols = std::move(working_cols),
                                  user_columns = std::move(user_columns)](Connection& c) -> Result<CreatedRun> {
        CreatedRun out;
        // The task goes in already working (one write of its row instead of two); should the run have to wait for
        // its turn, the row goes back to the record as given and the run is started when its turn comes.
        auto queued = do_create_queued(db_, c, start.working, working_cols, q, input);
        if (!queued) return std::move(queued).error();
        out.queued = *queued;
        if (out.queued != Queued::as_given) {
            if (auto st = do_update(c, r, encode_task(r.task), MessageIndex::keep); !st) return st.error();
            return out;
        }
        auto started = do_start_in_session(c, start.working, working_cols, start.session, start.user_message,
                                           user_columns, start.last_events, true);
        if (!started) return std::move(started).error();
        out.started = std::move(started).value();
        return out;
    });
}

asio::awaitable<Result<TaskStore::RunStartStored>> SqlTaskStore::start_run_with(
    const TaskRecord& record, const SessionKey& key, const std::optional<SessionEvent>& user_message) {
    const bool sessions_here = sessions_here_;
    auto cols = encode_task(record.task);
    auto user_columns = user_message ? encode_session_event(*user_message) : SessionEventJson{};
    return db_.write<RunStartStored>([r = record, key = key, user = user_message, sessions_here, cols = std::move(cols),
                                      user_columns = std::move(user_columns)](Connection& c) -> Result<RunStartStored> {
        if (auto st = do_update(c, r, cols, MessageIndex::keep); !st) return st.error();
        RunStartStored done;
        auto push = select_push_configs(c, r.task.id);
        if (!push) return std::move(push).error();
        done.push_configs = std::move(push).value();
        if (!user || !sessions_here) return done;
        if (auto a = append_session_event(c, key, *user, user_columns); !a) return std::move(a).error();
        done.user_message = true;
        return done;
    });
}

asio::awaitable<Result<TaskStore::RunStartStored>> SqlTaskStore::start_run_in_session(
    const TaskRecord& record, const SessionKey& key, const std::optional<SessionEvent>& user_message,
    std::size_t last_events) {
    const bool sessions_here = sessions_here_;
    auto cols = encode_task(record.task);
    auto user_columns = user_message ? encode_session_event(*user_message) : SessionEventJson{};
    return db_.write<RunStartStored>([r = record, key = key, user = user_message, last_events, sessions_here,
                                      cols = std::move(cols),
                                      user_columns = std::move(user_columns)](Connection& c) -> Result<RunStartStored> {
        if (!sessions_here) return Error{Errc::unsupported, "the sessions are not in this task store's database"};
        return do_start_in_session(c, r, cols, key, user, user_columns, last_events);
    });
}

asio::awaitable<Result<TaskStore::RunEndStored>> SqlTaskStore::finish_run_with(RunEnd& given) {
    // The transaction runs on a database thread: it works on its own copy.
    RunEnd end = given;
    const bool sessions_here = sessions_here_;
    auto cols = encode_task(end.record.task);
    std::vector<SessionEventJson> conversation;
    if (sessions_here_) {
        conversation.reserve(end.conversation.size());
        for (const auto& e : end.conversation) conversation.push_back(encode_session_event(e));
    }
    return db_.write<RunEndStored>([this, end = std::move(end), sessions_here, cols = std::move(cols),
                                    conversation = std::move(conversation)](Connection& c) -> Result<RunEndStored> {
        const auto& r = end.record;
        if (auto st = do_update(c, r, cols, MessageIndex::keep); !st) return st.error();
        if (auto d = c.run(kDeleteEvents, {r.task.id}); !d) return std::move(d).error();
        if (auto st = insert_events(c, r.task.id, end.events); !st) return st.error();
        if (auto st = db_.signal(c, 't', r.task.id); !st) return st.error();  // followers elsewhere see the end
        RunEndStored done;
        if (sessions_here) {
            for (std::size_t i = 0; i < end.conversation.size(); ++i)
                if (auto a = append_session_event(c, end.session, end.conversation[i], conversation[i]); !a)
                    return std::move(a).error();
            done.conversation = true;
        }
        // The queue always lives in the tasks' database (DECISIONS 25).
        if (end.dequeue) {
            auto ended = end_queue_row(c, r.task.id, end.letter);
            if (!ended) return std::move(ended).error();
            done.queue = true;
            done.conversation_waits = *ended;
            // Other instances' idle workers may take the conversation's next job.
            if (*ended)
                if (auto st = db_.signal(c, 'q', ""); !st) return st.error();
        }
        auto push = select_push_configs(c, r.task.id);
        if (!push) return std::move(push).error();
        done.push_configs = std::move(push).value();
        if (end.claim_next) {
            auto claimed = do_claim_runs(c, *end.claim_next);
            if (!claimed) return std::move(claimed).error();
            done.claimed = std::move(claimed).value();
            done.claimed_next = true;
        }
        return done;
    });
}

asio::awaitable<Result<std::vector<ClaimedRun>>> SqlTaskStore::claim_runs(ClaimRequest request) {
    return db_.write<std::vector<ClaimedRun>>(
        [request = std::move(request)](Connection& c) { return do_claim_runs(c, request); });
}

asio::awaitable<Result<std::optional<std::string>>> SqlTaskStore::find_by_message(std::string app_id,

                                                                                  std::string user_id,
                                                                                  std::string context_id,
                                                                                  std::string message_id) {
    return db_.read<std::optional<std::string>>(
        [app_id = std::move(app_id), user_id = std::move(user_id), context_id = std::move(context_id),
         message_id = std::move(message_id)](Connection& c) -> Result<std::optional<std::string>> {
            auto r = c.run(kFindMessage, {app_id, user_id, context_id, message_id});
            if (!r) return std::move(r).error();
            if (r->rows.empty()) return std::optional<std::string>{};
            return std::optional<std::string>{r->rows.front().text(0)};
        });
}

asio::awaitable<Result<std::vector<TaskRecord>>> SqlTaskStore::active_in_context(std::string app_id,
                                                                                 std::string context_id) {
    return db_.read<std::vector<TaskRecord>>([app_id = std::move(app_id), context_id = std::move(context_id)](
                                                 Connection& c) -> Result<std::vector<TaskRecord>> {
        auto r = c.run(kActiveInContext, {app_id, context_id});
        if (!r) return std::move(r).error();
        std::vector<TaskRecord> out;
        out.reserve(r->rows.size());
        for (const auto& row : r->rows) {
            auto rec = record_from_row(row);
            if (!rec) return std::move(rec).error();
            out.push_back(std::move(rec).value());
        }
        return out;
    });
}

asio::awaitable<Status> SqlTaskStore::put_push_config(std::string app_id, std::string task_id,
                                                      a2a::PushNotificationConfig config, std::size_t max_per_task) {
    return db_.write<void>([app_id = std::move(app_id), task_id = std::move(task_id), config = std::move(config),
                            max_per_task](Connection& c) -> Status {
        // The task row lock makes the count below and the insert one step for concurrent callers.
        if (auto st = lock_task(c, app_id, task_id); !st) return std::move(st).error();
        const auto json = encode_push_config(config);
        auto updated = c.run(kUpdatePush, {json, task_id, config.id});
        if (!updated) return std::move(updated).error();
        if (updated->affected > 0) return {};
        auto count = c.run(kCountPush, {task_id});
        if (!count) return std::move(count).error();
        const auto& row = count->rows.front();
        if (static_cast<std::size_t>(row.integer(0)) >= max_per_task)
            return Error{Errc::invalid_argument,
                         "a task holds at most " + std::to_string(max_per_task) + " push notification configs"};
        auto inserted = c.run(kInsertPush, {task_id, config.id, row.integer(1) + 1, json, to_nanos(Clock::now())});
        if (!inserted) return std::move(inserted).error();
        return {};
    });
}

asio::awaitable<Result<std::vector<a2a::PushNotificationConfig>>> SqlTaskStore::push_configs(std::string app_id,
                                                                                             std::string task_id) {
    return db_.read<std::vector<a2a::PushNotificationConfig>>(
        [app_id = std::move(app_id),
         task_id = std::move(task_id)](Connection& c) -> Result<std::vector<a2a::PushNotificationConfig>> {
            if (auto st = require_task(c, app_id, task_id); !st) return std::move(st).error();
            return select_push_configs(c, task_id);
        });
}

asio::awaitable<Status> SqlTaskStore::delete_push_config(std::string app_id, std::string task_id,
                                                         std::string config_id) {
    return db_.write<void>([app_id = std::move(app_id), task_id = std::move(task_id),
                            config_id = std::move(config_id)](Connection& c) -> Status {
        if (auto st = lock_task(c, app_id, task_id); !st) return std::move(st).error();
        auto r = c.run(kDeletePush, {task_id, config_id});
        if (!r) return std::move(r).error();
        if (r->affected == 0) return Error{Errc::not_found, "push notification config not found"};
        return {};
    });
}

asio::awaitable<Status> SqlTaskStore::remove_app(std::string app_id) {
    return db_.write<void>([app_id = std::move(app_id)](Connection& c) -> Status {
        if (auto r = c.run(kDeleteApp, {app_id}); !r) return std::move(r).error();
        return {};
    });
}

asio::awaitable<Result<std::size_t>> SqlTaskStore::purge_finished_before(TimePoint cutoff) {
    std::size_t removed = 0;
    const std::int64_t cutoff_ns = to_nanos(cutoff);
    for (;;) {
        auto batch = co_await db_.write<std::int64_t>([cutoff_ns](Connection& c) -> Result<std::int64_t> {
            auto r = c.run(kPurgeBatchSql, {cutoff_ns, kPurgeBatch});
            if (!r) return std::move(r).error();
            return r->affected;
        });
        if (!batch) co_return std::move(batch).error();
        removed += static_cast<std::size_t>(*batch);
        if (*batch < kPurgeBatch) break;
    }
    co_return removed;
}

}  // namespace hector::store::sql

namespace hector::store::sql {

namespace {
const std::string kCountStates = "SELECT state, COUNT(*) FROM a2a_tasks WHERE app_id = ? GROUP BY state";
const std::string kStateOf = "SELECT state FROM a2a_tasks WHERE id = ?";
const std::string kCountAllStates = "SELECT app_id, state, COUNT(*) FROM a2a_tasks GROUP BY app_id, state";
}  // namespace

boost::asio::awaitable<Result<std::vector<std::pair<std::string, std::int64_t>>>> SqlTaskStore::count_states(
    std::string app_id) {
    using Counts = std::vector<std::pair<std::string, std::int64_t>>;
    return db_.read<Counts>([app_id = std::move(app_id)](Connection& c) -> Result<Counts> {
        auto r = c.run(kCountStates, {app_id});
        if (!r) return std::move(r).error();
        Counts out;
        for (const auto& row : r->rows) out.emplace_back(row.text(0), row.integer(1));
        return out;
    });
}

boost::asio::awaitable<Result<std::vector<TaskStore::StateCount>>> SqlTaskStore::count_all_states() {
    return db_.read<std::vector<StateCount>>([](Connection& c) -> Result<std::vector<StateCount>> {
        auto r = c.run(kCountAllStates);
        if (!r) return std::move(r).error();
        std::vector<StateCount> out;
        for (const auto& row : r->rows) out.push_back({row.text(0), row.text(1), row.integer(2)});
        return out;
    });
}

boost::asio::awaitable<Result<std::vector<std::pair<std::string, std::string>>>> SqlTaskStore::states_of(

    std::vector<std::string> task_ids) {
    using States = std::vector<std::pair<std::string, std::string>>;
    return db_.read<States>([ids = std::move(task_ids)](Connection& c) -> Result<States> {
        States out;
        for (const auto& id : ids) {
            auto r = c.run(kStateOf, {id});
            if (!r) return std::move(r).error();
            if (!r->rows.empty()) out.emplace_back(id, r->rows.front().text(0));
        }
        return out;
    });
}

}  // namespace hector::store::sql

namespace hector::store::sql {

namespace {
const std::string kReopenTask =
    "UPDATE a2a_tasks SET user_id = ?, context_id = ?, agent = ?, state = ?, status_json = ?, history_json = ?, "
    "artifacts_json = ?, metadata_json = ?, created_at = ?, updated_at = ?, last_seq = ? WHERE id = ? AND app_id = ?";
}  // namespace

boost::asio::awaitable<Status> SqlTaskStore::reopen(TaskRecord record) {
    return db_.write<void>([r = std::move(record)](Connection& c) -> Status {
        const auto cols = encode_task(r.task);
        auto res =
            c.run(kReopenTask, {r.user_id, r.task.context_id, r.agent, cols.state, cols.status_json, cols.history_json,
                                cols.artifacts_json, cols.metadata_json, to_nanos(r.created_at), to_nanos(r.updated_at),
                                r.last_seq, r.task.id, r.app_id});
        if (!res) return std::move(res).error();
        if (res->affected == 0) return Error{Errc::task_not_found, "Task not found"};
        return {};
    });
}

}  // namespace hector::store::sql
