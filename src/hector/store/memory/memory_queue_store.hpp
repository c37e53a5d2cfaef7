#pragma once

#include <map>
#include <mutex>
#include <set>
#include <tuple>

#include "hector/common/mutex.hpp"
#include "hector/store/queue_store.hpp"

namespace hector::store {

/// In-process QueueStore (one instance, nothing survives a restart).
class MemoryQueueStore final : public QueueStore {
  public:
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
    /// True when any job is pending: this store serves one instance, so nothing else could be waiting.
    boost::asio::awaitable<Result<bool>> remove_and_peek(std::string task_id) override;
    boost::asio::awaitable<Result<bool>> drop_pending(std::string task_id) override;
    /// Nothing is parked here: claims skip a conversation's blocked items in memory.
    boost::asio::awaitable<Result<std::size_t>> release_parked() override { co_return std::size_t{0}; }
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
    // The claim order of pending items: when they become available, then the oldest first.
    using PendingKey = std::tuple<TimePoint, TimePoint, std::string>;
    static PendingKey key_of(const QueueItem& item) { return {item.available_at, item.created_at, item.task_id}; }
    // The items of one conversation (QueueItem::context_id), oldest first, and how many of them run.
    struct Conversation {
        std::set<std::pair<TimePoint, std::string>> items;
        std::size_t running = 0;
    };
    // list() files an item in pending_ and its conversation as its state says; unlist() takes it out. A change of
    // state is unlist, change, list.
    void list(const QueueItem& item);
    void unlist(const QueueItem& item);
    bool waits_for_its_turn(const QueueItem& item) const;

    AdaptiveMutex mu_;
    std::map<std::string, QueueItem> items_;
    std::set<PendingKey> pending_;  // every item in state pending, so a claim never scans the whole queue
    std::map<std::pair<std::string, std::string>, Conversation> conversations_;  // by (app, context)
    std::map<std::string, DeadLetter> letters_;
};

}  // namespace hector::store
