#pragma once

#include <map>
#include <mutex>
#include <tuple>
#include <unordered_map>

#include "hector/common/mutex.hpp"
#include "hector/store/session_store.hpp"

namespace hector::store {

/// In-process SessionStore.
class MemorySessionStore final : public SessionStore {
  public:
    boost::asio::awaitable<Result<Session>> get(SessionKey key, std::optional<std::size_t> last_events) override;
    boost::asio::awaitable<Result<Session>> open(SessionKey key, std::optional<std::size_t> last_events) override;
    boost::asio::awaitable<Result<SessionEvent>> append(SessionKey key, SessionEvent event) override;
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
    std::unordered_map<Key, Session, KeyHash> sessions_;                             // session-scoped state
    std::map<std::pair<std::string, std::string>, boost::json::object> user_state_;  // (app, user) → user: keys
    std::map<std::string, boost::json::object> app_state_;                           // app → app: keys

    /// A copy of a session (newest `last_events` events) with the scoped state merged in. Under mu_.
    Session view(const SessionKey& key, const Session* stored, std::optional<std::size_t> last_events) const;
};

}  // namespace hector::store
