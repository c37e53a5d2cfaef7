#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "hector/a2a/types.hpp"
#include "hector/common/mutex.hpp"
#include "hector/common/result.hpp"
#include "hector/net/io.hpp"
#include "hector/runtime/app_runtime.hpp"
#include "hector/store/queue_store.hpp"
#include "hector/store/session_store.hpp"
#include "hector/store/task_store.hpp"
#include "hector/tasks/subscription.hpp"

namespace hector::tasks {

class PushNotifier;

struct TaskManagerSettings {
    std::size_t max_concurrent_runs = 256;
    std::size_t subscriber_queue = 1024;
    std::size_t max_subscribers = 64;
    std::size_t max_push_configs = 10;
    std::chrono::milliseconds run_timeout{std::chrono::minutes(5)};  // queue.task_timeout: per attempt
    // The durable queue (DECISIONS 9, 24, 25).
    std::size_t workers = 4;
    int max_retries = 3;
    std::chrono::milliseconds retry_backoff{1000};
    std::chrono::milliseconds max_backoff{60000};
    std::chrono::milliseconds lease_timeout{60000};
    bool auto_resume = false;                   // storage.checkpoint.recovery.auto_resume
    std::chrono::seconds resume_timeout{3600};  // storage.checkpoint.recovery.timeout: older runs expire

    std::chrono::milliseconds poll_interval{200};     // idle workers and remote followers look again after this
    std::chrono::milliseconds watch_interval{250};    // cancels made on another instance are seen within this
    std::chrono::milliseconds flush_interval{100};    // events of running tasks reach the store within this
    std::chrono::milliseconds counts_interval{5000};  // state_counts() is at most this old

    std::chrono::milliseconds retention{std::chrono::hours(168)};
    std::chrono::milliseconds dlq_retention{std::chrono::hours(720)};
    std::string instance_id;  // lease owner name; generated when empty
};

/// server.md §8: counts of an app's tasks.
struct QueueStats {
    std::int64_t pending = 0;
    std::int64_t running = 0;
    std::int64_t completed = 0;
    std::int64_t failed = 0;
};

/// Who is asking, after authentication: the app the request is scoped to and the user inside it.
struct Caller {
    std::string app_id = "default";
    std::string user_id = "default";
    bool admin = false;  // the admin secret may see every user's tasks
};

struct StartRequest {
    std::shared_ptr<const runtime::AppRuntime> app;
    std::string agent_id;
    Caller caller;
    a2a::MessageSendParams params;
    bool subscribe = false;    // message/stream and blocking sends follow the task's events
    bool finals_only = false;  // with subscribe: only the final event is delivered (a blocking send waits for it)
    /// The new task's metadata, set by the server (a webhook's callback URL), never taken from the client.
    boost::json::object task_metadata;
};

/// A task as the caller first sees it, plus (when asked) a subscription to what follows.
struct Started {
    a2a::Task task;        // for a finals_only start, only its id, contextId and status: the caller reads it at the end
    std::int64_t seq = 0;  // the last event the snapshot reflects
    std::shared_ptr<Subscription> subscription;  // events with seq > `seq`, then live ones
    std::vector<Event> backlog;                  // resubscribe with Last-Event-ID: logged events to send first
    bool snapshot = true;                        // false: the caller resumes from Last-Event-ID (no snapshot)
    bool ended = false;                          // the task was already terminal: send what there is and close
    std::shared_ptr<void> run;                   // the run started here, for TaskManager::outcome()
};

/// The lifecycle of tasks (spec/a2a-wire.md, DECISIONS 4, 5, 20–23, 26, 27, 33): creation, runs on the agents,
/// one event log per task with live fan-out, cancellation that reaches the in-flight LLM request, resubscription,
/// push configs. Thread-safe. Runs execute on the io_context; store calls are awaited.
class TaskManager {
  public:
    /// Background work (the dispatcher, maintenance, timers) runs on `io`. A request's run executes on the
    /// io_context of the coroutine that started it; queue jobs claimed by the workers are spread over
    /// `run_contexts` (the I/O runtime's per-thread contexts), or run on `io` when it is empty.
    TaskManager(boost::asio::io_context& io, runtime::Registry& apps, store::TaskStore& tasks,
                store::SessionStore& sessions, store::QueueStore& queue, TaskManagerSettings settings,
                std::vector<boost::asio::io_context*> run_contexts = {});
    ~TaskManager();

