#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include <any>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Beast-free request and response types: everything outside http/ sees only these.
namespace hector::http {

enum class Method { get, head, post, put, patch, delete_, options, other };

std::string_view method_name(Method m);

/// Header fields in arrival order; names compare case-insensitively.
class Headers {
  public:
    void add(std::string name, std::string value) { items_.emplace_back(std::move(name), std::move(value)); }
    /// Replaces every field of that name with one.
    void set(std::string_view name, std::string value);
    /// The first value, or empty when absent.
    std::string_view get(std::string_view name) const;
    bool has(std::string_view name) const;
    void remove(std::string_view name);
    const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

  private:
    std::vector<std::pair<std::string, std::string>> items_;
};

struct Request {
    Method method = Method::get;
    std::string method_text;
    std::string target;  // as sent: path?query
    std::string path;    // raw (still percent-encoded) path
    std::string query;   // raw query, without '?'
    Headers headers;
    std::string body;
    std::string remote_ip;
    std::string request_id;
    std::vector<std::pair<std::string, std::string>> params;  // decoded path parameters
    std::string_view route;                                   // the matched pattern ("/agents/{name}"), for metrics

    std::any principal;  // set by the auth middleware

    std::string_view header(std::string_view name) const { return headers.get(name); }
    /// A decoded path parameter, empty when absent.
    std::string_view param(std::string_view name) const;
    /// The first decoded value of a query parameter.
    std::optional<std::string> query_param(std::string_view name) const;
};

class StreamWriter {
  public:
    virtual ~StreamWriter() = default;
    /// Writes one chunk of the body; false once the client is gone or a write timed out.
    virtual boost::asio::awaitable<bool> write(std::string_view data) = 0;
    /// The body's last chunk, with the end of the body in the same write where the transport allows it; nothing
    /// may be written after it.
    virtual boost::asio::awaitable<bool> write_last(std::string_view data) { co_return co_await write(data); }
    /// Sends what is pending now. The response head may wait for the body's first write, so that both go out
    /// together: a stream that may wait before it first writes (for an event, say) calls flush() before it waits.
    virtual boost::asio::awaitable<bool> flush() { co_return open(); }
    virtual bool open() const = 0;
};

/// Produces a streamed body (SSE). Runs on the connection's strand after the headers are sent.
using StreamFn = std::function<boost::asio::awaitable<void>(StreamWriter&)>;

struct Response {
    int status = 200;
    Headers headers;
    std::string body;
    StreamFn stream;     // when set, the body is streamed with chunked encoding and `body` is ignored
    bool close = false;  // close the connection after this response

    static Response json(int status, const boost::json::value& value);
    /// {"error": "<reason phrase>"} or {"error": "<reason phrase>", "message": "<message>"}.
    static Response error(int status, std::string_view message = {});
    static Response text(int status, std::string body, std::string_view content_type = "text/plain; charset=utf-8");
    static Response no_content();
};

}  // namespace hector::http
