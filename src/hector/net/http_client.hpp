#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hector/common/result.hpp"

namespace hector::net {

namespace detail {
struct Transfer;
class CurlReactor;
}  // namespace detail

using HeaderList = std::vector<std::pair<std::string, std::string>>;

/// One outbound HTTP request. Only http and https URLs are accepted; header names and values may not contain CR or
/// LF. Unless the caller sets them, the client adds User-Agent and Accept-Encoding (every encoding curl decodes),
/// and suppresses `Expect: 100-continue`.
struct HttpRequest {
    std::string method = "GET";
    std::string url;
    HeaderList headers;
    std::string body;
    std::chrono::milliseconds timeout{120000};  // whole transfer; for streams: until the last byte (0 = none)
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds idle_timeout{0};  // max silence from the server, before and between chunks (0 = none)
    std::size_t max_response_bytes = 64 * 1024 * 1024;  // decoded body; larger → Errc::payload_too_large, aborted
    /// DECISIONS 28: refuse loopback/link-local/private/CGNAT/ULA peers, checked on the address actually connected
    /// (new and reused connections, every redirect hop). Behind HTTPS_PROXY that address is the proxy's.
    bool restrict_private = false;
    bool follow_redirects = false;  // max 5 when on; re-checks restrict_private on every hop
};

struct HttpResponse {
    int status = 0;
    HeaderList headers;  // the final response's fields in arrival order
    std::string body;

    /// The first value of a header field (case-insensitive name), empty when absent.
    std::string_view header(std::string_view name) const;
};

struct HttpClientSettings {
    bool allow_private_networks = false;  // server.outbound.allow_private_networks: disables restrict_private
    std::size_t max_concurrent = 1024;    // transfers in flight; beyond it request/open fail with Errc::unavailable
    std::string user_agent = "hector/0.1";
    /// io_contexts each run by one thread (the I/O runtime's): a request made from one of them is driven by a
    /// reactor on that context instead of the shared reactor thread. Empty: only the reactor thread.
    std::vector<boost::asio::io_context*> contexts;
};

class HttpStream;

/// The process's outbound HTTP client: libcurl multi handles (TLS with verification, HTTP/2, connection reuse,
/// HTTPS_PROXY/NO_PROXY from the environment). A request made from one of `settings.contexts` runs on that context's
/// own multi handle, on the caller's thread; any other request runs on a multi handle driven by a reactor thread of
/// the client's own. Each multi handle starts with its first request.
///
/// Thread-safety: request() and open() may be awaited concurrently from coroutines on any executors; each
/// completes on the awaiting coroutine's executor. Nothing blocks the calling thread.
///
/// Cancellation: the awaiting coroutine's cancellation slot (e.g. `bind_cancellation_slot` on co_spawn) aborts
/// the transfer: the awaited call returns Errc::cancelled and the connection is closed. (A cancellation emitted
/// while the coroutine is suspended elsewhere follows Asio's rule instead: its next co_await throws
/// operation_aborted unless the coroutine turned throw_if_cancelled off.)
///
/// Errors: transport failures are Errc::unavailable (cannot resolve/connect), Errc::timeout, Errc::forbidden
/// (restrict_private refused the connected address), Errc::payload_too_large, Errc::invalid_argument (bad URL or
/// header) or Errc::upstream_error, with a message naming method, URL (without query) and curl's reason. HTTP
/// error statuses are not errors: the caller reads `status`.
///
/// Lifetime: destroy the client before the io_contexts its callers run on. Its destructor aborts every transfer
/// (waiters complete with Errc::unavailable) and joins the reactor thread; streams may outlive it. Transfers on a
/// context are aborted by that context's thread, when it next runs (or when the context is destroyed).
class HttpClient {
  public:
    explicit HttpClient(HttpClientSettings settings = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    /// The whole response, body bounded by max_response_bytes.
    boost::asio::awaitable<Result<HttpResponse>> request(HttpRequest request);

    /// Completes when the final response's headers arrived; read the body with HttpStream::next().
    boost::asio::awaitable<Result<std::unique_ptr<HttpStream>>> open(HttpRequest request);

    /// Transfers submitted and not yet removed from the reactor. Thread-safe.
    std::size_t in_flight() const;

    const HttpClientSettings& settings() const { return settings_; }

  private:
    Result<std::shared_ptr<detail::Transfer>> start(HttpRequest request, bool streaming,
                                                    const std::shared_ptr<detail::CurlReactor>& reactor);
    /// The reactor for a caller on `context` (its own when it is one of settings.contexts, else the threaded one),
    /// started on first use: a server whose agents never call out keeps libcurl, TLS and the reactor thread out of
    /// its memory. Null once the client stopped.
    std::shared_ptr<detail::CurlReactor> reactor(boost::asio::io_context* context);

    HttpClientSettings settings_;
    mutable std::mutex mu_;
    std::shared_ptr<detail::CurlReactor> reactor_;                        // threaded; under mu_
    std::vector<std::shared_ptr<detail::CurlReactor>> context_reactors_;  // one per settings_.contexts; under mu_
    bool stopped_ = false;                                                // under mu_
    // Transfers submitted and not yet removed, on every reactor: max_concurrent bounds them together.
    std::shared_ptr<std::atomic<std::size_t>> in_flight_ = std::make_shared<std::atomic<std::size_t>>(0);
};

/// A response whose body arrives in chunks. While the consumer is slow, at most a small buffer (256 KiB) is held
/// and the transfer is paused, so the server feels back-pressure instead of the process buffering without bound.
///
/// Thread-safety: one next() at a time; status()/headers() are immutable; cancel() may be called from any thread.
class HttpStream {
  public:
    ~HttpStream();  // aborts the transfer if still running; do not destroy while next() is awaited
    HttpStream(const HttpStream&) = delete;
    HttpStream& operator=(const HttpStream&) = delete;

    int status() const { return status_; }
    const HeaderList& headers() const { return headers_; }
    /// The first value of a header field (case-insensitive name), empty when absent.
    std::string_view header(std::string_view name) const;

    /// The next body bytes (everything buffered so far, never empty); std::nullopt at the clean end; an error on
    /// failure, timeout (incl. idle_timeout) or cancel. Per-operation cancellation aborts the transfer.
    boost::asio::awaitable<Result<std::optional<std::string>>> next();

    /// Aborts the transfer (the peer sees the connection close); a pending or later next() returns
    /// Errc::cancelled. Thread-safe, idempotent.
    void cancel();

  private:
    friend class HttpClient;
    HttpStream(std::shared_ptr<detail::Transfer> transfer, std::shared_ptr<detail::CurlReactor> reactor, int status,
               HeaderList headers);

    std::shared_ptr<detail::Transfer> transfer_;
    std::shared_ptr<detail::CurlReactor> reactor_;
    int status_;
    HeaderList headers_;
};

}  // namespace hector::net
