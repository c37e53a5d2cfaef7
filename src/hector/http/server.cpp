#include "hector/http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_cat.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <charconv>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>

#include "hector/common/error_table.hpp"
#include "hector/common/logging.hpp"
#include "hector/common/strings.hpp"
#include "hector/net/io.hpp"

namespace hector::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using asio::as_tuple;
using asio::use_awaitable;

namespace {

Method to_method(bhttp::verb v) {
    switch (v) {
        case bhttp::verb::get:
            return Method::get;
        case bhttp::verb::head:
            return Method::head;
        case bhttp::verb::post:
            return Method::post;
        case bhttp::verb::put:
            return Method::put;
        case bhttp::verb::patch:
            return Method::patch;
        case bhttp::verb::delete_:
            return Method::delete_;
        case bhttp::verb::options:
            return Method::options;
        default:
            return Method::other;
    }
}

// The Date header, formatted at most once per second per thread.
const std::string& http_date() {
    thread_local std::time_t cached_at = 0;
    thread_local std::string cached;
    std::time_t now = std::time(nullptr);
    if (now != cached_at) {
        std::tm tm{};
        gmtime_r(&now, &tm);
        char buf[64];
        std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        cached = buf;
        cached_at = now;
    }
    return cached;
}

class ChunkWriter final : public StreamWriter {
  public:
    /// `head`: the response head, when it was not sent yet; it goes out with the first write (or flush()).
    ChunkWriter(beast::tcp_stream& stream, std::chrono::milliseconds timeout, std::string head = {})
        : stream_(stream), timeout_(timeout), head_(std::move(head)) {}

    asio::awaitable<bool> write(std::string_view data) override {
        if (!open_ || ended_) co_return false;
        if (data.empty()) co_return true;
        co_return co_await send(bhttp::make_chunk(asio::buffer(data.data(), data.size())));
    }
    asio::awaitable<bool> write_last(std::string_view data) override {
        if (!open_ || ended_) co_return false;
        ended_ = true;
        if (data.empty()) co_return co_await send(bhttp::make_chunk_last());
        co_return co_await send(
            beast::buffers_cat(bhttp::make_chunk(asio::buffer(data.data(), data.size())), bhttp::make_chunk_last()));
    }
    asio::awaitable<bool> flush() override {
        if (!open_ || head_.empty()) co_return open_;
        co_return co_await send(asio::const_buffer());
    }
    /// The body's end: the last chunk, unless write_last() sent it.
    asio::awaitable<bool> end() {
        if (ended_) co_return open_;
        ended_ = true;
        co_return co_await send(bhttp::make_chunk_last());
    }
    bool open() const override { return open_; }
    void mark_closed() { open_ = false; }

  private:
    // With the head first while it is pending (one write for both).
    template <class Buffers>
    asio::awaitable<bool> send(const Buffers& buffers) {
        if (head_.empty()) co_return co_await send_now(buffers);
        const bool ok = co_await send_now(beast::buffers_cat(asio::buffer(head_.data(), head_.size()), buffers));
        std::string().swap(head_);
        co_return ok;
    }

    // At once when the socket (non-blocking) takes all of it, as most writes: no asynchronous operation or timer;
    // else the rest asynchronously, under the write timeout.
    template <class Buffers>
    asio::awaitable<bool> send_now(const Buffers& buffers) {
        boost::system::error_code ec;
        const std::size_t total = beast::buffer_bytes(buffers);
        const std::size_t n = stream_.socket().write_some(buffers, ec);
        if (!ec && n == total) co_return true;
        if (ec && ec != asio::error::would_block && ec != asio::error::try_again) {
            open_ = false;
            co_return false;
        }
        beast::buffers_suffix<Buffers> rest(buffers);
        rest.consume(ec ? 0 : n);
        stream_.expires_after(timeout_);
        auto [wec, wn] = co_await asio::async_write(stream_, rest, as_tuple(use_awaitable));
        if (wec) open_ = false;
        co_return open_;
    }

    beast::tcp_stream& stream_;
    std::chrono::milliseconds timeout_;
    std::string head_;  // the response head, until the first write sends it
    bool open_ = true;
    bool ended_ = false;
};

struct Connection {
    explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
    beast::tcp_stream stream;
};

struct ActiveGuard {
    std::atomic<std::size_t>& counter;
    explicit ActiveGuard(std::atomic<std::size_t>& c) : counter(c) { ++counter; }
    ~ActiveGuard() { --counter; }
};

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
    Impl(asio::io_context& io, ServerSettings s, Handler h, std::vector<asio::io_context*> contexts)
        : io(io), contexts(io, std::move(contexts)), settings(std::move(s)), handler(std::move(h)), acceptor(io) {}

