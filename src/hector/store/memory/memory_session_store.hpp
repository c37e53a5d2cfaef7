#pragma once

#include <chrono>
#include <list>
#include <map>
#include <mutex>
#include <tuple>
#include <unordered_map>

#include "hector/common/mutex.hpp"
#include "hector/store/session_store.hpp"

namespace hector::store {

/// In-process SessionStore. It keeps at most `max_sessions` sessions, and none that was not written to for
/// `retention`: past either bound the least recently written sessions are dropped (in-memory conversations are
/// lost on restart anyway; a server that runs for months must not grow with every conversation it ever had).
class MemorySessionStore final : public SessionStore {
  public:
    static constexpr std::size_t kDefaultMaxSessions = 10000;
    explicit MemorySessionStore(std::size_t max_sessions = kDefaultMaxSessions,
                                std::chrono::milliseconds retention = std::chrono::hours(24 * 7));

    boost::asio::awaitable<Result<Session>> get(SessionKey key, std::optional<std::size_t> last_events) override;
    boost::asio::awaitable<Result<Session>> open(SessionKey key, std::optional<std::size_t> last_events) override;
    boost::asio::awaitable<Result<AppendedEvent>> append(SessionKey key, SessionEvent event) override;
    boost::asio::awaitable<Status> remove(SessionKey key) override;
    boost::asio::awaitable<Result<std::vector<SessionSummary>>> list(std::string app_id, std::string user_id,
                                                                     std::size_t limit,
                                                                     std::optional<SessionCursor> after) override;
    boost::asio::awaitable<Status> remove_app(std::string app_id) override;

  private:
    using Key = std::tuple<std::string, std::string, std::string>;
    struct KeyHash {
        std::size_t operator()(const Key& k) const noexcept {
            const std::hash<std::string> h;
            std::size_t seed = h(std::get<0>(k));
            seed ^= h(std::get<1>(k)) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
            seed ^= h(std::get<2>(k)) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
            return seed;
        }
    };
    AdaptiveMutex mu_;
    struct Entry {
        Session session;
        std::list<Key>::iterator written;  // its place in lru_
    };
    /// Drops sessions from the least recently written end while there are more than max_sessions_ or the oldest
    /// is past retention_. Under mu_; the dropped ones go to `dead`, to be freed after the lock.
    void trim(TimePoint now, std::vector<Entry>& dead);

    const std::size_t max_sessions_;
    const std::chrono::milliseconds retention_;
    std::unordered_map<Key, Entry, KeyHash> sessions_;                               // session-scoped state
    std::list<Key> lru_;                                                             // most recently written first
    std::map<std::pair<std::string, std::string>, boost::json::object> user_state_;  // (app, user) → user: keys
    std::map<std::string, boost::json::object> app_state_;                           // app → app: keys

    /// A copy of a session (newest `last_events` events) with the scoped state merged in. Under mu_.
    Session view(const SessionKey& key, const Session* stored, std::optional<std::size_t> last_events) const;
};

}  // namespace hector::store