    /// Starts the queue workers and the maintenance loop (event flushing, lease renewal, recovery of runs whose
    /// instance died, cross-instance cancels, retention). Recovery runs once at once.
    void start_background_work();

    // Admin queue operations (server.md §8).
    boost::asio::awaitable<Result<QueueStats>> queue_stats(std::string app_id);
    boost::asio::awaitable<Result<std::vector<store::DeadLetter>>> dead_letters(std::string app_id, std::size_t limit);
    /// Re-runs a dead letter's task from submitted with its original input; Errc::not_found for an unknown or
    /// already requeued id.
    boost::asio::awaitable<Status> requeue(std::string dead_letter_id);
    /// App deletion: this instance's runs of the app stop without storing anything, and its queue rows and dead
    /// letters go. (Runs on other instances stop once their registry drops the app and the task rows are gone.)
    boost::asio::awaitable<void> forget_app(std::string app_id);
    /// Task counts by app and state across the shared store, refreshed by the maintenance loop every
    /// counts_interval once tracking is on (the hector_queue_tasks gauge); empty until the first refresh.
    void track_state_counts();
    std::vector<store::TaskStore::StateCount> state_counts() const;

    /// message/send and message/stream. Creates a task (or returns the one an identical messageId already
    /// started), stores it before answering, and starts its run in the background.
    boost::asio::awaitable<Result<Started>> start(StartRequest request);
    /// tasks/get. -32001 unless the task belongs to (caller app, agent) and the caller's user (or admin).
    boost::asio::awaitable<Result<a2a::Task>> get(const Caller& caller, std::string agent, std::string task_id);
    /// The task a blocking send started, once its final event came, as JSON text (a2a::to_text with
    /// history_length): from the run itself when it started here (no read of the store, even after the run left
    /// the live table, and no copy of the task), once its end is stored; else get().
    boost::asio::awaitable<Result<std::string>> outcome_text(const Caller& caller, std::string agent,
                                                             const Started& started, std::optional<int> history_length);
    /// tasks/cancel: compare-and-set to canceled, then stop the run. -32002 when already terminal.
    boost::asio::awaitable<Result<a2a::Task>> cancel(const Caller& caller, std::string agent, std::string task_id);
    /// POST /tasks/{taskId}/toolCalls/{callId}/cancel: stops one running tool call; the task goes on.
    /// Errc::task_not_found when the caller does not own the task; false when the call is not running.
    boost::asio::awaitable<Result<bool>> cancel_tool_call(const Caller& caller, std::string task_id,
                                                          std::string call_id);
    /// tasks/resubscribe (DECISIONS 5).
    boost::asio::awaitable<Result<Started>> resubscribe(const Caller& caller, std::string agent, std::string task_id,
                                                        std::optional<std::int64_t> last_event_id);

    boost::asio::awaitable<Result<a2a::TaskPushNotificationConfig>> set_push_config(const Caller& caller,
                                                                                    std::string agent,
                                                                                    std::string task_id,
                                                                                    a2a::PushNotificationConfig config);
    /// config_id empty or "default": the first config.
    boost::asio::awaitable<Result<a2a::TaskPushNotificationConfig>> get_push_config(const Caller& caller,
                                                                                    std::string agent,
                                                                                    std::string task_id,
                                                                                    std::string config_id);
    boost::asio::awaitable<Result<std::vector<a2a::TaskPushNotificationConfig>>> list_push_configs(const Caller& caller,
                                                                                                   std::string agent,
                                                                                                   std::string task_id);
    boost::asio::awaitable<Status> delete_push_config(const Caller& caller, std::string agent, std::string task_id,
                                                      std::string config_id);

    /// Called (from any thread) whenever a task's state changes: push delivery, notifications, metrics.
    using StatusListener = std::function<void(const store::TaskRecord&)>;
    void add_status_listener(StatusListener listener);
    /// Push delivery, told of every status change like a listener, and given the task's push configs when a run's
    /// own transaction read them (TaskStore::RunStartStored). Set once, before runs start; it must outlive them.
    void set_push_notifier(PushNotifier* push) { push_ = push; }

