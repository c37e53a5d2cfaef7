#include "hector/net/detail/curl_reactor.hpp"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <stdexcept>

#include <boost/asio/post.hpp>

#include <fmt/format.h>

#include "hector/common/logging.hpp"
#include "hector/net/detail/curl_easy.hpp"

namespace hector::net::detail {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMaxPollMs = 1000;

void init_curl_once() {
    static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) throw std::runtime_error(std::string("curl_global_init: ") + curl_easy_strerror(rc));
}

}  // namespace

CurlReactor::CurlReactor(HttpClientSettings settings, boost::asio::io_context* io,
                         std::shared_ptr<std::atomic<std::size_t>> in_flight)
    : settings_(std::move(settings)),
      in_flight_(in_flight ? std::move(in_flight) : std::make_shared<std::atomic<std::size_t>>(0)),
      io_(io) {
    init_curl_once();
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    multi_ = curl_multi_init();
    if (epoll_ < 0 || wake_fd_ < 0 || multi_ == nullptr) {
        const std::string why = multi_ == nullptr ? "curl_multi_init failed" : std::strerror(errno);
        if (multi_ != nullptr) curl_multi_cleanup(multi_);
        if (epoll_ >= 0) close(epoll_);
        if (wake_fd_ >= 0) close(wake_fd_);
        throw std::runtime_error("HTTP client reactor: " + why);
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = wake_fd_;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_fd_, &ev);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlReactor::on_socket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlReactor::on_timer);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
    if (io_ == nullptr) {
        thread_ = std::thread([this] { run(); });
        return;
    }
    const int watched = dup(epoll_);
    if (watched < 0) throw std::runtime_error(std::string("HTTP client reactor: dup: ") + std::strerror(errno));
    watch_ = std::make_unique<boost::asio::posix::stream_descriptor>(*io_, watched);
    timer_ = std::make_unique<boost::asio::steady_timer>(*io_);
}

void CurlReactor::start() {
    if (io_ == nullptr) return;
    // The first pass runs on the context's thread, the only one that touches watch_ and timer_. A command queued
    // before it leaves the eventfd readable, which that pass sees.
    boost::asio::post(*io_, [self = shared_from_this()] { self->pump(); });
}

CurlReactor::~CurlReactor() {
    stop();
    // On an io_context, no handler holds the reactor any more (each keeps it alive): nothing runs concurrently.
    // Transfers still here belong to a context that stopped; their waiters are gone with it.
    if (io_ != nullptr)
        while (!active_.empty()) remove(*active_.begin()->second);
    for (CURL* e : spare_easy_) curl_easy_cleanup(e);
    watch_.reset();
    timer_.reset();
    curl_multi_cleanup(multi_);
    close(epoll_);
    close(wake_fd_);
}

void CurlReactor::wake() {
    // On the reactor's own thread (a run calling its model): a pass posted there, no eventfd round trip. Not from
    // the destructor (stop()), when nothing may hold the reactor any more.
    if (io_ != nullptr && io_->get_executor().running_in_this_thread()) {
        if (auto self = weak_from_this().lock()) {
            if (!pass_posted_) {
                pass_posted_ = true;
                boost::asio::post(*io_, [self = std::move(self)] {
                    self->pass_posted_ = false;
                    self->pump();
                });
            }
            return;
        }
    }
    const std::uint64_t one = 1;
    // EAGAIN only when the counter is saturated, which still wakes the reactor.
    [[maybe_unused]] auto n = write(wake_fd_, &one, sizeof one);
}

// libcurl says which of a socket's events to wait for (reactor thread, inside a curl call).
int CurlReactor::on_socket(CURL*, curl_socket_t s, int what, void* self, void*) {
    const int epfd = static_cast<CurlReactor*>(self)->epoll_;
    if (what == CURL_POLL_REMOVE) {
        epoll_ctl(epfd, EPOLL_CTL_DEL, s, nullptr);  // may be closed already, which removed it
        return 0;
    }
    epoll_event ev{};
    ev.data.fd = s;
    ev.events = ((what & CURL_POLL_IN) != 0 ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) != 0 ? EPOLLOUT : 0u);
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, s, &ev) != 0 && errno == ENOENT) epoll_ctl(epfd, EPOLL_CTL_ADD, s, &ev);
    return 0;
}