    asio::io_context& io;
    net::ContextPicker contexts;  // where new connections go
    ServerSettings settings;
    Handler handler;
    std::atomic<bool> draining{false};
    std::atomic<std::size_t> active_requests{0};
    tcp::acceptor acceptor;
    std::mutex mu;
    std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> connections;
    std::uint64_t next_id = 0;
    bool stopped = false;

    asio::awaitable<void> accept_loop();
    asio::awaitable<void> session(std::shared_ptr<Connection> conn, std::uint64_t id);
    asio::awaitable<bool> write_whole(beast::tcp_stream& stream, std::string_view head, std::string_view body);
    asio::awaitable<bool> write_response(beast::tcp_stream& stream, Response& resp, bool head, bool close,
                                         unsigned version);
    asio::awaitable<void> write_error(beast::tcp_stream& stream, int status, std::string_view message = {});
    /// Answers a request that could not be read (413, 431, 408 or 400), or nothing when the client went away.
    asio::awaitable<void> refuse_unreadable(beast::tcp_stream& stream, boost::system::error_code ec);
};

Server::Server(asio::io_context& io, ServerSettings settings, Handler handler,
               std::vector<asio::io_context*> connection_contexts)
    : impl_(std::make_shared<Impl>(io, std::move(settings), std::move(handler), std::move(connection_contexts))) {}

Server::~Server() {
    stop();
}

Result<std::uint16_t> Server::listen() {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(impl_->settings.host, ec);
    if (ec) {
        // A host name (e.g. localhost): resolve it.
        tcp::resolver resolver(impl_->io);
        auto results = resolver.resolve(impl_->settings.host, "", ec);
        if (ec || results.empty())
            return Error{Errc::invalid_argument, fmt::format("cannot resolve host \"{}\"", impl_->settings.host)};
        address = results.begin()->endpoint().address();
    }
    tcp::endpoint endpoint(address, impl_->settings.port);
    auto& acceptor = impl_->acceptor;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        return Error{Errc::io_error, fmt::format("cannot listen on {}:{}: {}", impl_->settings.host,
                                                 impl_->settings.port, ec.message())};
    return acceptor.local_endpoint().port();
}

void Server::start() {
    asio::co_spawn(impl_->acceptor.get_executor(), impl_->accept_loop(), asio::detached);
}

void Server::begin_drain() {
    impl_->draining = true;
}
bool Server::draining() const {
    return impl_->draining.load();
}
std::size_t Server::active_requests() const {
    return impl_->active_requests.load();
}

void Server::stop() {
    if (!impl_) return;
    std::vector<std::shared_ptr<Connection>> open;
    {
        std::lock_guard lock(impl_->mu);
        if (impl_->stopped) return;
        impl_->stopped = true;
        for (auto& [id, weak] : impl_->connections)
            if (auto c = weak.lock()) open.push_back(std::move(c));
    }
    asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
        boost::system::error_code ec;
        impl->acceptor.close(ec);
    });
    for (auto& c : open) {
        asio::post(c->stream.get_executor(), [c] {
            boost::system::error_code ec;
            c->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
            c->stream.socket().close(ec);
        });
    }
}

asio::awaitable<void> Server::Impl::accept_loop() {
    auto self = shared_from_this();
    for (;;) {
        tcp::socket socket(asio::make_strand(contexts.next()));
        auto [ec] = co_await acceptor.async_accept(socket, as_tuple(use_awaitable));
        if (ec) {
            if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
            // Out of descriptors or a transient network error: back off briefly instead of spinning.
            log::warn("http", "accept failed: {}", ec.message());
            asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(50));
            co_await t.async_wait(as_tuple(use_awaitable));
            continue;
        }
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        auto conn = std::make_shared<Connection>(std::move(socket));
        std::uint64_t id;
        {
            std::lock_guard lock(mu);
            if (stopped) co_return;
            id = ++next_id;
            connections.emplace(id, conn);
        }
        asio::co_spawn(conn->stream.get_executor(), session(conn, id), asio::detached);
    }
}

asio::awaitable<void> Server::Impl::write_error(beast::tcp_stream& stream, int status, std::string_view message) {
    Response r = Response::error(status, message);
    co_await write_response(stream, r, false, true, 11);
}

