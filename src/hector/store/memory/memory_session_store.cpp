#include "hector/store/memory/memory_session_store.hpp"

#include <algorithm>

#include "hector/common/ids.hpp"

namespace hector::store {

MemorySessionStore::MemorySessionStore(std::size_t max_sessions, std::chrono::milliseconds retention)
    : max_sessions_(std::max<std::size_t>(max_sessions, 1)), retention_(retention) {}

void MemorySessionStore::trim(TimePoint now, std::vector<Entry>& dead) {
    while (!lru_.empty()) {
        auto it = sessions_.find(view_of(*lru_.back()));
        const bool expired = it == sessions_.end() || it->second.session.updated_at + retention_ < now;
        if (sessions_.size() <= max_sessions_ && !expired) break;
        lru_.pop_back();
        if (it != sessions_.end()) {
            dead.push_back(std::move(it->second));
            sessions_.erase(it);
        }
    }
}

Session MemorySessionStore::view(const SessionKey& key, const Session* stored,
                                 std::optional<std::size_t> last_events) const {
    Session out;
    out.key = key;
    if (stored) {
        out.state = stored->state;
        out.event_count = static_cast<std::int64_t>(stored->events.size());
        out.created_at = stored->created_at;
        out.updated_at = stored->updated_at;
        const auto& events = stored->events;
        std::size_t first = 0;
        if (last_events && *last_events < events.size()) first = events.size() - *last_events;
        out.events.assign(events.begin() + static_cast<std::ptrdiff_t>(first), events.end());
    }
    if (auto u = user_state_.find({key.app_id, key.user_id}); u != user_state_.end())
        for (const auto& kv : u->second) out.state[kv.key()] = kv.value();
    if (auto a = app_state_.find(key.app_id); a != app_state_.end())
        for (const auto& kv : a->second) out.state[kv.key()] = kv.value();
    return out;
}

boost::asio::awaitable<Result<Session>> MemorySessionStore::get(const SessionKey& key,
                                                                std::optional<std::size_t> last_events) {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(view_of(key));
    if (it == sessions_.end()) co_return Error{Errc::not_found, "session not found"};
    co_return view(key, &it->second.session, last_events);
}

boost::asio::awaitable<Result<Session>> MemorySessionStore::open(const SessionKey& key,
                                                                 std::optional<std::size_t> last_events) {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(view_of(key));
    co_return view(key, it == sessions_.end() ? nullptr : &it->second.session, last_events);
}

boost::asio::awaitable<Result<AppendedEvent>> MemorySessionStore::append(const SessionKey& key, SessionEvent event) {
    std::vector<Entry> dead;  // freed after the lock
    std::lock_guard lock(mu_);
    auto it = sessions_.find(view_of(key));
    const bool inserted = it == sessions_.end();
    if (inserted) it = sessions_.try_emplace(Key{key.app_id, key.user_id, key.id}).first;
    Session& s = it->second.session;
    auto now = Clock::now();
    if (inserted) {
        s.created_at = now;
        lru_.push_front(&it->first);
        it->second.written = lru_.begin();
    } else {
        lru_.splice(lru_.begin(), lru_, it->second.written);
    }
    event.seq = static_cast<std::int64_t>(s.events.size()) + 1;
    if (event.id.empty()) event.id = new_uuid();
    if (event.timestamp == TimePoint{}) event.timestamp = now;
    for (const auto& kv : event.state_delta) {
        switch (state_scope(kv.key())) {
            case StateScope::session:
                apply_state(s.state, kv.key(), kv.value());
                break;
            case StateScope::user:
                apply_state(user_state_[{key.app_id, key.user_id}], kv.key(), kv.value());
                break;
            case StateScope::app:
                apply_state(app_state_[key.app_id], kv.key(), kv.value());
                break;
            case StateScope::temp:
                break;  // one invocation only
        }
    }
    AppendedEvent appended{event.seq, event.id, event.timestamp};
    s.events.push_back(std::move(event));
    s.event_count = static_cast<std::int64_t>(s.events.size());
    s.updated_at = now;
    trim(now, dead);  // never this session: it is the most recently written
    co_return appended;
}

boost::asio::awaitable<Status> MemorySessionStore::remove(const SessionKey& key) {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(view_of(key));
    if (it == sessions_.end()) co_return Error{Errc::not_found, "session not found"};
    lru_.erase(it->second.written);
    sessions_.erase(it);
    co_return Status{};
}

boost::asio::awaitable<Result<std::vector<SessionSummary>>> MemorySessionStore::list(
    std::string app_id, std::string user_id, std::size_t limit, std::optional<SessionCursor> after) {
    std::vector<SessionSummary> all;
    {
        std::lock_guard lock(mu_);
        for (const auto& [key, entry] : sessions_) {
            const auto& s = entry.session;
            if (std::get<0>(key) != app_id || std::get<1>(key) != user_id) continue;
            all.push_back({SessionKey{std::get<0>(key), std::get<1>(key), std::get<2>(key)}, s.updated_at,
                           static_cast<std::int64_t>(s.events.size())});
        }
    }
    auto before = [](const SessionSummary& a, const SessionSummary& b) {
        if (a.updated_at != b.updated_at) return a.updated_at > b.updated_at;
        return a.key.id < b.key.id;
    };
    std::sort(all.begin(), all.end(), before);
    std::vector<SessionSummary> out;
    for (auto& s : all) {
        if (after) {
            SessionSummary marker{{app_id, user_id, after->id}, after->updated_at, 0};
            if (!before(marker, s)) continue;
        }
        if (out.size() >= limit) break;
        out.push_back(std::move(s));
    }
    co_return out;
}

boost::asio::awaitable<Status> MemorySessionStore::remove_app(std::string app_id) {
    std::lock_guard lock(mu_);
    std::erase_if(sessions_, [&](const auto& kv) {
        if (std::get<0>(kv.first) != app_id) return false;
        lru_.erase(kv.second.written);
        return true;
    });
    std::erase_if(user_state_, [&](const auto& kv) { return kv.first.first == app_id; });
    app_state_.erase(app_id);
    co_return Status{};
}

}  // namespace hector::store
