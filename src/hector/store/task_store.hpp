#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hector/a2a/types.hpp"
#include "hector/common/result.hpp"
#include "hector/common/time.hpp"
#include "hector/store/queue_store.hpp"
#include "hector/store/session_store.hpp"

/// Durable task state: task snapshots, their event logs and their push configs. Backends: memory (here), SQLite
/// and PostgreSQL (later issues). Every method is awaitable; SQL backends run their blocking calls on the blocking
/// pool, the memory backend completes at once. All methods are thread-safe.
namespace hector::store {

/// A task as stored: the A2A Task plus who owns it.
struct TaskRecord {
    a2a::Task task;
    std::string app_id = "default";
    std::string user_id = "default";
    std::string agent;
    TimePoint created_at{};
    TimePoint updated_at{};
    std::int64_t last_seq = 0;  // sequence number of the last event in the log
};

/// JSON text made once and then only read: shared by a task's log, its stored copy and every subscriber.
using JsonText = std::shared_ptr<const std::string>;

inline JsonText make_json_text(std::string text) {
    return std::make_shared<const std::string>(std::move(text));
}

/// One entry of a task's event log: the A2A event object (status-update or artifact-update) exactly as streamed,
/// as JSON text.
struct TaskEvent {
    enum class Kind { status, artifact };
    std::int64_t seq = 0;
    Kind kind = Kind::status;
    JsonText payload;
    bool final = false;
    /// An artifact event in a running task's log: the artifact it updates, so the log can be compacted (DECISIONS
    /// 26) without reading the text back. Not stored.
    std::string artifact_id;
};

/// What a worker claims (QueueStore::claim): at most `max` items available at `now`, leased to `owner` until
/// `lease_until`.
struct ClaimRequest {
    std::string owner;
    std::size_t max = 0;
    TimePoint now{};
    TimePoint lease_until{};
};

/// A claimed queue item with its task as the claim's transaction saw it (none: the task is gone).
struct ClaimedRun {
    QueueItem item;
    std::optional<TaskRecord> task;
};

class TaskStore {
  public:
    virtual ~TaskStore() = default;

    /// Inserts a new task; Errc::conflict if the id exists.
    virtual boost::asio::awaitable<Status> create(TaskRecord record) = 0;
    /// Errc::task_not_found for unknown ids and for tasks of another app.
    virtual boost::asio::awaitable<Result<TaskRecord>> get(std::string app_id, std::string task_id) = 0;
    /// Replaces the snapshot. Refuses (Errc::conflict) to overwrite a terminal state with another state, so a run
    /// that finishes after a cancel cannot resurrect the task.
    virtual boost::asio::awaitable<Status> update(TaskRecord record) = 0;
    /// Replaces the snapshot even when the task is finished: a dead letter's task is requeued from submitted.
    virtual boost::asio::awaitable<Status> reopen(TaskRecord record) = 0;
    /// Compare-and-set to `status` when the task is not terminal (DECISIONS 23); returns the updated record, or

