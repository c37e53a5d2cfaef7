#pragma once

#include <curl/curl.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "hector/common/result.hpp"
#include "hector/net/http_client.hpp"

namespace hector::net::detail {

/// A suspended coroutine waiting for a transfer's state to change. wake() posts its completion to the coroutine's
/// executor; it is called at most once, from any thread.
class Waiter {
  public:
    virtual ~Waiter() = default;
    virtual void wake() = 0;
};

enum class TransferMode { whole, stream };

/// Stream bodies buffered ahead of the consumer before the transfer is paused.
inline constexpr std::size_t kStreamBufferBytes = 256 * 1024;

/// What the awaiting side sees of a transfer. Every field is guarded by `mu`; every change bumps `version` and wakes
/// `waiter`, so a coroutine that read version v and then waits for a change cannot miss one.
struct TransferState {
    std::mutex mu;
    std::uint64_t version = 0;
    bool headers_ready = false;  // status and headers are final
    bool finished = false;       // nothing more will arrive; `error` says whether it ended cleanly
    std::optional<Error> error;
    int status = 0;
    HeaderList headers;
    std::string body;                // whole mode: the complete body, set when finished
    std::deque<std::string> chunks;  // stream mode: received, not yet consumed
    std::size_t buffered = 0;        // bytes in chunks
    bool paused = false;             // the reactor paused the transfer because the buffer was full
    std::unique_ptr<Waiter> waiter;
};

/// One request's life in the reactor. Shared by the reactor (while the transfer is active) and the awaiting side
/// (HttpClient::request/open, HttpStream). The const fields are set before submission; `state` is shared under its
/// mutex; the fields below "reactor thread only" are never touched elsewhere.
struct Transfer {
    Transfer(HttpRequest req, TransferMode m, std::string lbl, bool restricted)
        : request(std::move(req)), mode(m), label(std::move(lbl)), restrict_private(restricted) {}
    Transfer(const Transfer&) = delete;
    Transfer& operator=(const Transfer&) = delete;

    const HttpRequest request;
    const TransferMode mode;
    const std::string label;  // "POST https://host/path": for messages, without query or credentials
    const bool restrict_private;

    TransferState state;

    // Reactor thread only.
    CURL* easy = nullptr;
    curl_slist* header_list = nullptr;
    char error_buffer[CURL_ERROR_SIZE] = {};
    std::optional<Error> local_error;  // why a callback aborted the transfer
    HeaderList pending_headers;        // the response being received (redirects and 1xx reset it)
    int current_status = 0;            // from the latest status line
    std::size_t header_bytes = 0;
    bool headers_frozen = false;  // the final response's headers were published
    std::string body;             // whole mode
    std::size_t body_bytes = 0;
    bool paused = false;
    std::chrono::steady_clock::time_point last_activity;
};

/// Runs f(state) under the state's lock, bumps the version and wakes the waiter (outside the lock). Thread-safe.
template <class F>
void update_state(Transfer& t, F&& f) {
    std::unique_ptr<Waiter> waiter;
    {
        std::lock_guard lock(t.state.mu);
        f(t.state);
        ++t.state.version;
        waiter = std::move(t.state.waiter);
    }
    if (waiter) waiter->wake();
}

/// Validates the request (http/https URL, CR/LF-free headers) and builds its transfer.
Result<std::shared_ptr<Transfer>> make_transfer(HttpRequest request, TransferMode mode, bool restrict_private);

/// The first value of a header field (case-insensitive name), empty when absent.
std::string_view find_header(const HeaderList& headers, std::string_view name);

/// "<label>: <what>" — every error about a transfer names it the same way.
Error transfer_error(const Transfer& t, Errc code, std::string_view what);

}  // namespace hector::net::detail
