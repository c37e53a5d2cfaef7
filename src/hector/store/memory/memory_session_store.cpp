#include "hector/store/memory/memory_session_store.hpp"

#include <algorithm>

#include "hector/common/ids.hpp"

namespace hector::store {

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

boost::asio::awaitable<Result<Session>> MemorySessionStore::get(SessionKey key,
                                                                std::optional<std::size_t> last_events) {
    std::lock_guard lock(mu_);
    auto it = sessions_.find({key.app_id, key.user_id, key.id});
    if (it == sessions_.end()) co_return Error{Errc::not_found, "session not found"};
    co_return view(key, &it->second, last_events);
}

boost::asio::awaitable<Result<Session>> MemorySessionStore::open(SessionKey key,
                                                                 std::optional<std::size_t> last_events) {
    std::lock_guard lock(mu_);
    auto it = sessions_.find({key.app_id, key.user_id, key.id});
    co_return view(key, it == sessions_.end() ? nullptr : &it->second, last_events);
}

boost::asio::awaitable<Result<SessionEvent>> MemorySessionStore::append(SessionKey key, SessionEvent event) {
    std::lock_guard lock(mu_);
    auto [it, inserted] = sessions_.try_emplace({key.app_id, key.user_id, key.id});
    Session& s = it->second;
    auto now = Clock::now();
    if (inserted) {
        s.key = key;
        s.created_at = now;
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
    s.events.push_back(event);
    s.event_count = static_cast<std::int64_t>(s.events.size());
    s.updated_at = now;
    co_return event;
}

boost::asio::awaitable<Status> MemorySessionStore::remove(SessionKey key) {
    std::lock_guard lock(mu_);
    if (sessions_.erase({key.app_id, key.user_id, key.id}) == 0) co_return Error{Errc::not_found, "session not found"};
    co_return Status{};
}

boost::asio::awaitable<Result<std::vector<SessionSummary>>> MemorySessionStore::list(
    std::string app_id, std::string user_id, std::size_t limit, std::optional<SessionCursor> after) {
    std::vector<SessionSummary> all;
    {
        std::lock_guard lock(mu_);
        for (const auto& [key, s] : sessions_) {
            if (std::get<0>(key) != app_id || std::get<1>(key) != user_id) continue;
            all.push_back({s.key, s.updated_at, static_cast<std::int64_t>(s.events.size())});
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
    std::erase_if(sessions_, [&](const auto& kv) { return std::get<0>(kv.first) == app_id; });
    std::erase_if(user_state_, [&](const auto& kv) { return kv.first.first == app_id; });
    app_state_.erase(app_id);
    co_return Status{};
}

}  // namespace hector::store
