#include "hector/store/memory/memory_queue_store.hpp"

#include <algorithm>

namespace hector::store {

boost::asio::awaitable<Status> MemoryQueueStore::put(QueueItem item) {
    std::lock_guard lock(mu_);
    if (items_.contains(item.task_id)) co_return Error{Errc::conflict, "the task is already queued"};
    list(item);
    auto id = item.task_id;
    items_.emplace(std::move(id), std::move(item));
    co_return Status{};
}

void MemoryQueueStore::list(const QueueItem& item) {
    if (item.state == QueueItem::State::pending) pending_.insert(key_of(item));
    if (item.context_id.empty()) return;
    auto& c = conversations_[{item.app_id, item.context_id}];
    c.items.emplace(item.created_at, item.task_id);
    if (item.state == QueueItem::State::running) ++c.running;
}

void MemoryQueueStore::unlist(const QueueItem& item) {
    if (item.state == QueueItem::State::pending) pending_.erase(key_of(item));
    if (item.context_id.empty()) return;
    auto it = conversations_.find({item.app_id, item.context_id});
    if (it == conversations_.end()) return;
    it->second.items.erase({item.created_at, item.task_id});
    if (item.state == QueueItem::State::running) --it->second.running;
    if (it->second.items.empty()) conversations_.erase(it);
}

bool MemoryQueueStore::waits_for_its_turn(const QueueItem& item) const {
    if (item.context_id.empty()) return false;
    auto it = conversations_.find({item.app_id, item.context_id});
    if (it == conversations_.end()) return false;
    return it->second.running > 0 || it->second.items.begin()->second != item.task_id;
}

boost::asio::awaitable<Result<std::vector<QueueItem>>> MemoryQueueStore::claim(std::string owner, std::size_t max,
                                                                               TimePoint now, TimePoint lease_until) {
    std::lock_guard lock(mu_);
    std::vector<QueueItem> out;
    for (auto p = pending_.begin(); p != pending_.end() && out.size() < max && std::get<0>(*p) <= now;) {
        auto it = items_.find(std::get<2>(*p));
        if (it == items_.end()) {
            p = pending_.erase(p);
            continue;
        }
        ++p;  // still valid after unlist(), which erases only this item's key
        auto* item = &it->second;
        if (waits_for_its_turn(*item)) continue;
        unlist(*item);
        item->state = QueueItem::State::running;
        item->attempts += 1;
        item->lease_owner = owner;
        item->lease_expires_at = lease_until;
        list(*item);
        out.push_back(*item);
    }
    co_return out;
}

boost::asio::awaitable<Status> MemoryQueueStore::renew(std::string owner, std::vector<std::string> task_ids,
                                                       TimePoint lease_until) {
    std::lock_guard lock(mu_);
    for (const auto& id : task_ids) {
        auto it = items_.find(id);
        if (it != items_.end() && it->second.lease_owner == owner) it->second.lease_expires_at = lease_until;
    }
    co_return Status{};
}

boost::asio::awaitable<Result<std::vector<QueueItem>>> MemoryQueueStore::reclaim_expired(std::string owner,
                                                                                         std::size_t max, TimePoint now,
                                                                                         TimePoint lease_until) {
    std::lock_guard lock(mu_);
    std::vector<QueueItem> out;
    for (auto& [id, item] : items_) {
        if (out.size() >= max) break;
        const bool leased = item.state == QueueItem::State::running || item.kind == QueueItem::Kind::interactive;
        if (!leased || item.lease_owner.empty() || item.lease_expires_at >= now) continue;
        item.lease_owner = owner;
        item.lease_expires_at = lease_until;
        out.push_back(item);
    }
    co_return out;
}

boost::asio::awaitable<Status> MemoryQueueStore::reschedule(std::string task_id, TimePoint available_at,
                                                            std::string error, bool refund) {
    std::lock_guard lock(mu_);
    auto it = items_.find(task_id);
    if (it == items_.end()) co_return Error{Errc::not_found, "not queued"};
    auto& item = it->second;
    unlist(item);
    item.state = QueueItem::State::pending;
    item.kind = QueueItem::Kind::background;
    item.available_at = available_at;
    item.lease_owner.clear();
    item.lease_expires_at = {};
    if (!error.empty()) item.last_error = std::move(error);
    if (refund && item.attempts > 0) --item.attempts;
    list(item);
    co_return Status{};
}

boost::asio::awaitable<Result<bool>> MemoryQueueStore::drop_pending(std::string task_id) {
    std::lock_guard lock(mu_);
    auto it = items_.find(task_id);
    if (it == items_.end() || it->second.state != QueueItem::State::pending ||
        it->second.kind != QueueItem::Kind::background)
        co_return false;
    const auto key = std::make_pair(it->second.app_id, it->second.context_id);
    unlist(it->second);
    items_.erase(it);
    auto c = conversations_.find(key);
    co_return c != conversations_.end() && !key.second.empty();
}

boost::asio::awaitable<Result<bool>> MemoryQueueStore::take_turn(std::string task_id, std::string owner,
                                                                 TimePoint lease_until) {
    std::lock_guard lock(mu_);
    auto it = items_.find(task_id);
    if (it == items_.end()) co_return Error{Errc::not_found, "not queued"};
    auto& item = it->second;
    if (item.state == QueueItem::State::running) co_return true;
    if (item.kind != QueueItem::Kind::interactive || waits_for_its_turn(item)) co_return false;
    unlist(item);
    item.state = QueueItem::State::running;
    item.available_at = Clock::now();
    item.lease_owner = std::move(owner);
    item.lease_expires_at = lease_until;
    list(item);
    co_return true;
}

boost::asio::awaitable<Status> MemoryQueueStore::remove(std::string task_id) {
    std::lock_guard lock(mu_);
    if (auto it = items_.find(task_id); it != items_.end()) {
        unlist(it->second);
        items_.erase(it);
    }
    co_return Status{};
}

boost::asio::awaitable<Result<bool>> MemoryQueueStore::remove_and_peek(std::string task_id) {
    std::lock_guard lock(mu_);
    if (auto it = items_.find(task_id); it != items_.end()) {
        unlist(it->second);
        items_.erase(it);
    }
    co_return !pending_.empty();
}

boost::asio::awaitable<Result<std::optional<QueueItem>>> MemoryQueueStore::get(std::string task_id) {
    std::lock_guard lock(mu_);
    auto it = items_.find(task_id);
    if (it == items_.end()) co_return std::optional<QueueItem>{};
    co_return std::optional<QueueItem>{it->second};
}

boost::asio::awaitable<Status> MemoryQueueStore::bury(std::string task_id, DeadLetter letter) {
    std::lock_guard lock(mu_);
    if (auto it = items_.find(task_id); it != items_.end()) {
        unlist(it->second);
        items_.erase(it);
    }
    auto id = letter.id;
    letters_[std::move(id)] = std::move(letter);
    co_return Status{};
}

boost::asio::awaitable<Result<std::vector<DeadLetter>>> MemoryQueueStore::dead_letters(std::string app_id,
                                                                                       std::size_t limit) {
    std::lock_guard lock(mu_);
    std::vector<DeadLetter> out;
    for (const auto& [id, l] : letters_)
        if (l.app_id == app_id) out.push_back(l);
    std::sort(out.begin(), out.end(), [](const DeadLetter& a, const DeadLetter& b) {
        return a.failed_at != b.failed_at ? a.failed_at > b.failed_at : a.id < b.id;
    });
    if (out.size() > limit) out.resize(limit);
    co_return out;
}

boost::asio::awaitable<Result<std::optional<DeadLetter>>> MemoryQueueStore::take_dead_letter(std::string id) {
    std::lock_guard lock(mu_);
    auto it = letters_.find(id);
    if (it == letters_.end()) co_return std::optional<DeadLetter>{};
    DeadLetter l = std::move(it->second);
    letters_.erase(it);
    co_return std::optional<DeadLetter>{std::move(l)};
}

boost::asio::awaitable<Result<std::size_t>> MemoryQueueStore::purge_dead_letters_before(TimePoint cutoff) {
    std::lock_guard lock(mu_);
    std::size_t n = std::erase_if(letters_, [&](const auto& kv) { return kv.second.failed_at < cutoff; });
    co_return n;
}

boost::asio::awaitable<Status> MemoryQueueStore::remove_app(std::string app_id) {
    std::lock_guard lock(mu_);
    std::erase_if(items_, [&](const auto& kv) {
        if (kv.second.app_id != app_id) return false;
        unlist(kv.second);
        return true;
    });
    std::erase_if(letters_, [&](const auto& kv) { return kv.second.app_id == app_id; });
    co_return Status{};
}

}  // namespace hector::store
