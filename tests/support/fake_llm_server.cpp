#include "support/fake_llm_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "hector/http/server.hpp"

namespace hector::test {

namespace asio = boost::asio;
namespace json = boost::json;

struct FakeLlmServer::Impl {
    explicit Impl(Protocol p) : protocol(std::move(p)) {}

    Protocol protocol;
    asio::io_context io{1};
    std::unique_ptr<http::Server> server;
    std::thread thread;
    mutable std::mutex mu;
    mutable std::condition_variable cv;
    std::deque<Reply> replies;
    std::function<Reply(const std::string&)> rule;
    std::vector<Request> requests;
    int disconnects = 0;

    asio::awaitable<http::Response> handle(http::Request& req);
    void count_disconnect() {
        std::lock_guard lock(mu);
        ++disconnects;
        cv.notify_all();
    }
};

namespace {

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
    if (d.count() <= 0) co_return;
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

}  // namespace

std::vector<std::string> split_pieces(const std::string& text, std::size_t n) {
    std::vector<std::string> pieces;
    n = std::min(n, text.size());
    std::size_t start = 0;
    for (std::size_t i = 1; i <= n; ++i) {
        std::size_t end = text.size() * i / n;
        pieces.push_back(text.substr(start, end - start));
        start = end;
    }
    return pieces;
}

asio::awaitable<http::Response> FakeLlmServer::Impl::handle(http::Request& req) {
    Request recorded;
    recorded.path = req.path;
    recorded.query = req.query;
    for (const auto& [k, v] : req.headers.items()) {
        std::string key = k;
        for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        recorded.headers[key] = v;
    }
    boost::system::error_code ec;
    recorded.body = json::parse(req.body, ec);
    Reply reply;
    {
        std::lock_guard lock(mu);
        requests.push_back(recorded);
        if (!replies.empty()) {
            reply = std::move(replies.front());
            replies.pop_front();
        } else if (rule) {
            reply = rule(protocol.last_user_text(recorded.body));
        } else {
            reply.text = "fake: " + protocol.last_user_text(recorded.body);
        }
        cv.notify_all();
    }
    co_await sleep_for(reply.delay);

    if (reply.hang) {
        http::Response r;
        r.headers.set("Content-Type", "text/event-stream");
        r.stream = [this, keepalive = protocol.keepalive](http::StreamWriter& w) -> asio::awaitable<void> {
            for (;;) {
                co_await sleep_for(std::chrono::milliseconds(50));
                if (!co_await w.write(keepalive)) break;
            }
            count_disconnect();
        };
        co_return r;
    }

    FakeOutput out = protocol.render(recorded, reply);
    if (out.content_type.empty()) {
        auto r = http::Response::json(out.status, out.body);
        for (const auto& [k, v] : out.headers) r.headers.set(k, v);
        co_return r;
    }
    http::Response r;
    r.status = out.status;
    r.headers.set("Content-Type", out.content_type);
    for (const auto& [k, v] : out.headers) r.headers.set(k, v);
    r.stream = [this, events = std::move(out.events), paced = std::move(out.paced),
                chunk_delay = reply.chunk_delay](http::StreamWriter& w) -> asio::awaitable<void> {
        for (std::size_t i = 0; i < events.size(); ++i) {
            if (i < paced.size() && paced[i]) co_await sleep_for(chunk_delay);
            if (!co_await w.write(events[i])) {
                count_disconnect();
                co_return;
            }
        }
    };
    co_return r;
}

FakeLlmServer::FakeLlmServer(Protocol protocol) : impl_(std::make_shared<Impl>(std::move(protocol))) {
    http::ServerSettings s;
    s.host = "127.0.0.1";
    s.port = 0;
    s.write_timeout = std::chrono::seconds(5);
    // A plain pointer: the server is Impl's own member, so a shared one would keep Impl alive forever. Impl outlives
    // every handler call (the destructor stops the server and joins the thread first).
    Impl* impl = impl_.get();
    impl_->server = std::make_unique<http::Server>(impl_->io, s, [impl](http::Request& r) { return impl->handle(r); });
    auto port = impl_->server->listen();
    if (!port) throw std::runtime_error("fake " + impl_->protocol.name + ": " + port.error().message);
    port_ = *port;
    impl_->server->start();
    impl_->thread = std::thread([impl] { impl->io.run(); });
}

FakeLlmServer::~FakeLlmServer() {
    impl_->server->stop();
    impl_->io.stop();
    if (impl_->thread.joinable()) impl_->thread.join();
}

std::string FakeLlmServer::url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
}

void FakeLlmServer::enqueue(Reply reply) {
    std::lock_guard lock(impl_->mu);
    impl_->replies.push_back(std::move(reply));
}

void FakeLlmServer::set_default(std::function<Reply(const std::string&)> rule) {
    std::lock_guard lock(impl_->mu);
    impl_->rule = std::move(rule);
}

std::vector<FakeLlmServer::Request> FakeLlmServer::requests() const {
    std::lock_guard lock(impl_->mu);
    return impl_->requests;
}

std::size_t FakeLlmServer::request_count() const {
    std::lock_guard lock(impl_->mu);
    return impl_->requests.size();
}

bool FakeLlmServer::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(impl_->mu);
    return impl_->cv.wait_for(lock, timeout, [&] { return impl_->requests.size() >= n; });
}

bool FakeLlmServer::wait_for_disconnect(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(impl_->mu);
    return impl_->cv.wait_for(lock, timeout, [&] { return impl_->disconnects > 0; });
}

}  // namespace hector::test
