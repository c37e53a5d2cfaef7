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

    boost::asio::awaitable<Result<Session>> get(const SessionKey& key, std::optional<std::size_t> last_events) override;
    boost::asio::awaitable<Result<Session>> open(const SessionKey& key,
                                                 std::optional<std::size_t> last_events) override;
    boost::asio::awaitable<Result<AppendedEvent>> append(const SessionKey& key, SessionEvent event) override;
    boost::asio::awaitable<Status> remove(const SessionKey& key) override;
    boost::asio::awaitable<Result<std::vector<SessionSummary>>> list(std::string app_id, std::string user_id,
                                                                     std::size_t limit,
                                                                     std::optional<SessionCursor> after) override;
    boost::asio::awaitable<Status> remove_app(std::string app_id) override;

  private:
    using Key = std::tuple<std::string, std::string, std::string>;  // (app, user, session id)
    /// A key to look up with, made without copying the strings.
    using KeyView = std::tuple<std::string_view, std::string_view, std::string_view>;
    static KeyView view_of(const Key& k) { return {std::get<0>(k), std::get<1>(k), std::get<2>(k)}; }
    static KeyView view_of(const KeyView& k) { return k; }
    static KeyView view_of(const SessionKey& k) { return {k.app_id, k.user_id, k.id}; }
    struct KeyHash {
        using is_transparent = void;
        // Not noexcept on purpose: libstdc++ then stores each node's hash, so a lookup compares hashes instead of
        // hashing the three strings of every node in the bucket.
        template <class K>
        std::size_t operator()(const K& key) const {
            const auto k = view_of(key);
            const std::hash<std::string_view> h;
            std::size_t seed = h(std::get<0>(k));
            seed ^= h(std::get<1>(k)) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
            seed ^= h(std::get<2>(k)) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
            return seed;
        }
    };
    struct KeyEqual {
        using is_transparent = void;
        template <class A, class B>
        bool operator()(const A& a, const B& b) const {
            return view_of(a) == view_of(b);
        }
    };
    AdaptiveMutex mu_;
    struct Entry {
        Session session;                          // its key left empty: the map's key is the one copy
        std::list<const Key*>::iterator written;  // its place in lru_
    };
    /// Drops sessions from the least recently written end while there are more than max_sessions_ or the oldest
    /// is past retention_. Under mu_; the dropped ones go to `dead`, to be freed after the lock.
    void trim(TimePoint now, std::vector<Entry>& dead);

    const std::size_t max_sessions_;
    const std::chrono::milliseconds retention_;
    std::unordered_map<Key, Entry, KeyHash, KeyEqual> sessions_;  // session-scoped state
    std::list<const Key*> lru_;  // the keys in sessions_ (nodes do not move), most recently written first
    std::map<std::pair<std::string, std::string>, boost::json::object> user_state_;  // (app, user) → user: keys
    std::map<std::string, boost::json::object> app_state_;                           // app → app: keys

    /// A copy of a session (newest `last_events` events) with the scoped state merged in. Under mu_.
    Session view(const SessionKey& key, const Session* stored, std::optional<std::size_t> last_events) const;
};

}  // namespace hector::store
