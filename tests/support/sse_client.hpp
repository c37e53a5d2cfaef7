#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/http_client.hpp"

namespace hector::test {

struct SseEvent {
    std::string id;
    std::string event;
    std::string data;
};

/// Reads server-sent events from a Connection whose response headers were already read.
class SseReader {
  public:
    explicit SseReader(Connection& c) : c_(c) {}
    /// The next event, or nullopt at the end of the stream (or a timeout).
    std::optional<SseEvent> next();
    /// Every remaining event until the stream ends.
    std::vector<SseEvent> rest();
    int pings() const { return pings_; }

  private:
    Connection& c_;
    int pings_ = 0;
};

/// POSTs body to path and returns the response headers plus a reader for its events.
struct SseCall {
    std::unique_ptr<Connection> connection;
    HttpResponse headers;
    std::unique_ptr<SseReader> reader;
};
SseCall open_sse(int port, const std::string& path, const std::string& body,
                 const std::map<std::string, std::string>& headers = {},
                 std::chrono::milliseconds timeout = std::chrono::seconds(20));

}  // namespace hector::test