namespace {

// Field text as it may go on the wire: a CR, LF or NUL (which would end the field early, or start another) becomes
// a space.
void append_field_text(std::string& out, std::string_view text) {
    const std::size_t at = out.size();
    out.append(text);
    for (std::size_t i = at; i < out.size(); ++i)
        if (out[i] == '\r' || out[i] == '\n' || out[i] == '\0') out[i] = ' ';
}

// The status line and fields of a response (whole, or chunked for a stream), as Beast would write them for the same
// message.
std::string response_head(unsigned version, int status, const Headers& headers, bool keep_alive,
                          std::optional<std::size_t> content_length, bool chunked = false) {
    std::string out;
    out.reserve(160 + 64 * headers.items().size());
    out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    char code[8];
    out.append(code, static_cast<std::size_t>(std::to_chars(code, code + sizeof code, status).ptr - code));
    out += ' ';
    const auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(status));
    out.append(reason.data(), reason.size());
    out += "\r\nServer: hector\r\nDate: ";
    out += http_date();
    out += "\r\n";
    for (const auto& [k, v] : headers.items()) {
        // The length is the body's.
        // The head says itself whether the connection stays open (as Beast's keep_alive() did, which also dropped
        // a redundant "keep-alive").
        if (iequals(k, "Content-Length") || iequals(k, "Connection") || (chunked && iequals(k, "Transfer-Encoding")))
            continue;
        append_field_text(out, k);
        out += ": ";
        append_field_text(out, v);
        out += "\r\n";
    }
    if (version >= 11 && !keep_alive) out += "Connection: close\r\n";
    if (version < 11 && keep_alive) out += "Connection: keep-alive\r\n";
    if (chunked) out += "Transfer-Encoding: chunked\r\n";
    if (content_length) {
        out += "Content-Length: ";
        char n[24];
        out.append(n, static_cast<std::size_t>(std::to_chars(n, n + sizeof n, *content_length).ptr - n));
        out += "\r\n";
    }
    out += "\r\n";
    return out;
}

// Feeds the parser what is already buffered (no I/O). A need for more bytes is not an error.
template <class Parser>
void parse_buffered(Parser& parser, beast::flat_buffer& buffer, boost::system::error_code& ec) {
    while (!parser.is_done() && buffer.size() > 0) {
        const auto n = parser.put(buffer.data(), ec);
        buffer.consume(n);
        if (ec == bhttp::error::need_more) {
            ec = {};
            return;
        }
        if (ec || n == 0) return;
    }
}

}  // namespace

asio::awaitable<void> Server::Impl::refuse_unreadable(beast::tcp_stream& stream, boost::system::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == bhttp::error::partial_message)
        co_return;
    if (ec == bhttp::error::body_limit)
        co_await write_error(stream, 413);
    else if (ec == bhttp::error::header_limit)
        co_await write_error(stream, 431);
    else if (ec == beast::error::timeout)
        co_await write_error(stream, 408);
    else
        co_await write_error(stream, 400, "malformed HTTP request: " + ec.message());
}

asio::awaitable<bool> Server::Impl::write_response(beast::tcp_stream& stream, Response& resp, bool head, bool close,
                                                   unsigned version) {
    auto fill = [&](auto& res) {
        res.version(version);
        res.result(static_cast<unsigned>(resp.status));
        res.set(bhttp::field::server, "hector");
        res.set(bhttp::field::date, http_date());
        for (const auto& [k, v] : resp.headers.items()) res.insert(k, v);
        res.keep_alive(!close);
    };
    if (resp.stream && !head && version == 11) {
        // The head waits for the body's first write, usually right away (a task's snapshot): one write for both.
        std::string head_text = response_head(version, resp.status, resp.headers, !close, std::nullopt,
                                              /*chunked=*/true);
        resp.headers = Headers{};
        ChunkWriter writer(stream, settings.write_timeout, std::move(head_text));
        co_await resp.stream(writer);
        if (!writer.open()) co_return false;
        co_return co_await writer.end();
    }
    if (resp.stream && !head) {
        bool sent = false;
        {
            // In a scope of its own: a stream may stay open for hours, without its header's fields.
            stream.expires_after(settings.write_timeout);
            bhttp::response<bhttp::empty_body> res;
            fill(res);
            res.chunked(true);
            bhttp::response_serializer<bhttp::empty_body> sr(res);
            auto [ec, n] = co_await bhttp::async_write_header(stream, sr, as_tuple(use_awaitable));
            sent = !ec;
        }
        if (!sent) co_return false;
        resp.headers = Headers{};
        ChunkWriter writer(stream, settings.write_timeout);
        co_await resp.stream(writer);
        if (!writer.open()) co_return false;
        co_return co_await writer.end();
    }
    // A whole answer: its head written here, in one string (Beast's serializer cost more than the rest of a small
    // answer's way out), then head and body together.
    const bool no_body = resp.status == 204 || resp.status == 304;
    const std::string head_text = response_head(version, resp.status, resp.headers, !close,
                                                no_body ? std::nullopt : std::optional<std::size_t>(resp.body.size()));
    co_return co_await write_whole(stream, head_text, head || no_body ? std::string_view() : resp.body);
}

