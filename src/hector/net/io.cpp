#include "hector/net/io.hpp"

#include <pthread.h>

#include <algorithm>

namespace hector::net {

IoRuntime::IoRuntime(unsigned io_threads, unsigned blocking_threads)
    : io_threads_(std::max(1u, io_threads)),
      io_(static_cast<int>(io_threads_)),
      work_(asio::make_work_guard(io_)),
      blocking_(std::max<std::size_t>(1, blocking_threads)) {}

IoRuntime::~IoRuntime() {
    stop();
}

void IoRuntime::start() {
    for (unsigned i = 0; i < io_threads_; ++i)
        threads_.emplace_back([this] {
            pthread_setname_np(pthread_self(), "hector-io");
            io_.run();
        });
}

void IoRuntime::stop() {
    if (stopped_) return;
    stopped_ = true;
    work_.reset();
    io_.stop();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    blocking_.stop();
    blocking_.join();
}

namespace detail {
void name_blocking_thread() {
    thread_local bool named = false;
    if (named) return;
    named = true;
    pthread_setname_np(pthread_self(), "hector-blocking");
}
}  // namespace detail

unsigned default_io_threads() {
    return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace hector::net