// libcurl wants curl_multi_socket_action(CURL_SOCKET_TIMEOUT) in timeout_ms (-1: never).
int CurlReactor::on_timer(CURLM*, long timeout_ms, void* self) {
    auto& r = *static_cast<CurlReactor*>(self);
    if (timeout_ms < 0)
        r.curl_deadline_.reset();
    else
        r.curl_deadline_ = Clock::now() + std::chrono::milliseconds(timeout_ms);
    return 0;
}

void CurlReactor::fire_due_timer() {
    if (!curl_deadline_ || Clock::now() < *curl_deadline_) return;
    curl_deadline_.reset();
    int running = 0;
    CURLMcode rc = curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
    if (rc != CURLM_OK) log::error("http-client", "curl_multi_socket_action: {}", curl_multi_strerror(rc));
}

Status CurlReactor::submit(const std::shared_ptr<Transfer>& transfer) {
    std::lock_guard lock(mu_);
    if (stopping_) return transfer_error(*transfer, Errc::unavailable, "the HTTP client is shut down");
    // The bound is the client's: reactors on several contexts share the count.
    if (in_flight_->fetch_add(1) >= settings_.max_concurrent) {
        --*in_flight_;
        return transfer_error(*transfer, Errc::unavailable,
                              fmt::format("too many outbound requests in flight (max {})", settings_.max_concurrent));
    }
    commands_.push_back({CommandKind::add, transfer});
    wake();
    return {};
}

void CurlReactor::cancel(std::shared_ptr<Transfer> transfer) {
    // By value: the woken consumer may destroy whatever owned the caller's pointer.
    update_state(*transfer, [&](TransferState& s) {
        if (s.finished) return;
        s.finished = true;
        s.error = transfer_error(*transfer, Errc::cancelled, "cancelled");
    });
    enqueue(CommandKind::abort, transfer);
}

void CurlReactor::resume(const std::shared_ptr<Transfer>& transfer) {
    enqueue(CommandKind::resume, transfer);
}

void CurlReactor::enqueue(CommandKind kind, const std::shared_ptr<Transfer>& transfer) {
    // The wakeup stays under the lock so that it can never race with closing the eventfd after stop().
    std::lock_guard lock(mu_);
    if (stopping_) return;
    commands_.push_back({kind, transfer});
    wake();
}

void CurlReactor::stop() {
    {
        std::lock_guard lock(mu_);
        if (!stopping_) {
            stopping_ = true;
            wake();
        }
    }
    // On an io_context the next pass sees stopping_ (the eventfd woke it). Threaded: never called on the reactor
    // thread, which holds no reference to the reactor.
    if (io_ == nullptr) std::call_once(joined_, [this] { thread_.join(); });
}

void CurlReactor::run() {
    pthread_setname_np(pthread_self(), "hector-curl");
    constexpr int kMaxEvents = 64;
    epoll_event events[kMaxEvents];
    while (run_commands()) {
        fire_due_timer();
        collect_done();
        check_idle();
        int wait_ms = poll_timeout_ms();
        if (curl_deadline_) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(*curl_deadline_ - Clock::now()).count();
            wait_ms = static_cast<int>(std::clamp<long long>(left, 0, wait_ms));
        }
        const int n = epoll_wait(epoll_, events, kMaxEvents, wait_ms);
        if (n < 0 && errno != EINTR) log::error("http-client", "epoll_wait: {}", std::strerror(errno));
        dispatch(events, n);
        collect_done();
    }
    fail_all();
}

