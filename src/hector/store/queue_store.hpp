#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

#include "hector/common/result.hpp"
#include "hector/common/time.hpp"

namespace hector::store {

/// A task's claim on a worker (DECISIONS 9, 24, 25). Background jobs wait as `pending` until a worker of any
/// instance claims them; every run, background or interactive, is `running` under a lease its instance renews.
/// The row exists while the task is queued or running; input-required and finished tasks have none.
struct QueueItem {
    enum class Kind { background, interactive };
    enum class State { pending, running };
    std::string task_id;
    std::string app_id;
    /// The task's conversation. A claim takes a pending item only when no other item of its (app, context) is
    /// running and none older is pending, so a conversation runs one job at a time, in order, across every
    /// instance sharing the queue (DECISIONS 20). Empty: no conversation, no ordering.
    std::string context_id;
    Kind kind = Kind::background;
    State state = State::pending;
    int attempts = 0;  // runs started (a claim counts one)
    TimePoint available_at{};
    std::string lease_owner;
    TimePoint lease_expires_at{};
    std::string last_error;
    /// What a worker needs to run the task from its start (agent, user, message...): a JSON object's text, as
    /// stored (SQL) and read back only by the worker that claims the item.
    std::string input;
    TimePoint created_at{};
    /// Not stored: a pending item put with announce tells other instances' idle workers about it (where the
    /// database carries signals, sql::Database::signal). The instance putting it leaves it false when one of its own
    /// workers is free to take it.
    bool announce = true;
};

/// A background job whose retries ran out, or that failed for good (server.md §8).
struct DeadLetter {
    std::string id;  // "dlq-..."
    std::string task_id;
    std::string app_id;
    std::string error;
    TimePoint failed_at{};
    int retry_count = 0;
    boost::json::value input;
};

/// The durable queue and dead-letter queue. Lives in the same database as the tasks. Thread-safe; awaitable like
/// TaskStore. On PostgreSQL, claims use FOR UPDATE SKIP LOCKED so any number of instances share one queue.
class QueueStore {
  public:
    virtual ~QueueStore() = default;
    /// Inserts an item (a pending background job, or a running interactive run with its lease). Errc::conflict
    /// when the task already has one.
    virtual boost::asio::awaitable<Status> put(QueueItem item) = 0;
    /// Claims up to `max` pending items that are available at `now`, oldest first: they become running, leased by
    /// `owner` until `lease_until`, with attempts + 1. An item waits while another of its conversation is running or
    /// an older one is pending (QueueItem::context_id).
    virtual boost::asio::awaitable<Result<std::vector<QueueItem>>> claim(std::string owner, std::size_t max,
                                                                         TimePoint now, TimePoint lease_until) = 0;
    /// Extends the leases `owner` holds on these tasks.
    virtual boost::asio::awaitable<Status> renew(std::string owner, std::vector<std::string> task_ids,
                                                 TimePoint lease_until) = 0;
    /// Takes up to `max` leased items (running, or interactive runs waiting for their turn) whose lease expired
    /// before `now` (their owner died): they keep their state, now leased by `owner` until `lease_until`, so only
    /// one recoverer handles each.
    virtual boost::asio::awaitable<Result<std::vector<QueueItem>>> reclaim_expired(std::string owner, std::size_t max,
                                                                                   TimePoint now,
                                                                                   TimePoint lease_until) = 0;
    /// Back to pending, available at `available_at`, keeping `error` as the last one. `refund` gives the attempt
    /// back (a shutdown is not the job's fault, DECISIONS 33).
    virtual boost::asio::awaitable<Status> reschedule(std::string task_id, TimePoint available_at, std::string error,
                                                      bool refund) = 0;
    /// The run is over (completed, canceled, failed for good, waiting for input).
    virtual boost::asio::awaitable<Status> remove(std::string task_id) = 0;
    /// remove(), and whether pending jobs are left that a worker might claim now, so the caller wakes the workers
    /// only then. A store that cannot tell cheaply says true (the default).
    virtual boost::asio::awaitable<Result<bool>> remove_and_peek(std::string task_id);
    /// Removes a background job's row if no worker has claimed it yet (its task was canceled while it waited), so
    /// it no longer holds back its conversation. True when a pending job of the same conversation is waiting (the
    /// caller wakes the workers).
    virtual boost::asio::awaitable<Result<bool>> drop_pending(std::string task_id) = 0;
    /// Where a store parks the jobs queued behind another of their conversation (SQL: out of the claims' way until
    /// the one before ends), makes claimable those left parked although nothing is before them any more (a race
    /// between an insert and that end). Run periodically; returns how many it released.
    virtual boost::asio::awaitable<Result<std::size_t>> release_parked() = 0;
    /// An interactive run waiting for its conversation (TaskStore::Queued::waiting) becomes running, leased to
    /// `owner`, when no other row of its conversation is running or older. True when it runs (now or already);
    /// Errc::not_found when it has no row.
    virtual boost::asio::awaitable<Result<bool>> take_turn(std::string task_id, std::string owner,
                                                           TimePoint lease_until) = 0;
    virtual boost::asio::awaitable<Result<std::optional<QueueItem>>> get(std::string task_id) = 0;

    /// Removes the item and records the dead letter, in one transaction.
    virtual boost::asio::awaitable<Status> bury(std::string task_id, DeadLetter letter) = 0;
    /// An app's dead letters, newest first.
    virtual boost::asio::awaitable<Result<std::vector<DeadLetter>>> dead_letters(std::string app_id,
                                                                                 std::size_t limit) = 0;
    /// Removes and returns a dead letter (requeue); nullopt when there is none with that id.
    virtual boost::asio::awaitable<Result<std::optional<DeadLetter>>> take_dead_letter(std::string id) = 0;
    virtual boost::asio::awaitable<Result<std::size_t>> purge_dead_letters_before(TimePoint cutoff) = 0;
    /// Removes an app's queue items and dead letters (app deletion).
    virtual boost::asio::awaitable<Status> remove_app(std::string app_id) = 0;
};

}  // namespace hector::store
