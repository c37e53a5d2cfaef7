#pragma once

#include <map>
#include <mutex>
#include <tuple>

#include "hector/store/session_store.hpp"

namespace hector::store {

/// In-process SessionStore.
class MemorySessionStore final : public SessionStore {
  public:
    boost::asio::awaitable<Result<Session>> get(SessionKey key, std::optional<std::size_t> last_events) override;
    boost::asio::awaitable<Result<SessionEvent>> append(SessionKey key, SessionEvent event) override;
    boost::asio::awaitable<Status> remove(SessionKey key) override;
    boost::asio::awaitable<Result<std::vector<SessionSummary>>> list(std::string app_id, std::string user_id,
                                                                     std::size_t limit,
                                                                     std::optional<SessionCursor> after) override;
    boost::asio::awaitable<Status> remove_app(std::string app_id) override;

  private:
    using Key = std::tuple<std::string, std::string, std::string>;
    std::mutex mu_;
    std::map<Key, Session> sessions_;
};

}  // namespace hector::store
