#include "hector/store/memory/memory_session_store.hpp"

#include <algorithm>

#include "hector/common/ids.hpp"

namespace hector::store {

boost::asio::awaitable<Result<Session>> MemorySessionStore::get(SessionKey key,
                                                                std::optional<std::size_t> last_events) {
    std::lock_guard lock(mu_);
    auto it = sessions_.find({key.app_id, key.user_id, key.id});
    if (it == sessions_.end()) co_return Error{Errc::not_found, "session not found"};
    Session out;
    out.key = it->second.key;
    out.state = it->second.state;
    out.event_count = static_cast<std::int64_t>(it->second.events.size());
    out.created_at = it->second.created_at;
    out.updated_at = it->second.updated_at;
    const auto& events = it->second.events;
    std::size_t first = 0;
    if (last_events && *last_events < events.size()) first = events.size() - *last_events;
    out.events.assign(events.begin() + static_cast<std::ptrdiff_t>(first), events.end());
    co_return out;
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
        if (kv.value().is_null())
            s.state.erase(kv.key());
        else
            s.state[kv.key()] = kv.value();
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
    co_return Status{};
}

}  // namespace hector::store
