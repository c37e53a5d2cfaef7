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
#include <chrono>
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

asio::awaitable<void> client(tcp::endpoint ep, std::string target, std::string method, Clock::time_point until,
                             ModelDelay model, unsigned seed, Stats& stats) {
    beast::tcp_stream stream(co_await asio::this_coro::executor);
    co_await stream.async_connect(ep, asio::use_awaitable);
    beast::flat_buffer buffer;
    std::vector<double> mine;
    int n = 0;
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> draw(model.lo, model.hi);
    while (Clock::now() < until) {
        const int model_ms = model.on() ? draw(rng) : 0;
        const std::string prefix = model_ms > 0 ? "wait" + std::to_string(model_ms) + " " : "";
        const bool direct = method == "model";
        const std::string text = prefix + "load test message " + std::to_string(n++);
        auto req = make_request(target, direct ? chat_body(text) : send_body(method, text));
        auto t0 = Clock::now();
        auto [wec, wn] = co_await http::async_write(stream, req, asio::as_tuple(asio::use_awaitable));
        http::response_parser<http::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        auto [rec, rn] = co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
        const auto& body = parser.get().body();
        const bool answered =
            direct ? body.find("[DONE]") != std::string::npos
                   : body.find("\"error\"") == std::string::npos && body.find("completed") != std::string::npos;
        if (wec || rec || parser.get().result_int() != 200 || !answered) {
            ++stats.errors;
            if (wec || rec) break;
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
