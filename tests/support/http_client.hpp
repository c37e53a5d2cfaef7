#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hector::test {

struct HttpResponse {
    int status = 0;                              // 0 = no response (connection closed or timed out)
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
    std::string header(const std::string& name) const;
};

/// A deliberately simple blocking HTTP/1.1 client over a raw socket, so tests can also send malformed bytes.
class Connection {
  public:
    explicit Connection(int port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    bool connected() const { return fd_ >= 0; }
    /// Sends raw bytes; false when the peer is gone.
    bool send(const std::string& bytes);
    /// Reads one response (Content-Length, chunked, or until close).
    HttpResponse read_response();
    /// Reads response headers only (for streams); the body is then read with read_some / read_line.
    HttpResponse read_headers();
    /// Reads one line of a chunked body stream (chunk framing removed); nullopt at end or timeout.
    std::optional<std::string> read_line();
    /// True once the server closed the connection (read returns 0).
    bool closed_by_peer();

  private:
    bool fill();
    std::optional<std::string> take_line();  // raw line from the socket buffer, CRLF stripped
    std::optional<std::string> read_chunk();
    int fd_ = -1;
    std::string buf_;
    std::string body_buf_;  // decoded chunk bytes not yet returned by read_line
    bool chunked_ = false;
    bool eof_ = false;
};

/// One request on a fresh connection.
HttpResponse request(int port, const std::string& method, const std::string& path, const std::string& body = "",
                     const std::map<std::string, std::string>& headers = {});
HttpResponse get(int port, const std::string& path, const std::map<std::string, std::string>& headers = {});
HttpResponse post_json(int port, const std::string& path, const std::string& body,
                       const std::map<std::string, std::string>& headers = {});

/// Formats a request with Host, Content-Length and the given headers.
std::string format_request(const std::string& method, const std::string& path, const std::string& body,
                           const std::map<std::string, std::string>& headers, bool keep_alive = true);

}  // namespace hector::test
