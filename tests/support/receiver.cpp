#include "support/receiver.hpp"

#include <boost/asio/io_context.hpp>

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "hector/http/server.hpp"

namespace hector::test {

struct Receiver::Impl {
    boost::asio::io_context io{1};
    std::unique_ptr<http::Server> server;
    std::thread thread;
    mutable std::mutex mu;
    mutable std::condition_variable cv;
    std::deque<int> statuses;
    std::vector<Request> requests;

    boost::asio::awaitable<http::Response> handle(http::Request& req) {
        Request r{req.method_text, req.path, {}, req.body};
        for (const auto& [k, v] : req.headers.items()) {
            std::string key = k;
            for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            r.headers[key] = v;
        }
        int status = 200;
        {
            std::lock_guard lock(mu);
            requests.push_back(std::move(r));
            if (!statuses.empty()) {
                status = statuses.front();
                statuses.pop_front();
            }
            cv.notify_all();
        }
        co_return http::Response::text(status, "ok");
    }
};

Receiver::Receiver() : impl_(std::make_shared<Impl>()) {
    http::ServerSettings s;
    s.host = "127.0.0.1";
    s.port = 0;
    // A plain pointer: the server is Impl's own member, so a shared one would keep Impl alive forever. Impl outlives
    // every handler call (the destructor stops the server and joins the thread first).
    Impl* impl = impl_.get();
    impl_->server = std::make_unique<http::Server>(impl_->io, s, [impl](http::Request& r) { return impl->handle(r); });
    auto port = impl_->server->listen();
    if (!port) throw std::runtime_error("receiver: " + port.error().message);
    port_ = *port;
    impl_->server->start();
    impl_->thread = std::thread([impl] { impl->io.run(); });
}

Receiver::~Receiver() {
    impl_->server->stop();
    impl_->io.stop();
    if (impl_->thread.joinable()) impl_->thread.join();
}

std::string Receiver::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void Receiver::script(std::vector<int> statuses) {
    std::lock_guard lock(impl_->mu);
    impl_->statuses.assign(statuses.begin(), statuses.end());
}

std::vector<Receiver::Request> Receiver::requests() const {
    std::lock_guard lock(impl_->mu);
    return impl_->requests;
}

bool Receiver::wait_for(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(impl_->mu);
    return impl_->cv.wait_for(lock, timeout, [&] { return impl_->requests.size() >= n; });
}

}  // namespace hector::test
