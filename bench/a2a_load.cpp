// Load driver for the A2A endpoint: closed-loop clients on keep-alive connections (one coroutine each) sending
// message/send or message/stream, reporting throughput and latency percentiles; or a holder of many open SSE
// streams (tasks/resubscribe) for memory measurements.
//
//   a2a_load send   <port> <agent> <concurrency> <seconds> [model-ms]
//   a2a_load stream <port> <agent> <concurrency> <seconds> [model-ms]
//       with model-ms, every message reads "wait<model-ms> ..." (the fake OpenAI server then answers after that
//       long) and the report is the server's overhead: each request's latency minus model-ms. model-ms may be a
//       range LO-HI: each request then asks for its own delay, drawn uniformly, and that is what is subtracted.
//       With a fixed delay the closed-loop clients move in lockstep (the model answers all of them at once);
//       varied delays, as real models have, spread them out.
//   a2a_load model  <fake-port> - <concurrency> <seconds> <model-ms>
//       streamed chat completions straight to the fake OpenAI server, with the same clients and delays: what the
//       model server and HTTP to it add by themselves, the baseline for the overhead figures above.
//   a2a_load hold   <port> <agent> <streams> <tasks> <seconds>   (needs a model that keeps tasks running)
//   a2a_load queue  <ports> <agent> <tasks> <concurrency> <admin-secret> [model-ms]
//       non-blocking sends spread over the comma-separated ports, then waits until the first port's
//       /admin/queue/stats counts them all completed: completed tasks per second, end to end.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

std::string send_body(const std::string& method, const std::string& text, bool blocking = true) {
    return R"({"jsonrpc":"2.0","id":1,"method":")" + method +
           R"(","params":{"message":{"role":"user","parts":[{"kind":"text","text":")" + text +
           R"("}]},"configuration":{"blocking":)" + (blocking ? "true" : "false") + "}}}";
}

// A streamed chat completion straight to the fake OpenAI server (mode "model"): the baseline of what the model
// server and HTTP to it cost without hector in between.
std::string chat_body(const std::string& text) {
    return R"({"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":")" + text + R"("}]})";
}

http::request<http::string_body> make_request(const std::string& target, std::string body) {
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
    req.prepare_payload();
    return req;
}

// The model's answer time for a request: fixed, or drawn from [lo, hi] per request.
struct ModelDelay {
    int lo = 0, hi = 0;
    bool on() const { return hi > 0; }
    static ModelDelay parse(const char* text) {
        ModelDelay d;
        if (!text) return d;
        d.lo = d.hi = std::atoi(text);
        if (const char* dash = std::strchr(text, '-')) d.hi = std::max(d.lo, std::atoi(dash + 1));
        return d;
    }
    std::string describe() const {
        return lo == hi ? std::to_string(lo) + " ms" : std::to_string(lo) + "-" + std::to_string(hi) + " ms";
    }
};

struct Stats {
    std::mutex mu;
    std::vector<double> latencies_ms;
    std::atomic<long> errors{0};
};

// One HTTP/1.1 response read off a keep-alive connection: the status, and the body (Content-Length or chunked,
// as the server streams SSE). The closed-loop clients use this instead of Beast's parser so that the driver, which
// shares the machine's cores with the server, costs as little CPU per request as it can (a few microseconds, like
// wrk) while it still checks every answer. `buf` carries bytes read past this response over to the next.
class ResponseReader {
  public:
    explicit ResponseReader(tcp::socket& s) : sock_(s) { buf_.reserve(16 * 1024); }