void CurlReactor::dispatch(const epoll_event* events, int n) {
    for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == wake_fd_) {
            std::uint64_t count;
            [[maybe_unused]] auto r = read(wake_fd_, &count, sizeof count);
            continue;
        }
        int flags = 0;
        if ((events[i].events & EPOLLIN) != 0) flags |= CURL_CSELECT_IN;
        if ((events[i].events & EPOLLOUT) != 0) flags |= CURL_CSELECT_OUT;
        if ((events[i].events & (EPOLLERR | EPOLLHUP)) != 0) flags |= CURL_CSELECT_ERR;
        int running = 0;
        CURLMcode rc = curl_multi_socket_action(multi_, fd, flags, &running);
        if (rc != CURLM_OK) log::error("http-client", "curl_multi_socket_action: {}", curl_multi_strerror(rc));
    }
}

void CurlReactor::fail_all() {
    shut_ = true;
    while (!active_.empty()) {
        Transfer& t = *active_.begin()->second;
        finish(t, transfer_error(t, Errc::unavailable, "the HTTP client is shut down"));
    }
}

// One pass on the io_context's thread. The context's epoll watches the reactor's epoll set edge-triggered, so a
// pass ends only when that set has nothing ready (a later event is then a new edge), or posts the next pass.
void CurlReactor::pump() {
    if (shut_) return;
    constexpr int kMaxEvents = 64;
    constexpr int kMaxRounds = 8;  // then yield to the context's other handlers
    epoll_event events[kMaxEvents];
    bool drained = false;
    for (int round = 0; round < kMaxRounds; ++round) {
        if (!run_commands()) {
            fail_all();
            boost::system::error_code ignored;
            watch_->cancel(ignored);
            timer_->cancel();
            return;
        }
        fire_due_timer();
        collect_done();
        check_idle();
        const int n = epoll_wait(epoll_, events, kMaxEvents, 0);
        if (n < 0 && errno != EINTR) log::error("http-client", "epoll_wait: {}", std::strerror(errno));
        if (n <= 0) {
            drained = true;
            break;
        }
        dispatch(events, n);
        collect_done();
    }
    if (!drained) boost::asio::post(*io_, [self = shared_from_this()] { self->pump(); });
    watch();
    arm_timer();
}

void CurlReactor::watch() {
    if (watching_) return;
    watching_ = true;
    watch_->async_wait(boost::asio::posix::descriptor_base::wait_read,
                       [self = shared_from_this()](boost::system::error_code ec) {
                           self->watching_ = false;
                           if (!ec) self->pump();
                       });
}

// Wakes the next pass when libcurl's timeout or the earliest idle timeout is due. Nothing to wait for: no timer.
void CurlReactor::arm_timer() {
    std::optional<Clock::time_point> due = curl_deadline_;
    if (!active_.empty()) {
        const auto idle = Clock::now() + std::chrono::milliseconds(poll_timeout_ms());
        if (!due || idle < *due) due = idle;
    }
    if (!due || (armed_ && *armed_ <= *due)) return;  // the armed wait comes first: its pass re-arms
    armed_ = *due;
    timer_->expires_at(*due);  // cancels a later wait, whose handler then does nothing
    timer_->async_wait([self = shared_from_this(), due = *due](boost::system::error_code ec) {
        if (ec) return;
        if (self->armed_ == due) self->armed_.reset();
        self->pump();
    });
}

bool CurlReactor::run_commands() {
    std::vector<Command> commands;
    bool stopping;
    {
        std::lock_guard lock(mu_);
        commands.swap(commands_);
        stopping = stopping_;
    }
    for (auto& command : commands) {
        Transfer& t = *command.transfer;
        switch (command.kind) {
            case CommandKind::add:
                if (stopping) {
                    update_state(t, [&](TransferState& s) {
                        s.finished = true;
                        if (!s.error) s.error = transfer_error(t, Errc::unavailable, "the HTTP client is shut down");
                    });
                    --*in_flight_;
                } else {
                    add(command.transfer);
                }
                break;
            case CommandKind::abort:
                if (active_.contains(&t)) finish(t, transfer_error(t, Errc::cancelled, "cancelled"));
                break;
            case CommandKind::resume:
                if (active_.contains(&t) && t.paused) {
                    t.paused = false;
                    t.last_activity = Clock::now();
                    // May call the write callback right here with the bytes held back at pause time.
                    curl_easy_pause(t.easy, CURLPAUSE_CONT);
                }
                break;
        }
    }
    return !stopping;
}

