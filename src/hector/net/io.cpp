#include "hector/net/io.hpp"

#include <pthread.h>

#include <boost/asio/strand.hpp>

#include <algorithm>

namespace hector::net {

IoRuntime::IoRuntime(unsigned io_threads, unsigned blocking_threads)
    : blocking_(std::max<std::size_t>(1, blocking_threads)) {
    const unsigned n = std::max(1u, io_threads);
    for (unsigned i = 0; i < n; ++i) {
        // Concurrency hint 1: one thread runs it, so work it posts to itself skips the shared queue. Other
        // threads may still post to it (the hint keeps the scheduler's locking on).
        contexts_.push_back(std::make_unique<Context>(1));
        work_.push_back(asio::make_work_guard(*contexts_.back()));
    }
}

IoRuntime::~IoRuntime() {
    stop();
    for (auto& c : contexts_) c->shutdown_now();
}

std::vector<asio::io_context*> IoRuntime::contexts() const {
    std::vector<asio::io_context*> out;
    out.reserve(contexts_.size());
    for (const auto& c : contexts_) out.push_back(c.get());
    return out;
}

void IoRuntime::start() {
    for (auto& c : contexts_)
        threads_.emplace_back([io = c.get()] {
            pthread_setname_np(pthread_self(), "hector-io");
            io->run();
        });
}

void IoRuntime::stop() {
    if (stopped_) return;
    stopped_ = true;
    for (auto& w : work_) w.reset();
    for (auto& c : contexts_) c->stop();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    blocking_.stop();
    blocking_.join();
}

asio::io_context* context_of(const asio::any_io_executor& executor) {
    if (const auto* s = executor.target<asio::strand<asio::io_context::executor_type>>())
        return &s->get_inner_executor().context();
    if (const auto* e = executor.target<asio::io_context::executor_type>()) return &e->context();
    return nullptr;
}

asio::io_context& context_of(const asio::any_io_executor& executor, asio::io_context& fallback) {
    auto* io = context_of(executor);
    return io != nullptr ? *io : fallback;
}

asio::io_context& ContextPicker::next() {
    if (contexts_.empty()) return fallback_;
    return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
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