    /// The lease owner name of this instance (settings.instance_id, or the one generated).
    const std::string& instance_id() const { return settings_.instance_id; }
    /// Another instance's change signal (sql::Database::listen), from any thread: 'q' wakes idle workers; 't' makes
    /// followers of that task read the store now, and stops a run of it here if its stored state has ended.
    void on_signal(char kind, std::string_view task_id);
    /// Signals may have been lost (the listener reconnected): everything is looked at again.
    void on_signal_gap();
    /// Called (from the run's executor) when a run ends, with the LLM tokens it used: rate limits, metrics. The
    /// record is the task as its run began: its ids, owner and agent, not its outcome.
    using UsageListener =
        std::function<void(const store::TaskRecord&, std::int64_t prompt_tokens, std::int64_t completion_tokens)>;
    void add_usage_listener(UsageListener listener);

    /// Shutdown (DECISIONS 33): runs still going become failed with `reason`; their subscribers get the final
    /// event. Blocks until the failures are recorded.
    void shutdown(const std::string& reason);
    std::size_t running() const;

    struct Live;

  private:
    /// The task if (caller app, agent) and the caller's user own it; `agent` empty = any agent of the app.
    boost::asio::awaitable<Result<store::TaskRecord>> owned(const Caller& caller, const std::string& agent,
                                                            const std::string& task_id);
    std::shared_ptr<Live> live(const std::string& task_id) const;
    // A run of the task is going here and has not committed its outcome yet.
    bool running_here(const std::string& task_id) const;
    void schedule(std::shared_ptr<Live> task);
    void launch(const std::shared_ptr<Live>& task);
    boost::asio::awaitable<void> run(std::shared_ptr<Live> task);
    void run_finished(const std::shared_ptr<Live>& task);
    void notify(const store::TaskRecord& record,
                const std::vector<a2a::PushNotificationConfig>* push_configs = nullptr);
    static store::TaskRecord out_record(const std::shared_ptr<Live>& task);
    /// Commits a terminal or interrupted state in memory (first writer wins), then persists in the background: the
    /// task, the events `conversation` adds to its session, the queue row; only then is the final event fanned out
    /// and are listeners notified. False when the task had already finished.
    bool commit(const std::shared_ptr<Live>& task, a2a::TaskStatus status,
                const std::function<void(store::TaskRecord&)>& mutate = {},
                std::optional<store::DeadLetter> letter = std::nullopt,
                std::vector<store::SessionEvent> conversation = {});
    /// As commit(), but the calling coroutine persists the outcome itself (the run, which waits for it anyway):
    /// no coroutine is spawned for it. True when this call committed (the outcome is then stored, or the store
    /// refused it and that was logged).
    boost::asio::awaitable<bool> commit_here(const std::shared_ptr<Live>& task, a2a::TaskStatus status,
                                             const std::function<void(store::TaskRecord&)>& mutate = {},
                                             std::optional<store::DeadLetter> letter = std::nullopt,
                                             std::vector<store::SessionEvent> conversation = {});
    /// What a commit stores: the record as committed and its compacted event log.
    struct Settled {
        store::TaskRecord snapshot;
        std::vector<store::TaskEvent> events;
    };
    /// The in-memory half of a commit (first writer wins): the final event is logged, not yet fanned out.
    static std::optional<Settled> settle(const std::shared_ptr<Live>& task, a2a::TaskStatus status,
                                         const std::function<void(store::TaskRecord&)>& mutate);
    /// `run_waits`: the run waits on `persisted` for this (false when the run itself is the caller).
    boost::asio::awaitable<void> persist(std::shared_ptr<Live> task, store::TaskRecord snapshot,
                                         std::vector<store::TaskEvent> events, std::optional<store::DeadLetter> letter,
                                         std::vector<store::SessionEvent> conversation, bool run_waits = true);

    boost::asio::awaitable<Result<Started>> resume(StartRequest& request, store::TaskRecord record);
    boost::asio::awaitable<void> supersede_waiting(const Caller& caller, const std::string& context_id);
    boost::asio::awaitable<Result<Started>> follow(std::shared_ptr<Live> task,
                                                   std::optional<std::int64_t> last_event_id);

