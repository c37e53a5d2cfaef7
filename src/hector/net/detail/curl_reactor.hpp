#pragma once

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "hector/net/detail/transfer.hpp"

namespace hector::net::detail {

/// The curl multi reactor: one CURLM and every easy handle live on its own thread, which waits in epoll on the
/// sockets libcurl asks it to watch (CURLMOPT_SOCKETFUNCTION) and hands each ready socket to
/// curl_multi_socket_action, so an event costs the same however many transfers are open (curl_multi_perform
/// checks every transfer's socket on each wake-up). Other threads talk to it only through submit/cancel/resume,
/// which queue a command under a mutex and wake it through an eventfd. Results travel back through each
/// Transfer's shared state. All public methods are thread-safe and never block on network I/O.
class CurlReactor {
  public:
    explicit CurlReactor(HttpClientSettings settings);
    ~CurlReactor();  // stop()
    CurlReactor(const CurlReactor&) = delete;
    CurlReactor& operator=(const CurlReactor&) = delete;

    /// Hands a transfer to the reactor. Fails with Errc::unavailable when stopped or at max_concurrent.
    Status submit(const std::shared_ptr<Transfer>& transfer);
    /// Marks the transfer cancelled (waking its waiter at once) and has the reactor remove it, closing its
    /// connection. Idempotent; a finished transfer keeps its result.
    void cancel(std::shared_ptr<Transfer> transfer);
    /// The consumer drained a paused stream: continue receiving.
    void resume(const std::shared_ptr<Transfer>& transfer);
    /// Fails every transfer with Errc::unavailable and joins the thread. Idempotent; later submits fail.
    void stop();

    std::size_t in_flight() const { return in_flight_.load(); }

  private:
    enum class CommandKind { add, abort, resume };
    struct Command {
        CommandKind kind;
        std::shared_ptr<Transfer> transfer;
    };

    void enqueue(CommandKind kind, const std::shared_ptr<Transfer>& transfer);
    void wake();  // with mu_ held
    static int on_socket(CURL* easy, curl_socket_t s, int what, void* self, void* socket_data);
    static int on_timer(CURLM* multi, long timeout_ms, void* self);
    void run();
    void fire_due_timer();
    bool run_commands();  // false once stopping
    void add(const std::shared_ptr<Transfer>& transfer);
    void configure(Transfer& t);
    void collect_done();
    void check_idle();
    int poll_timeout_ms() const;
    /// Publishes the transfer's outcome (unless already finished) and removes it from the multi.
    void finish(Transfer& t, std::optional<Error> error);
    void remove(Transfer& t);

    const HttpClientSettings settings_;
    CURLM* multi_ = nullptr;
    int epoll_ = -1;
    int wake_fd_ = -1;  // eventfd: commands are waiting

    std::mutex mu_;  // guards commands_ and stopping_
    std::vector<Command> commands_;
    bool stopping_ = false;
    std::atomic<std::size_t> in_flight_{0};

    // Reactor thread only.
    std::unordered_map<Transfer*, std::shared_ptr<Transfer>> active_;
    std::optional<std::chrono::steady_clock::time_point> curl_deadline_;  // when libcurl wants its timeout action

    std::once_flag joined_;
    std::thread thread_;  // last: started after everything above exists
};

}  // namespace hector::net::detail