    // On success: the status code, with the body in `body` (which keeps its capacity across calls). 0 on a
    // malformed response or a closed connection.
    asio::awaitable<int> read(std::string& body) {
        body.clear();
        std::size_t head_end;
        while ((head_end = buf_.find("\r\n\r\n")) == std::string::npos)
            if (!co_await fill()) co_return 0;
        const std::string_view head(buf_.data(), head_end);
        if (head.size() < 12 || head.substr(0, 9) != "HTTP/1.1 ") co_return 0;
        const int status = std::atoi(buf_.c_str() + 9);
        long length = -1;
        bool chunked = false;
        for (std::size_t pos = head.find("\r\n"); pos != std::string_view::npos;) {
            const std::size_t next = head.find("\r\n", pos + 2);
            const auto line = head.substr(pos + 2, next == std::string_view::npos ? head.npos : next - pos - 2);
            if (starts_with_nocase(line, "content-length:"))
                length = std::atol(std::string(line.substr(15)).c_str());
            else if (starts_with_nocase(line, "transfer-encoding:") && line.find("chunked") != line.npos)
                chunked = true;
            pos = next;
        }
        std::size_t at = head_end + 4;
        if (!chunked) {
            if (length < 0) co_return 0;
            while (buf_.size() - at < static_cast<std::size_t>(length))
                if (!co_await fill()) co_return 0;
            body.append(buf_, at, static_cast<std::size_t>(length));
            buf_.erase(0, at + static_cast<std::size_t>(length));
            co_return status;
        }
        for (;;) {  // chunk: size in hex, CRLF, data, CRLF; the last one has size 0 (no trailers expected)
            std::size_t eol;
            while ((eol = buf_.find("\r\n", at)) == std::string::npos)
                if (!co_await fill()) co_return 0;
            const std::size_t size = std::strtoul(buf_.c_str() + at, nullptr, 16);
            while (buf_.size() < eol + 2 + size + 2)
                if (!co_await fill()) co_return 0;
            if (size == 0) {
                buf_.erase(0, eol + 4);
                co_return status;
            }
            body.append(buf_, eol + 2, size);
            at = eol + 2 + size + 2;
        }
    }

  private:
    static bool starts_with_nocase(std::string_view line, std::string_view lower) {
        if (line.size() < lower.size()) return false;
        for (std::size_t i = 0; i < lower.size(); ++i)
            if (std::tolower(static_cast<unsigned char>(line[i])) != lower[i]) return false;
        return true;
    }

    asio::awaitable<bool> fill() {
        if (buf_.size() > 64 * 1024 * 1024) co_return false;
        char chunk[16 * 1024];
        auto [ec, n] = co_await sock_.async_read_some(asio::buffer(chunk), asio::as_tuple(asio::use_awaitable));
        if (ec) co_return false;
        buf_.append(chunk, n);
        co_return true;
    }

    tcp::socket& sock_;
    std::string buf_;
};

asio::awaitable<void> client(tcp::endpoint ep, std::string target, std::string method, Clock::time_point until,
                             ModelDelay model, unsigned seed, Stats& stats) {
    tcp::socket sock(co_await asio::this_coro::executor);
    if (auto [ec] = co_await sock.async_connect(ep, asio::as_tuple(asio::use_awaitable)); ec) {
        ++stats.errors;
        co_return;
    }
    sock.set_option(tcp::no_delay(true));
    ResponseReader reader(sock);
    std::string request, body, text;
    std::vector<double> mine;
    int n = 0;
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> draw(model.lo, model.hi);
    const bool direct = method == "model";
    const std::string head =
        "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + "Content-Length: ";
    while (Clock::now() < until) {
        const int model_ms = model.on() ? draw(rng) : 0;
        text.clear();
        if (model_ms > 0) text += "wait" + std::to_string(model_ms) + " ";
        text += "load test message ";
        text += std::to_string(n++);
        const std::string payload = direct ? chat_body(text) : send_body(method, text);
        request.assign(head);
        request += std::to_string(payload.size());
        request += "\r\n\r\n";
        request += payload;
        auto t0 = Clock::now();
        auto [wec, wn] = co_await asio::async_write(sock, asio::buffer(request), asio::as_tuple(asio::use_awaitable));
        const int status = wec ? 0 : co_await reader.read(body);
        const bool answered =
            direct ? body.find("[DONE]") != std::string::npos
                   : body.find("\"error\"") == std::string::npos && body.find("completed") != std::string::npos;
        if (status != 200 || !answered) {
            ++stats.errors;
            if (status == 0) break;  // the connection is gone or out of step
            continue;
        }
        mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count() - model_ms);
    }
    std::lock_guard lock(stats.mu);
    stats.latencies_ms.insert(stats.latencies_ms.end(), mine.begin(), mine.end());
}

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