    // The queue (task_queue.cpp).
    boost::asio::awaitable<void> dispatch_loop();
    // Starts claimed jobs; tasks_read: each run carries its task as the claim read it.
    void start_runs(std::vector<store::ClaimedRun> runs, bool tasks_read);
    boost::asio::awaitable<void> start_claimed(store::ClaimedRun run, bool task_read);
    boost::asio::awaitable<void> maintenance_loop();
    boost::asio::awaitable<void> flush_events();
    boost::asio::awaitable<void> watch_remote_cancels();
    // Stops the run of `task_id` here when its stored state has ended (canceled or failed elsewhere).
    boost::asio::awaitable<void> adopt_stored_end(std::string task_id);
    void poke_feed(const std::string& task_id);
    boost::asio::awaitable<void> renew_leases();
    boost::asio::awaitable<void> recover_expired();
    boost::asio::awaitable<void> retry_later(std::shared_ptr<Live> task, std::string error);
    boost::asio::awaitable<void> release(std::shared_ptr<Live> task);
    void drop(const std::shared_ptr<Live>& task);
    /// Follows a task that does not run here (queued, or running on another instance) from the stored log.
    void follow_remote(std::shared_ptr<Subscription> sub, std::string app_id, std::string task_id,
                       std::int64_t after_seq);
    struct RemoteFeed;
    boost::asio::awaitable<void> feed_loop(std::string task_id, std::shared_ptr<RemoteFeed> feed);
    boost::asio::awaitable<void> until_stored(std::shared_ptr<Live> task);
    static bool join_live(Live& task, const std::shared_ptr<Subscription>& sub, std::int64_t& after_seq);
    /// Wakes the dispatcher, and the interactive runs waiting for their conversation's turn.
    void wake_workers();
    /// An interactive run whose row waits (TaskStore::Queued::waiting): until its conversation's earlier runs and
    /// jobs, on any instance, are over (DECISIONS 20). False when the task ended meanwhile (canceled, shut down).
    boost::asio::awaitable<bool> wait_for_turn(std::shared_ptr<Live> task);
    /// wait_for_turn(), then schedule(): a run waits for its turn outside its lane, where a job of its conversation
    /// claimed meanwhile has to go first.
    boost::asio::awaitable<void> schedule_in_turn(std::shared_ptr<Live> task);

    std::chrono::milliseconds backoff(int attempt) const;
    std::size_t background_running() const;
    /// A queue item's input (QueueItem::input): {"agent", "user_id", "message", "resume"?} as JSON text.
    std::string queue_input(const std::string& agent, const std::string& user, const a2a::Message& message,
                            const boost::json::object* resume = nullptr) const;

    boost::asio::io_context& io_;
    net::ContextPicker run_contexts_;  // where claimed queue jobs run
    runtime::Registry& apps_;
    store::TaskStore& store_;
    store::SessionStore& sessions_;
    store::QueueStore& queue_;
    TaskManagerSettings settings_;
    boost::asio::strand<boost::asio::io_context::executor_type> dispatch_strand_;
    boost::asio::steady_timer wake_;  // on dispatch_strand_
    std::atomic<bool> stopping_{false};
    std::atomic<std::size_t> starting_{0};  // claimed by the dispatcher, not yet in live_
    std::atomic<int> turn_waiters_{0};      // runs in wait_for_turn()

    mutable AdaptiveMutex mu_;
    std::unordered_map<std::string, std::shared_ptr<Live>> live_;
    std::unordered_map<std::string, std::shared_ptr<RemoteFeed>> remote_feeds_;  // task id → its followers
    // One run at a time per conversation (DECISIONS 20): (app, context) → tasks waiting their turn, mostly one (a
    // vector: a deque allocated ~600 bytes for every new conversation).
    std::map<std::pair<std::string, std::string>, std::vector<std::shared_ptr<Live>>> lanes_;
    std::size_t running_ = 0;
    bool shutting_down_ = false;
    std::vector<StatusListener> listeners_;
    PushNotifier* push_ = nullptr;
    std::vector<UsageListener> usage_listeners_;
    std::atomic<bool> track_counts_{false};
    std::vector<store::TaskStore::StateCount> state_counts_;  // guarded by mu_
};

}  // namespace hector::tasks
