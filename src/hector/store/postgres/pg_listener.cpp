#include "hector/store/postgres/pg_listener.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "hector/common/logging.hpp"

namespace hector::store::postgres {

PgListener::PgListener(PgConnectSettings settings, std::string channel, Notify on_notify, std::function<void()> on_gap)
    : settings_(std::move(settings)),
      channel_(std::move(channel)),
      on_notify_(std::move(on_notify)),
      on_gap_(std::move(on_gap)),
      stop_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    thread_ = std::thread([this] { run(); });
}

PgListener::~PgListener() {
    stopping_ = true;
    if (stop_fd_ >= 0) {
        const std::uint64_t one = 1;
        [[maybe_unused]] auto n = write(stop_fd_, &one, sizeof one);
    }
    if (thread_.joinable()) thread_.join();
    if (stop_fd_ >= 0) close(stop_fd_);
}

bool PgListener::wait_listening(std::chrono::milliseconds limit) {
    std::unique_lock lock(ready_mu_);
    ready_cv_.wait_for(lock, limit, [&] { return first_attempt_ != 0; });
    return first_attempt_ == 1;
}

bool PgListener::connect() {
    auto conn = PgConnection::connect(settings_);
    if (!conn) {
        log::warn("store", "postgres notifications: {}", conn.error().message);
        return false;
    }
    PGconn* raw = (*conn)->handle();
    char* ident = PQescapeIdentifier(raw, channel_.data(), channel_.size());
    if (!ident) return false;
    const std::string listen = std::string("LISTEN ") + ident;
    PQfreemem(ident);
    if (auto st = (*conn)->exec(listen.c_str()); !st) {
        log::warn("store", "postgres notifications: {}", st.error().message);
        return false;
    }
    conn_ = std::move(conn).value();
    return true;
}

void PgListener::run() {
    pthread_setname_np(pthread_self(), "hector-pg-listen");
    auto backoff = std::chrono::milliseconds(500);
    bool listened_before = false;
    while (!stopping_) {
        if (!conn_) {
            const bool ok = connect();
            {
                std::lock_guard lock(ready_mu_);
                if (first_attempt_ == 0) first_attempt_ = ok ? 1 : -1;
            }
            ready_cv_.notify_all();
            if (!ok) {
                pollfd stop{stop_fd_, POLLIN, 0};
                poll(&stop, 1, static_cast<int>(backoff.count()));
                backoff = std::min(backoff * 2, std::chrono::milliseconds(10000));
                continue;
            }
            backoff = std::chrono::milliseconds(500);
            if (listened_before) {
                log::info("store", "postgres notifications: listening again");
                if (on_gap_) on_gap_();
            }
            listened_before = true;
        }
        PGconn* raw = conn_->handle();
        pollfd fds[2] = {{PQsocket(raw), POLLIN, 0}, {stop_fd_, POLLIN, 0}};
        const int ready = poll(fds, 2, 30000);
        if (stopping_) break;
        if (ready < 0) continue;  // EINTR
        if (PQconsumeInput(raw) == 0) {
            log::warn("store", "postgres notifications: connection lost: {}; reconnecting", PQerrorMessage(raw));
            conn_.reset();
            continue;
        }
        while (PGnotify* n = PQnotifies(raw)) {
            if (on_notify_ && n->extra) on_notify_(n->extra);
            PQfreemem(n);
        }
    }
    conn_.reset();
}

}  // namespace hector::store::postgres
