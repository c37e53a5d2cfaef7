#pragma once

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hector/common/result.hpp"
#include "hector/http/router.hpp"

namespace hector::http {

struct ServerSettings {
    std::string host = "0.0.0.0";
    std::uint16_t port = 8080;
    std::uint64_t max_body_bytes = 10 * 1024 * 1024;
    std::uint32_t max_header_bytes = 16 * 1024;
    std::chrono::milliseconds read_timeout{30000};   // from the first byte of a request to its last
    std::chrono::milliseconds idle_timeout{60000};   // keep-alive wait for the next request
    std::chrono::milliseconds write_timeout{30000};  // per write, streams included
};

/// HTTP/1.1 server: one coroutine per connection on its own strand, keep-alive, bounded headers and bodies,
/// timeouts on every read and write, chunked streaming responses. Every request goes to one Handler (the
/// application's pipeline). Thread-safe: start/begin_drain/stop may be called from any thread.
class Server {
  public:
    /// The listener runs on `io`. Connections are spread round-robin over `connection_contexts` (the I/O runtime's
    /// per-thread contexts), or all stay on `io` when it is empty.
    Server(boost::asio::io_context& io, ServerSettings settings, Handler handler,
           std::vector<boost::asio::io_context*> connection_contexts = {});
    ~Server();

    /// Binds and listens; returns the bound port (useful with port 0).
    Result<std::uint16_t> listen();
    /// Starts accepting connections.
    void start();
    /// Enters the drain phase: the listener stays open, in-flight requests finish, and every response closes its
    /// connection. The application's handler decides what draining requests receive.
    void begin_drain();
    bool draining() const;
    /// Requests being handled right now (streams included).
    std::size_t active_requests() const;
    /// Closes the listener and every connection; open streams see their writes fail. Idempotent.
    void stop();

    struct Impl;

  private:
    // Session coroutines share ownership of Impl, so they never touch a destroyed Server.
    std::shared_ptr<Impl> impl_;
};

}  // namespace hector::http