void CurlReactor::add(const std::shared_ptr<Transfer>& transfer) {
    Transfer& t = *transfer;
    active_.emplace(&t, transfer);
    t.last_activity = Clock::now();
    bool cancelled;
    {
        std::lock_guard lock(t.state.mu);
        cancelled = t.state.finished;
    }
    if (cancelled) {
        finish(t, transfer_error(t, Errc::cancelled, "cancelled"));
        return;
    }
    CURL* spare = nullptr;
    if (!spare_easy_.empty()) {
        spare = spare_easy_.back();
        spare_easy_.pop_back();
    }
    if (auto status = setup_easy(t, settings_, spare); !status) {
        finish(t, status.error());
        return;
    }
    if (CURLMcode rc = curl_multi_add_handle(multi_, t.easy); rc != CURLM_OK)
        finish(t, transfer_error(t, Errc::internal, curl_multi_strerror(rc)));
}

void CurlReactor::collect_done() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
        if (msg->msg != CURLMSG_DONE) continue;
        // Read the message before finish(): removing the handle invalidates it.
        const CURLcode code = msg->data.result;
        char* user = nullptr;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &user);
        auto& t = *reinterpret_cast<Transfer*>(user);
        if (code == CURLE_OK)
            finish(t, std::nullopt);
        else
            finish(t, curl_failure(t, code));
    }
}

void CurlReactor::check_idle() {
    const auto now = Clock::now();
    std::vector<Transfer*> expired;
    for (const auto& [key, t] : active_) {
        const auto idle = t->request.idle_timeout;
        if (idle.count() > 0 && !t->paused && now - t->last_activity >= idle) expired.push_back(key);
    }
    for (Transfer* t : expired)
        finish(*t, transfer_error(*t, Errc::timeout,
                                  fmt::format("no data for {} ms (idle timeout)", t->request.idle_timeout.count())));
}

int CurlReactor::poll_timeout_ms() const {
    const auto now = Clock::now();
    auto wait = std::chrono::milliseconds(kMaxPollMs);
    for (const auto& [key, t] : active_) {
        const auto idle = t->request.idle_timeout;
        if (idle.count() <= 0 || t->paused) continue;
        auto left = std::chrono::ceil<std::chrono::milliseconds>(t->last_activity + idle - now);
        wait = std::clamp(left, std::chrono::milliseconds(0), wait);
    }
    return static_cast<int>(wait.count());
}

void CurlReactor::finish(Transfer& t, std::optional<Error> error) {
    if (!error) publish_headers(t);  // a response without a blank line after its headers (rare, but legal)
    update_state(t, [&](TransferState& s) {
        if (s.finished) return;  // cancelled by the consumer: keep that
        s.finished = true;
        if (error) {
            s.error = std::move(error);
            return;
        }
        s.body = std::move(t.body);
    });
    remove(t);
}

void CurlReactor::remove(Transfer& t) {
    auto it = active_.find(&t);
    if (it == active_.end()) return;
    std::shared_ptr<Transfer> keep = std::move(it->second);  // t lives until this function returns
    active_.erase(it);
    if (t.easy != nullptr) {
        // Removing an unfinished transfer closes its connection instead of returning it to the cache.
        curl_multi_remove_handle(multi_, t.easy);
        // Kept for the next transfer with every option back at its default: creating and freeing a handle per
        // request cost more than the request's own work in libcurl.
        if (spare_easy_.size() < kMaxSpareEasy) {
            curl_easy_reset(t.easy);
            spare_easy_.push_back(t.easy);
        } else {
            curl_easy_cleanup(t.easy);
        }
        t.easy = nullptr;
    }
    curl_slist_free_all(t.header_list);
    t.header_list = nullptr;
    --*in_flight_;
}

}  // namespace hector::net::detail
