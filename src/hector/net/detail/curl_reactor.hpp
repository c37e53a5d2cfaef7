#pragma once

#include <curl/curl.h>
#include <sys/epoll.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

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

/// The curl multi reactor: one CURLM and its easy handles, with an epoll set of the sockets libcurl asks it to watch
/// (CURLMOPT_SOCKETFUNCTION); each ready socket goes to curl_multi_socket_action, so an event costs the same however
/// many transfers are open (curl_multi_perform checks every transfer's socket on each wake-up). Other threads talk to
/// it only through submit/cancel/resume, which queue a command under a mutex and wake it through an eventfd that is
/// in the same epoll set. Results travel back through each Transfer's shared state. All public methods are
/// thread-safe and never block on network I/O.
///
/// Two ways to drive it:
/// - threaded (no io_context given): its own thread waits in epoll_wait;
/// - on an io_context run by one thread (an I/O runtime's context): the epoll set's descriptor is watched by that
///   context, and the reactor runs inside its handlers. A request made from that context then never changes
///   thread: no wake-up of another thread to send it, nor for each chunk of the answer. Its stop() cannot wait for
///   that thread; it is fully stopped when the context runs its next handler, or is destroyed.
class CurlReactor : public std::enable_shared_from_this<CurlReactor> {
  public:
    /// `in_flight` counts the transfers of every reactor sharing it, bounded by settings.max_concurrent together
    /// (null: a count of its own).
    explicit CurlReactor(HttpClientSettings settings, boost::asio::io_context* io = nullptr,
                         std::shared_ptr<std::atomic<std::size_t>> in_flight = nullptr);
    ~CurlReactor();  // stop()
    CurlReactor(const CurlReactor&) = delete;
    CurlReactor& operator=(const CurlReactor&) = delete;

    /// On an io_context: starts watching (call once, right after construction). Threaded: does nothing.
    void start();
    /// Hands a transfer to the reactor. Fails with Errc::unavailable when stopped or at max_concurrent.
    Status submit(const std::shared_ptr<Transfer>& transfer);
    /// Marks the transfer cancelled (waking its waiter at once) and has the reactor remove it, closing its
    /// connection. Idempotent; a finished transfer keeps its result.
    void cancel(std::shared_ptr<Transfer> transfer);
    /// The consumer drained a paused stream: continue receiving.
    void resume(const std::shared_ptr<Transfer>& transfer);
    /// Fails every transfer with Errc::unavailable and, when threaded, joins the thread. Idempotent; later submits
    /// fail.
    void stop();

    /// Transfers in flight on every reactor sharing the count.
    std::size_t in_flight() const { return in_flight_->load(); }

  private:
    enum class CommandKind { add, abort, resume };
    struct Command {
        CommandKind kind;
        std::shared_ptr<Transfer> transfer;
    };

    void enqueue(CommandKind kind, const std::shared_ptr<Transfer>& transfer);
    void wake();  // with mu_ held: the eventfd, or on the context's own thread a posted pass
    static int on_socket(CURL* easy, curl_socket_t s, int what, void* self, void* socket_data);
    static int on_timer(CURLM* multi, long timeout_ms, void* self);
    void run();
    /// Hands the ready sockets and the eventfd among `events` to libcurl.
    void dispatch(const epoll_event* events, int n);
    /// Finishes every transfer with Errc::unavailable (the client is shut down).
    void fail_all();
    // On an io_context: one pass over the commands, timers and ready sockets, then waits again.
    void pump();
    void watch();
    void arm_timer();
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
    std::shared_ptr<std::atomic<std::size_t>> in_flight_;

    // Reactor thread only.
    std::unordered_map<Transfer*, std::shared_ptr<Transfer>> active_;
    std::optional<std::chrono::steady_clock::time_point> curl_deadline_;  // when libcurl wants its timeout action
    static constexpr std::size_t kMaxSpareEasy = 64;
    std::vector<CURL*> spare_easy_;  // finished handles, reset, for the next transfers

    // On an io_context (null when threaded); only its thread touches these.
    boost::asio::io_context* io_ = nullptr;
    std::unique_ptr<boost::asio::posix::stream_descriptor> watch_;  // a duplicate of epoll_
    std::unique_ptr<boost::asio::steady_timer> timer_;
    bool watching_ = false;
    std::optional<std::chrono::steady_clock::time_point> armed_;  // when timer_ fires, if it is waiting
    bool shut_ = false;                                           // fail_all() ran
    bool pass_posted_ = false;  // wake() on the context's thread posted a pass that has not run yet

    std::once_flag joined_;
    std::thread thread_;  // last: started after everything above exists
};

}  // namespace hector::net::detail