    /// Errc::task_not_cancelable when it already was terminal.
    virtual boost::asio::awaitable<Result<TaskRecord>> finish_if_active(std::string app_id, std::string task_id,
                                                                        a2a::TaskStatus status) = 0;
    virtual boost::asio::awaitable<Status> append_events(std::string app_id, std::string task_id,
                                                         std::vector<TaskEvent> events) = 0;
    /// Events with seq > after_seq, oldest first.
    virtual boost::asio::awaitable<Result<std::vector<TaskEvent>>> events_after(std::string app_id, std::string task_id,
                                                                                std::int64_t after_seq) = 0;
    /// Replaces the whole log (compaction when a task ends, DECISIONS 26).
    virtual boost::asio::awaitable<Status> replace_events(std::string app_id, std::string task_id,
                                                          std::vector<TaskEvent> events) = 0;
    /// A run's end: update(record) then replace_events with its compacted log. SQL stores do both in one
    /// transaction; a failed update leaves the log untouched.
    virtual boost::asio::awaitable<Status> finish_run(TaskRecord record, std::vector<TaskEvent> events);
    /// How create_queued() stored the queue row.
    enum class Queued {
        elsewhere,  // only create() was done: the caller puts the row (QueueStore::put)
        as_given,   // the row is stored as given
        /// An interactive run (given as running) whose conversation already has a queued or running task
        /// (DECISIONS 20, across instances): its row is stored pending, leased to the caller but never available to
        /// claims, and the run starts once QueueStore::take_turn() succeeds.
        waiting,
    };
    /// create() and the task's queue row in one transaction where the engine allows it (SQL: the queue always lives
    /// in the tasks' database), so a task is never stored without the row that gets it run.
    virtual boost::asio::awaitable<Result<Queued>> create_queued(TaskRecord record, QueueItem item);
    /// A run's start: update() to its working state and, when given, the user's message appended to the session, in
    /// one transaction where the sessions share this store's database. What comes back says what was done here;
    /// the caller appends the message itself (SessionStore::append) unless user_message is set.
    struct RunStartStored {
        bool user_message = false;
        /// The run's session as the transaction saw it before the user's message (RunStart::open_session), with
        /// that message taken out when an earlier attempt had recorded it; none: the caller opens it itself.
        std::optional<Session> session;
        /// The task's push configs as the store saw them (SQL: in the transaction; others: just after), so a
        /// notification of the change needs no read of its own.
        std::optional<std::vector<a2a::PushNotificationConfig>> push_configs;
    };
    /// The arguments are read during the call (the caller awaits it): a store copies what it keeps.
    virtual boost::asio::awaitable<Result<RunStartStored>> start_run_with(
        const TaskRecord& record, const SessionKey& key, const std::optional<SessionEvent>& user_message);
    /// Where the sessions share this store's database: start_run_with() that also opens the run's session (its
    /// newest `last_events` events and its state) in the same transaction, and appends the user's message only
    /// when no earlier attempt of the task recorded it (take_recorded_user_message). Errc::unsupported elsewhere:
    /// the caller opens the session, then calls start_run_with().
    virtual boost::asio::awaitable<Result<RunStartStored>> start_run_in_session(
        const TaskRecord& record, const SessionKey& key, const std::optional<SessionEvent>& user_message,
        std::size_t last_events);
    /// The start of an interactive run that may begin as soon as it is stored (start_run_in_session's arguments).
    struct RunStart {
        TaskRecord working;
        SessionKey session;
        std::optional<SessionEvent> user_message;
        std::size_t last_events = 0;
    };
    struct CreatedRun {
        Queued queued = Queued::elsewhere;
        /// Set when the run's start was stored with its creation; else the caller starts it (start_run_in_session)
        /// when the run begins.
        std::optional<RunStartStored> started;
    };
    /// create_queued() and, when the run's row went in as given (its conversation had nothing queued or running),
    /// start_run_in_session() in the same transaction: one transaction fewer for a blocking send or a stream where
    /// the sessions share the tasks' database (SQL). Elsewhere only create_queued().
    virtual boost::asio::awaitable<Result<CreatedRun>> create_and_start(TaskRecord record, QueueItem item,
                                                                        RunStart start);
    /// Whether create_and_start() stores the run's start here; when not, the caller need not build a RunStart.
    virtual bool starts_runs_with_creation() const { return false; }
    /// A run's end: finish_run(), the conversation events the run produced and the end of its queue row, in one
    /// transaction as far as the engine allows (SQL: the queue always lives in the tasks' database, the sessions
    /// when they share it), so a crash keeps all of it or none. What comes back says what was done here; the caller
    /// does the rest (SessionStore::append, QueueStore::remove/bury).
    struct RunEnd {
        TaskRecord record;
        std::vector<TaskEvent> events;
        SessionKey session;
        std::vector<SessionEvent> conversation;
        bool dequeue = false;              // the run's queue row goes...
        std::optional<DeadLetter> letter;  // ...to the dead-letter queue when set
        // With claims_runs(): the worker slot the run frees is filled in the same transaction (claim_runs()).
        std::optional<ClaimRequest> claim_next;
    };
    struct RunEndStored {
        bool conversation = false;
        bool queue = false;
        bool conversation_waits = false;  // with queue: a pending job of the run's conversation may start now
        bool claimed_next = false;        // RunEnd::claim_next was done here (found nothing when claimed is empty)
        std::vector<ClaimedRun> claimed;  // what it claimed
        std::optional<std::vector<a2a::PushNotificationConfig>> push_configs;  // as in RunStartStored
    };
    /// `end` is read during the call (the caller awaits it). Once stored, a store may move from `end.record` and
    /// `end.events`, and from `end.conversation` and `end.letter` when it says it stored them (RunEndStored); on an
    /// error all of `end` is as it was, for the caller to store it apart.
    virtual boost::asio::awaitable<Result<RunEndStored>> finish_run_with(RunEnd& end);

