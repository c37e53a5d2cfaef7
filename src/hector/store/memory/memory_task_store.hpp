#pragma once

#include <map>
#include <mutex>
#include <unordered_map>

#include "hector/common/mutex.hpp"
#include "hector/store/task_store.hpp"

namespace hector::store {

/// In-process TaskStore. Keeps at most `max_terminal` finished tasks (oldest purged first, DECISIONS 26) and
/// purges finished tasks older than `retention`.
class MemoryTaskStore final : public TaskStore {
  public:
    explicit MemoryTaskStore(std::size_t max_terminal = 10000,
                             std::chrono::milliseconds retention = std::chrono::hours(168));

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

    /// The run's working state and its push configs under one lock (the session is another store's).
    boost::asio::awaitable<Result<RunStartStored>> start_run_with(
        const TaskRecord& record, const SessionKey& key, const std::optional<SessionEvent>& user_message) override;
    /// finish_run() and the push configs under one lock.
    boost::asio::awaitable<Result<RunEndStored>> finish_run_with(RunEnd& end) override;

    boost::asio::awaitable<Status> remove_app(std::string app_id) override;
    boost::asio::awaitable<Result<std::vector<StateCount>>> count_all_states() override;
    boost::asio::awaitable<Result<std::vector<std::pair<std::string, std::int64_t>>>> count_states(

        std::string app_id) override;
    boost::asio::awaitable<Result<std::vector<std::pair<std::string, std::string>>>> states_of(
        std::vector<std::string> task_ids) override;

    boost::asio::awaitable<Result<std::size_t>> purge_finished_before(TimePoint cutoff) override;

    std::size_t size() const;

  private:
    struct Entry {
        TaskRecord record;
        std::vector<TaskEvent> events;
        std::vector<a2a::PushNotificationConfig> push;
        std::uint64_t finished_order = 0;       // when it became terminal (for the cap)
        std::vector<std::string> message_keys;  // its entries in by_message_
        std::size_t messages_seen = 0;          // history entries remember_messages() has looked at
        bool active = false;                    // listed in active_by_context_
    };
    Entry* find(const std::string& app_id, const std::string& task_id);
    /// update() under mu_ (held), returning the task's entry. An rvalue record is moved in only on success, and
    /// `old` takes the replaced one, to be freed after the lock; a const one is assigned over the stored record.
    template <class Record>
    Result<Entry*> update_locked(Record&& record, TaskRecord& old, std::vector<Entry>& dead);
    /// `dead` takes the entries purged meanwhile: callers declare it before their lock, so they are freed after
    /// the lock is released (freeing a task's history and events is most of a purge).
    void note_terminal(Entry& e, std::vector<Entry>& dead);
    void purge(std::vector<Entry>& dead, const Entry* keep);
    void remember_messages(Entry& e);
    void set_active(Entry& e, bool active);
    /// Drops e's entries from every index (not from tasks_ itself).
    void forget(Entry& e);

    std::size_t max_terminal_;
    std::chrono::milliseconds retention_;
    mutable AdaptiveMutex mu_;
    std::unordered_map<std::string, Entry> tasks_;
    std::unordered_map<std::string, std::string> by_message_;  // app\0user\0context\0message → task id
    std::map<std::uint64_t, std::string> terminal_;            // finished order → task id, oldest first
    // app\0context → the ids of its tasks not yet terminal (one run at a time per conversation, DECISIONS 20).
    std::unordered_map<std::string, std::vector<std::string>> active_by_context_;
    std::uint64_t finished_counter_ = 0;
};

}  // namespace hector::store
