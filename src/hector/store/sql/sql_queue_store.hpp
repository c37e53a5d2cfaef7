#pragma once

#include "hector/store/queue_store.hpp"
#include "hector/store/sql/database.hpp"

namespace hector::store::sql {

/// QueueStore on the tasks' SQL database. Claims are one UPDATE ... RETURNING over a subquery that, on PostgreSQL,
/// takes its rows with FOR UPDATE SKIP LOCKED, so concurrent instances never claim the same item and never wait on
/// each other; SQLite has a single writer. Thread-safe; the database must outlive the store.
/// The queue row's input column: encoded by the caller before its write is queued, so SQLite's one writer thread
/// runs only SQL.
std::string encode_queue_input(const QueueItem& item);

/// Inserts a queue row inside the caller's transaction (SqlTaskStore::create_queued); `input` is
/// encode_queue_input(item).
Status insert_queue_row(Connection& c, const QueueItem& item, const std::string& input);
/// Ends a task's queue row inside the caller's transaction: deletes it, and files `letter` in the dead-letter queue
/// when given (SqlTaskStore::finish_run_with ends a run this way). True when a pending job of the same conversation
/// waits, which the end may have let through (QueueItem::context_id): the caller tells the workers.
Result<bool> end_queue_row(Connection& c, const std::string& task_id, const std::optional<DeadLetter>& letter);

/// Inserts an interactive run's row (given running) inside the caller's transaction: true when it is running, false
/// when it waits for its turn (TaskStore::Queued::waiting).
Result<bool> insert_interactive_row(Connection& c, const QueueItem& item, const std::string& input);

/// Claims queue rows inside the caller's transaction (SqlQueueStore::claim, SqlTaskStore::claim_runs).
Result<std::vector<QueueItem>> claim_queue_rows(Connection& c, const std::string& owner, std::size_t max, TimePoint now,
                                                TimePoint lease_until);

class SqlQueueStore final : public QueueStore {
  public:
    explicit SqlQueueStore(Database& db) : db_(db) {}

    boost::asio::awaitable<Status> put(QueueItem item) override;
    boost::asio::awaitable<Result<std::vector<QueueItem>>> claim(std::string owner, std::size_t max, TimePoint now,
                                                                 TimePoint lease_until) override;
    boost::asio::awaitable<Status> renew(std::string owner, std::vector<std::string> task_ids,
                                         TimePoint lease_until) override;
    boost::asio::awaitable<Result<std::vector<QueueItem>>> reclaim_expired(std::string owner, std::size_t max,
                                                                           TimePoint now,
                                                                           TimePoint lease_until) override;
    boost::asio::awaitable<Status> reschedule(std::string task_id, TimePoint available_at, std::string error,
                                              bool refund) override;
    boost::asio::awaitable<Status> remove(std::string task_id) override;
    boost::asio::awaitable<Result<bool>> drop_pending(std::string task_id) override;
    boost::asio::awaitable<Result<std::size_t>> release_parked() override;
    boost::asio::awaitable<Result<bool>> take_turn(std::string task_id, std::string owner,
                                                   TimePoint lease_until) override;
    boost::asio::awaitable<Result<std::optional<QueueItem>>> get(std::string task_id) override;
    boost::asio::awaitable<Status> bury(std::string task_id, DeadLetter letter) override;
    boost::asio::awaitable<Result<std::vector<DeadLetter>>> dead_letters(std::string app_id,
                                                                         std::size_t limit) override;
    boost::asio::awaitable<Result<std::optional<DeadLetter>>> take_dead_letter(std::string id) override;
    boost::asio::awaitable<Result<std::size_t>> purge_dead_letters_before(TimePoint cutoff) override;
    boost::asio::awaitable<Status> remove_app(std::string app_id) override;

  private:
    Database& db_;
};

}  // namespace hector::store::sql