    /// Whether claim_runs() and RunEnd::claim_next work here: the queue shares this store's database (SQL).
    virtual bool claims_runs() const { return false; }
    /// QueueStore::claim together with each claimed item's task, read in the claim's transaction, so a worker
    /// starts without another read. Errc::unsupported unless claims_runs().
    virtual boost::asio::awaitable<Result<std::vector<ClaimedRun>>> claim_runs(ClaimRequest request);

    /// The task that a message with this id already started in (app, user, context), for idempotent sends.
    virtual boost::asio::awaitable<Result<std::optional<std::string>>> find_by_message(std::string app_id,
                                                                                       std::string user_id,
                                                                                       std::string context_id,
                                                                                       std::string message_id) = 0;
    /// Tasks of a context that are not terminal, oldest first (one run at a time per conversation).
    virtual boost::asio::awaitable<Result<std::vector<TaskRecord>>> active_in_context(std::string app_id,
                                                                                      std::string context_id) = 0;

    // Push notification configs (several per task, keyed by config id).
    virtual boost::asio::awaitable<Status> put_push_config(std::string app_id, std::string task_id,
                                                           a2a::PushNotificationConfig config,
                                                           std::size_t max_per_task) = 0;
    virtual boost::asio::awaitable<Result<std::vector<a2a::PushNotificationConfig>>> push_configs(
        std::string app_id, std::string task_id) = 0;
    /// Errc::not_found when there was no such config.
    virtual boost::asio::awaitable<Status> delete_push_config(std::string app_id, std::string task_id,
                                                              std::string config_id) = 0;
    /// Removes every task of an app with its events and push configs (app deletion).
    virtual boost::asio::awaitable<Status> remove_app(std::string app_id) = 0;
    /// How many of an app's tasks are in each state (queue stats, server.md §8).
    virtual boost::asio::awaitable<Result<std::vector<std::pair<std::string, std::int64_t>>>> count_states(
        std::string app_id) = 0;
    /// Task counts by app and state over every app (the hector_queue_tasks gauge).
    struct StateCount {
        std::string app_id;
        std::string state;
        std::int64_t count = 0;
    };
    virtual boost::asio::awaitable<Result<std::vector<StateCount>>> count_all_states() = 0;
    /// The states of these tasks (those that exist), for instances watching for cancels made elsewhere.

    virtual boost::asio::awaitable<Result<std::vector<std::pair<std::string, std::string>>>> states_of(
        std::vector<std::string> task_ids) = 0;
    /// Finished tasks whose updated_at is older than `cutoff` are purged with their logs and push configs

    /// (DECISIONS 26). Returns how many were removed.
    virtual boost::asio::awaitable<Result<std::size_t>> purge_finished_before(TimePoint cutoff) = 0;
};

}  // namespace hector::store