int run_closed_loop(const std::string& method, int port, const std::string& agent, int concurrency, int seconds,
                    ModelDelay model) {
    asio::io_context io(1);
    Stats stats;
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
    auto until = Clock::now() + std::chrono::seconds(seconds);
    auto start = Clock::now();
    for (int i = 0; i < concurrency; ++i)
        asio::co_spawn(io,
                       client(ep, method == "model" ? "/v1/chat/completions" : "/agents/" + agent, method, until, model,
                              static_cast<unsigned>(i) + 1, stats),
                       asio::detached);
    io.run();
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    auto& l = stats.latencies_ms;
    std::size_t count = l.size();
    if (model.on())
        std::printf("%-15s c=%-4d %10.0f req/s   overhead over a %s model: p50 %7.3f ms   p99 %7.3f ms   errors %ld\n",
                    method.c_str(), concurrency, static_cast<double>(count) / elapsed, model.describe().c_str(),
                    percentile(l, 0.50), percentile(l, 0.99), stats.errors.load());
    else
        std::printf("%-15s c=%-4d %10.0f req/s   p50 %7.3f ms   p99 %7.3f ms   errors %ld\n", method.c_str(),
                    concurrency, static_cast<double>(count) / elapsed, percentile(l, 0.50), percentile(l, 0.99),
                    stats.errors.load());
    return 0;
}

// Starts `tasks` long-running tasks, then opens `streams` resubscriptions spread over them and holds them.
int run_hold(int port, const std::string& agent, int streams, int tasks, int seconds) {
    asio::io_context io(1);
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
    std::vector<std::string> ids;
    std::atomic<int> open{0}, failed{0};
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            beast::tcp_stream s(co_await asio::this_coro::executor);
            co_await s.async_connect(ep, asio::use_awaitable);
            beast::flat_buffer b;
            for (int i = 0; i < tasks; ++i) {
                auto req =
                    make_request("/agents/" + agent, send_body("message/send", "hang " + std::to_string(i), false));
                co_await http::async_write(s, req, asio::use_awaitable);
                http::response<http::string_body> res;
                co_await http::async_read(s, b, res, asio::use_awaitable);
                auto pos = res.body().find("\"id\":\"");
                if (pos == std::string::npos) continue;
                auto end = res.body().find('"', pos + 6);
                ids.push_back(res.body().substr(pos + 6, end - pos - 6));
            }
            for (int i = 0; i < streams; ++i) {
                auto id = ids[static_cast<std::size_t>(i) % ids.size()];
                asio::co_spawn(
                    io,
                    [&, id]() -> asio::awaitable<void> {
                        beast::tcp_stream st(co_await asio::this_coro::executor);
                        auto [cec] = co_await st.async_connect(ep, asio::as_tuple(asio::use_awaitable));
                        if (cec) {
                            ++failed;
                            co_return;
                        }
                        auto req = make_request(
                            "/agents/" + agent,
                            R"({"jsonrpc":"2.0","id":1,"method":"tasks/resubscribe","params":{"id":")" + id + "\"}}");
                        co_await http::async_write(st, req, asio::use_awaitable);
                        beast::flat_buffer buf;
                        http::response_parser<http::empty_body> p;
                        auto [hec, hn] =
                            co_await http::async_read_header(st, buf, p, asio::as_tuple(asio::use_awaitable));
                        if (hec || p.get().result_int() != 200) {
                            ++failed;
                            co_return;
                        }
                        ++open;
                        asio::steady_timer t(st.get_executor(), std::chrono::seconds(seconds));
                        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
                    },
                    asio::detached);
            }
        },
        asio::detached);
    std::thread reporter([&] {
        for (int i = 0; i < seconds; ++i) {
            std::this_thread::sleep_for(std::chrono::seconds(1));
            std::printf("open streams: %d (failed %d)\n", open.load(), failed.load());
            std::fflush(stdout);
        }
    });
    io.run();
    reporter.join();
    return failed.load() == 0 ? 0 : 1;
}

asio::awaitable<std::string> get_text(tcp::endpoint ep, std::string target, std::string secret) {
    beast::tcp_stream s(co_await asio::this_coro::executor);
    co_await s.async_connect(ep, asio::use_awaitable);
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, "Bearer " + secret);
    co_await http::async_write(s, req, asio::use_awaitable);
    beast::flat_buffer b;
    http::response<http::string_body> res;
    co_await http::async_read(s, b, res, asio::use_awaitable);
    co_return res.body();
}

long json_count(const std::string& body, const std::string& key) {
    auto pos = body.find("\"" + key + "\":");
    return pos == std::string::npos ? -1 : std::atol(body.c_str() + pos + key.size() + 3);
}

