#include "hector/net/io.hpp"

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
    for (unsigned i = 0; i < io_threads_; ++i) threads_.emplace_back([this] { io_.run(); });
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

unsigned default_io_threads() {
    return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace hector::net