asio::awaitable<bool> Server::Impl::write_whole(beast::tcp_stream& stream, std::string_view head,
                                                std::string_view body) {
    beast::buffers_suffix<std::array<asio::const_buffer, 2>> rest(std::array<asio::const_buffer, 2>{
        asio::buffer(head.data(), head.size()), asio::buffer(body.data(), body.size())});
    // Most answers fit in the socket's buffer: written at once (the socket is non-blocking), with no asynchronous
    // operation or timer.
    boost::system::error_code ec;
    while (beast::buffer_bytes(rest) > 0) {
        const std::size_t n = stream.socket().write_some(rest, ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) break;
        if (ec) co_return false;
        rest.consume(n);
    }
    if (beast::buffer_bytes(rest) == 0) co_return true;
    stream.expires_after(settings.write_timeout);
    auto [wec, n] = co_await asio::async_write(stream, rest, as_tuple(use_awaitable));
    co_return !wec;
}

asio::awaitable<void> Server::Impl::session(std::shared_ptr<Connection> conn, std::uint64_t id) {
    auto self = shared_from_this();
    auto& stream = conn->stream;
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    std::string remote_ip = stream.socket().remote_endpoint(ec).address().to_string();
    stream.socket().non_blocking(true, ec);  // for write_whole(); asynchronous operations are unaffected

    for (;;) {
        if (buffer.size() == 0) {
            // Idle keep-alive wait for the first byte of the next request.
            stream.expires_after(settings.idle_timeout);
            auto [rec, n] = co_await stream.async_read_some(buffer.prepare(4096), as_tuple(use_awaitable));
            if (rec) break;
            buffer.commit(n);
        }
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(settings.max_header_bytes);
        parser.body_limit(settings.max_body_bytes);
        // Usually the whole request came with its first bytes: parse it from the buffer, without an operation.
        boost::system::error_code pec;
        parse_buffered(parser, buffer, pec);
        if (pec) {
            co_await refuse_unreadable(stream, pec);
            break;
        }
        if (!parser.is_header_done()) {
            stream.expires_after(settings.read_timeout);
            auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, as_tuple(use_awaitable));
            if (hec) {
                co_await refuse_unreadable(stream, hec);
                break;
            }
        }
        if (!parser.is_done() && iequals(parser.get()[bhttp::field::expect], "100-continue")) {
            stream.expires_after(settings.write_timeout);
            static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
            auto [cec, cn] = co_await asio::async_write(stream, asio::buffer(kContinue.data(), kContinue.size()),
                                                        as_tuple(use_awaitable));
            if (cec) break;
        }
        if (!parser.is_done()) {
            stream.expires_after(settings.read_timeout);
            auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, as_tuple(use_awaitable));
            if (bec) {
                co_await refuse_unreadable(stream, bec);
                break;
            }
        }

        auto msg = parser.release();
        Request req;
        req.method = to_method(msg.method());
        req.method_text = std::string(msg.method_string());
        req.target = std::string(msg.target());
        auto qpos = req.target.find('?');
        req.path = req.target.substr(0, qpos);
        if (qpos != std::string::npos) req.query = req.target.substr(qpos + 1);
        for (const auto& field : msg) req.headers.add(std::string(field.name_string()), std::string(field.value()));
        req.body = std::move(msg.body());
        req.remote_ip = remote_ip;
        const bool keep_alive = msg.keep_alive();
        const unsigned version = msg.version();

        bool ok;
        {
            ActiveGuard active(active_requests);
            Response resp;
            try {
                resp = co_await handler(req);
            } catch (const std::exception& e) {
                log::error({"http", req.request_id}, "unhandled error on {} {}: {}", req.method_text, req.path,
                           e.what());
                resp = Response::error(500);
            }
            // A stream may stay open for hours: its idle read buffer goes back to the allocator meanwhile.
            if (resp.stream) {
                if (buffer.size() == 0) buffer.shrink_to_fit();
                std::string().swap(req.body);
                req.headers = Headers{};
            }
            bool close = !keep_alive || resp.close || draining.load();
            ok = co_await write_response(stream, resp, req.method == Method::head, close, version);
            if (close) ok = false;
        }
        if (!ok) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.socket().close(ec);
    std::lock_guard lock(mu);
    connections.erase(id);
}

}  // namespace hector::http
