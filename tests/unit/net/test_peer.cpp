#include "unit/net/test_peer.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <thread>

#include "hector/common/strings.hpp"
#include "hector/http/router.hpp"

namespace hector::net::testing {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

using http::Method;
using http::Request;
using http::Response;
using http::StreamWriter;

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
    asio::steady_timer timer(co_await asio::this_coro::executor, d);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

/// A long silence that ends early when the peer shuts down, so no handler outlives the server.
asio::awaitable<void> stay_silent(const PeerState& state, std::chrono::milliseconds d) {
    const auto until = std::chrono::steady_clock::now() + d;
    while (!state.stopping && std::chrono::steady_clock::now() < until) co_await sleep_for(20ms);
}

Response streamed(http::StreamFn fn) {
    Response r;
    r.headers.set("Content-Type", "text/plain");
    r.stream = std::move(fn);
    return r;
}

std::size_t size_param(const Request& req) {
    return std::stoul(std::string(req.param("n")));
}

void add_plain_routes(http::Router& router, std::shared_ptr<PeerState> state) {
    router.add(Method::get, "/json", [](Request&) -> asio::awaitable<Response> {
        co_return Response::json(200, json::object{{"ok", true}});
    });
    auto echo = [](Request& req) -> asio::awaitable<Response> {
        json::object headers;
        for (const auto& [name, value] : req.headers.items()) headers[to_lower(name)] = value;
        co_return Response::json(200,
                                 json::object{{"method", req.method_text}, {"headers", headers}, {"body", req.body}});
    };
    for (Method m : {Method::get, Method::post, Method::put, Method::patch, Method::delete_})
        router.add(m, "/echo", echo);
    router.add(Method::get, "/status/{code}", [](Request& req) -> asio::awaitable<Response> {
        Response r = Response::text(std::stoi(std::string(req.param("code"))), "status body");
        if (r.status == 429) r.headers.set("Retry-After", "7");
        co_return r;
    });
    router.add(Method::get, "/silent", [state](Request&) -> asio::awaitable<Response> {
        co_await stay_silent(*state, 5s);
        co_return Response::text(200, "late");
    });
    router.add(Method::get, "/big/{n}", [](Request& req) -> asio::awaitable<Response> {
        co_return Response::text(200, std::string(size_param(req), 'x'));
    });
    router.add(Method::get, "/redirect", [](Request&) -> asio::awaitable<Response> {
        Response r = Response::text(302, "moved");
        r.headers.set("Location", "/json");
        co_return r;
    });
    router.add(Method::get, "/redirect-loop", [](Request&) -> asio::awaitable<Response> {
        Response r = Response::text(302, "again");
        r.headers.set("Location", "/redirect-loop");
        co_return r;
    });
    router.add(Method::get, "/counted", [state](Request&) -> asio::awaitable<Response> {
        ++state->counted_hits;
        co_return Response::text(200, "counted");
    });
}

void add_stream_routes(http::Router& router, std::shared_ptr<PeerState> state) {
    router.add(Method::get, "/stream10", [](Request&) -> asio::awaitable<Response> {
        co_return streamed([](StreamWriter& w) -> asio::awaitable<void> {
            for (int i = 0; i < 10; ++i) {
                if (!co_await w.write("chunk-" + std::to_string(i) + "\n")) co_return;
                co_await sleep_for(20ms);
            }
        });
    });
    router.add(Method::get, "/forever", [state](Request&) -> asio::awaitable<Response> {
        co_return streamed([state](StreamWriter& w) -> asio::awaitable<void> {
            for (int i = 0; i < 3000 && !state->stopping; ++i) {
                if (!co_await w.write("tick\n")) {
                    ++state->forever_closed;
                    co_return;
                }
                co_await sleep_for(10ms);
            }
        });
    });
    router.add(Method::get, "/silent-stream", [state](Request&) -> asio::awaitable<Response> {
        co_return streamed([state](StreamWriter& w) -> asio::awaitable<void> {
            if (!co_await w.write("hello\n")) co_return;
            co_await stay_silent(*state, 5s);
        });
    });
    router.add(Method::get, "/big-stream/{n}", [](Request& req) -> asio::awaitable<Response> {
        const std::size_t total = size_param(req);
        co_return streamed([total](StreamWriter& w) -> asio::awaitable<void> {
            const std::string chunk(16 * 1024, 'y');
            for (std::size_t sent = 0; sent < total;) {
                const std::size_t n = std::min(chunk.size(), total - sent);
                if (!co_await w.write(std::string_view(chunk).substr(0, n))) co_return;
                sent += n;
            }
        });
    });
    router.add(Method::get, "/bulk", [state](Request&) -> asio::awaitable<Response> {
        co_return streamed([state](StreamWriter& w) -> asio::awaitable<void> {
            // Byte i of the body is 'a' + (i / kBulkChunk) % 26, so the client can check order and completeness.
            for (std::uint64_t sent = 0; sent < kBulkBytes; sent += kBulkChunk) {
                const std::string chunk(kBulkChunk, static_cast<char>('a' + (sent / kBulkChunk) % 26));
                if (!co_await w.write(chunk)) co_return;
                state->bulk_written += kBulkChunk;
            }
        });
    });
}

}  // namespace

TestPeer::TestPeer() : runtime_(2, 1), state_(std::make_shared<PeerState>()) {
    auto router = std::make_shared<http::Router>();
    add_plain_routes(*router, state_);
    add_stream_routes(*router, state_);
    http::ServerSettings settings;
    settings.host = "127.0.0.1";
    settings.port = 0;
    settings.write_timeout = 10s;
    server_ = std::make_unique<http::Server>(
        runtime_.io(), settings, [router](Request& req) { return router->dispatch(req); }, runtime_.contexts());
    auto port = server_->listen();
    if (!port) throw std::runtime_error(port.error().message);
    port_ = *port;
    server_->start();
    runtime_.start();
}

TestPeer::~TestPeer() {
    // Handlers still running when the I/O threads stop would be destroyed after the server (http::Server's
    // sessions refer back to it), so let them finish first.
    state_->stopping = true;
    server_->stop();
    eventually([&] { return server_->active_requests() == 0; }, 3s);
    runtime_.stop();
    server_.reset();
}

std::string TestPeer::url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

std::uint16_t unused_port() {
    asio::io_context io;
    asio::ip::tcp::acceptor acceptor(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    return acceptor.local_endpoint().port();  // closed when the acceptor goes; nothing listens there afterwards
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

}  // namespace hector::net::testing
