#pragma once

#include "hector/store/sql/database.hpp"
#include "hector/store/task_store.hpp"

namespace hector::store::sql {

/// TaskStore on a SQL database (SQLite or PostgreSQL, see sqlite/ and postgres/). Every method is one transaction
/// run on the database's blocking pool; none blocks the awaiting thread. State changes are compare-and-set in SQL
/// (a finished task is never overwritten by another state), idempotent sends are a unique index, and a task's
/// events and push configs go with it (ON DELETE CASCADE). Thread-safe; the database must outlive the store.
class SqlTaskStore final : public TaskStore {
  public:
    explicit SqlTaskStore(Database& db) : db_(db) {}

    boost::asio::awaitable<Status> create(TaskRecord record) override;
    boost::asio::awaitable<Result<TaskRecord>> get(std::string app_id, std::string task_id) override;
    boost::asio::awaitable<Status> update(TaskRecord record) override;
    boost::asio::awaitable<Status> reopen(TaskRecord record) override;

    boost::asio::awaitable<Result<TaskRecord>> finish_if_active(std::string app_id, std::string task_id,
                                                                a2a::TaskStatus status) override;
    boost::asio::awaitable<Status> append_events(std::string app_id, std::string task_id,
                                                 std::vector<TaskEvent> events) override;
    boost::asio::awaitable<Result<std::vector<TaskEvent>>> events_after(std::string app_id, std::string task_id,
                                                                        std::int64_t after_seq) override;
    boost::asio::awaitable<Status> replace_events(std::string app_id, std::string task_id,
                                                  std::vector<TaskEvent> events) override;
    boost::asio::awaitable<Result<std::optional<std::string>>> find_by_message(std::string app_id, std::string user_id,
                                                                               std::string context_id,
                                                                               std::string message_id) override;
    boost::asio::awaitable<Result<std::vector<TaskRecord>>> active_in_context(std::string app_id,
                                                                              std::string context_id) override;
    boost::asio::awaitable<Status> put_push_config(std::string app_id, std::string task_id,
                                                   a2a::PushNotificationConfig config,
                                                   std::size_t max_per_task) override;
    boost::asio::awaitable<Result<std::vector<a2a::PushNotificationConfig>>> push_configs(std::string app_id,
                                                                                          std::string task_id) override;
    boost::asio::awaitable<Status> delete_push_config(std::string app_id, std::string task_id,
                                                      std::string config_id) override;
    boost::asio::awaitable<Status> remove_app(std::string app_id) override;
    /// Deletes in batches of a few hundred tasks, one transaction each, so a large purge never holds the SQLite
    /// writer (or PostgreSQL row locks) for long.
    boost::asio::awaitable<Result<std::size_t>> purge_finished_before(TimePoint cutoff) override;
    boost::asio::awaitable<Result<std::vector<StateCount>>> count_all_states() override;
    boost::asio::awaitable<Status> finish_run(TaskRecord record, std::vector<TaskEvent> events) override;
    /// The queue always lives in the tasks' database (DECISIONS 25).
    bool claims_runs() const override { return true; }
    bool starts_runs_with_creation() const override { return sessions_here_; }
    boost::asio::awaitable<Result<std::vector<ClaimedRun>>> claim_runs(ClaimRequest request) override;
    boost::asio::awaitable<Result<RunEndStored>> finish_run_with(RunEnd& end) override;
    boost::asio::awaitable<Result<Queued>> create_queued(TaskRecord record, QueueItem item) override;
    boost::asio::awaitable<Result<CreatedRun>> create_and_start(TaskRecord record, QueueItem item,
                                                                RunStart start) override;
    boost::asio::awaitable<Result<RunStartStored>> start_run_with(
        const TaskRecord& record, const SessionKey& key, const std::optional<SessionEvent>& user_message) override;
    boost::asio::awaitable<Result<RunStartStored>> start_run_in_session(const TaskRecord& record, const SessionKey& key,
                                                                        const std::optional<SessionEvent>& user_message,
                                                                        std::size_t last_events) override;
    /// The sessions live in this store's database: finish_run_with() stores a run's conversation with its outcome.
    void set_sessions_here(bool here) { sessions_here_ = here; }
    boost::asio::awaitable<Result<std::vector<std::pair<std::string, std::int64_t>>>> count_states(

        std::string app_id) override;
    boost::asio::awaitable<Result<std::vector<std::pair<std::string, std::string>>>> states_of(
        std::vector<std::string> task_ids) override;

  private:
    Database& db_;
    bool sessions_here_ = false;
};

}  // namespace hector::store::sql