int run_queue(const std::string& ports, const std::string& agent, int tasks, int concurrency, const std::string& secret,
              int model_ms) {
    const std::string prefix = model_ms > 0 ? "wait" + std::to_string(model_ms) + " " : "";
    std::vector<tcp::endpoint> eps;
    for (std::size_t start = 0; start < ports.size();) {
        auto end = ports.find(',', start);
        if (end == std::string::npos) end = ports.size();
        eps.emplace_back(asio::ip::make_address("127.0.0.1"),
                         static_cast<unsigned short>(std::atoi(ports.substr(start, end - start).c_str())));
        start = end + 1;
    }
    asio::io_context io(1);
    std::atomic<int> next{0}, errors{0};
    long baseline = 0, completed = 0, failed = 0;
    Clock::time_point start, sent_at, done_at;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            baseline = json_count(co_await get_text(eps[0], "/admin/queue/stats", secret), "completed");
            start = Clock::now();
            std::atomic<int> senders{concurrency};
            asio::steady_timer all_sent(io, Clock::time_point::max());
            for (int c = 0; c < concurrency; ++c) {
                asio::co_spawn(
                    io,
                    [&, ep = eps[static_cast<std::size_t>(c) % eps.size()]]() -> asio::awaitable<void> {
                        beast::tcp_stream s(co_await asio::this_coro::executor);
                        co_await s.async_connect(ep, asio::use_awaitable);
                        beast::flat_buffer b;
                        for (int i = next++; i < tasks; i = next++) {
                            auto req =
                                make_request("/agents/" + agent,
                                             send_body("message/send", prefix + "job " + std::to_string(i), false));
                            co_await http::async_write(s, req, asio::use_awaitable);
                            http::response<http::string_body> res;
                            co_await http::async_read(s, b, res, asio::use_awaitable);
                            if (res.result_int() != 200 || res.body().find("\"error\"") != std::string::npos) ++errors;
                        }
                        if (--senders == 0) all_sent.cancel();
                    },
                    asio::detached);
            }
            co_await all_sent.async_wait(asio::as_tuple(asio::use_awaitable));
            sent_at = Clock::now();
            for (;;) {
                auto body = co_await get_text(eps[0], "/admin/queue/stats", secret);
                completed = json_count(body, "completed") - baseline;
                failed = json_count(body, "failed");
                if (completed + errors >= tasks || Clock::now() - start > std::chrono::minutes(5)) break;
                asio::steady_timer t(io, std::chrono::milliseconds(100));
                co_await t.async_wait(asio::use_awaitable);
            }
            done_at = Clock::now();
        },
        asio::detached);
    io.run();
    const double send_s = std::chrono::duration<double>(sent_at - start).count();
    const double total_s = std::chrono::duration<double>(done_at - start).count();
    std::printf(
        "queue %-12s instances=%zu tasks=%d c=%d  sent in %.2f s  completed %ld in %.2f s  %8.0f tasks/s"
        "  (send errors %d, failed %ld)\n",
        agent.c_str(), eps.size(), tasks, concurrency, send_s, completed, total_s,
        static_cast<double>(completed) / total_s, errors.load(), failed);
    return completed == tasks ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 6) {
        std::cerr << "usage: a2a_load send|stream <port> <agent> <concurrency> <seconds> [model-ms or lo-hi]\n"
                     "       a2a_load model <fake-openai-port> - <concurrency> <seconds> <model-ms or lo-hi>\n"
                     "       a2a_load hold <port> <agent> <streams> <tasks> <seconds>\n"
                     "       a2a_load queue <port[,port...]> <agent> <tasks> <concurrency> <admin-secret> "
                     "[model-ms]\n";
        return 2;
    }
    std::string mode = argv[1];
    if (mode == "queue" && argc >= 7)
        return run_queue(argv[2], argv[3], std::atoi(argv[4]), std::atoi(argv[5]), argv[6],
                         argc >= 8 ? std::atoi(argv[7]) : 0);
    int port = std::atoi(argv[2]);
    std::string agent = argv[3];
    const auto model = ModelDelay::parse(argc >= 7 ? argv[6] : nullptr);
    if (mode == "send")
        return run_closed_loop("message/send", port, agent, std::atoi(argv[4]), std::atoi(argv[5]), model);
    if (mode == "stream")
        return run_closed_loop("message/stream", port, agent, std::atoi(argv[4]), std::atoi(argv[5]), model);
    if (mode == "model") return run_closed_loop("model", port, agent, std::atoi(argv[4]), std::atoi(argv[5]), model);
    if (mode == "hold" && argc >= 7)
        return run_hold(port, agent, std::atoi(argv[4]), std::atoi(argv[5]), std::atoi(argv[6]));
    std::cerr << "unknown mode\n";
    return 2;
}
