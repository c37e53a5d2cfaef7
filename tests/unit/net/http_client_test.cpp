#include "hector/net/http_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include "unit/net/test_peer.hpp"

namespace hector::net {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using testing::eventually;
using testing::TestPeer;

std::string str(const json::value& v) {
    return std::string(v.as_string());
}

HttpRequest get(std::string url) {
    HttpRequest r;
    r.url = std::move(url);
    return r;
}

// Every test runs twice: with the client's reactor thread, and with reactors on the callers' contexts.
class HttpClientTest : public ::testing::TestWithParam<bool> {
  protected:
    Result<HttpResponse> fetch(HttpRequest request, HttpClient* via = nullptr) {
        HttpClient& c = via ? *via : client;
        return testing::run(peer.io(), c.request(std::move(request)));
    }

    TestPeer peer;
    HttpClient client{
        testing::client_settings(peer, GetParam())};  // last: destroyed before the peer's I/O threads stop
};

std::size_t thread_count() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
    return n;
}

// A server whose agents never call out keeps libcurl's reactor thread out of the process: it starts with the first
// request, and a client never used stops cleanly.
TEST_P(HttpClientTest, TheReactorStartsWithTheFirstRequest) {
    const auto before = thread_count();
    {
        HttpClient unused;
        EXPECT_EQ(thread_count(), before);
        EXPECT_EQ(unused.in_flight(), 0u);
    }
    HttpClient lazy;
    EXPECT_EQ(thread_count(), before);
    auto r = fetch(get(peer.url("/json")), &lazy);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_GT(thread_count(), before);  // the reactor (a resolver thread may come and go too)
}

bool reactor_thread_running() {
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/task")) {
        std::ifstream comm(e.path() / "comm");
        std::string name;
        std::getline(comm, name);
        if (name == "hector-curl") return true;
    }
    return false;
}

// On the callers' contexts, a request is driven by the caller's own thread: the client starts no reactor thread.
// Threaded, the reactor thread does the work.
TEST_P(HttpClientTest, OnTheCallersContextsNoReactorThreadRuns) {
    HttpClient own(testing::client_settings(peer, GetParam()));
    auto r = fetch(get(peer.url("/json")), &own);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(reactor_thread_running(), !GetParam());
}

TEST_P(HttpClientTest, GetReturnsStatusHeadersAndBody) {
    auto r = fetch(get(peer.url("/json")));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, R"({"ok":true})");
    EXPECT_EQ(r->header("content-type"), "application/json");
    EXPECT_EQ(r->header("CONTENT-TYPE"), "application/json");
    EXPECT_EQ(r->header("x-absent"), "");
}

TEST_P(HttpClientTest, PostSendsMethodHeadersAndBody) {
    HttpRequest req = get(peer.url("/echo"));
    req.method = "POST";
    req.headers = {{"X-Test", "abc"}, {"Content-Type", "application/json"}, {"X-Empty", ""}};
    req.body = R"({"q":"hello"})";
    auto r = fetch(req);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->status, 200);
    auto echo = json::parse(r->body).as_object();
    EXPECT_EQ(str(echo["method"]), "POST");
    EXPECT_EQ(str(echo["body"]), req.body);
    auto& headers = echo["headers"].as_object();
    EXPECT_EQ(str(headers["x-test"]), "abc");
    EXPECT_EQ(str(headers["content-type"]), "application/json");
    EXPECT_EQ(str(headers["x-empty"]), "");
    EXPECT_EQ(str(headers["user-agent"]), "hector/0.1");
    EXPECT_FALSE(headers.contains("expect"));
}

// The client reuses finished curl handles: nothing of one request (method, headers, body, redirects) reaches the
// next one made through the same handle.
TEST_P(HttpClientTest, ARequestInheritsNothingFromTheOneBefore) {
    HttpRequest post = get(peer.url("/echo"));
    post.method = "POST";
    post.headers = {{"X-Test", "abc"}, {"Content-Type", "application/json"}};
    post.body = R"({"q":"hello"})";
    post.follow_redirects = true;
    ASSERT_TRUE(fetch(post).ok());

    auto r = fetch(get(peer.url("/echo")));
    ASSERT_TRUE(r.ok()) << r.error().message;
    auto echo = json::parse(r->body).as_object();
    EXPECT_EQ(str(echo["method"]), "GET");
    EXPECT_EQ(str(echo["body"]), "");
    auto& headers = echo["headers"].as_object();
    EXPECT_FALSE(headers.contains("x-test"));
    EXPECT_FALSE(headers.contains("content-type"));
    EXPECT_EQ(str(headers["user-agent"]), "hector/0.1");

    auto redirect = fetch(get(peer.url("/redirect")));
    ASSERT_TRUE(redirect.ok()) << redirect.error().message;
    EXPECT_EQ(redirect->status, 302);  // not followed: only the earlier request asked for that
}

TEST_P(HttpClientTest, OtherMethodsKeepTheirName) {
    for (const char* method : {"PUT", "PATCH", "DELETE", "GET"}) {
        HttpRequest req = get(peer.url("/echo"));
        req.method = method;
        if (std::string_view(method) != "GET") req.body = "payload";
        auto r = fetch(req);
        ASSERT_TRUE(r.ok()) << method << ": " << r.error().message;
        auto echo = json::parse(r->body).as_object();
        EXPECT_EQ(str(echo["method"]), method);
        EXPECT_EQ(str(echo["body"]), req.body) << method;
    }
}

TEST_P(HttpClientTest, ErrorStatusesAreResponsesNotErrors) {
    auto not_found = fetch(get(peer.url("/status/404")));
    ASSERT_TRUE(not_found.ok());
    EXPECT_EQ(not_found->status, 404);
    auto failed = fetch(get(peer.url("/status/500")));
    ASSERT_TRUE(failed.ok());
    EXPECT_EQ(failed->status, 500);
    EXPECT_EQ(failed->body, "status body");
    auto limited = fetch(get(peer.url("/status/429")));
    ASSERT_TRUE(limited.ok());
    EXPECT_EQ(limited->status, 429);
    EXPECT_EQ(limited->header("retry-after"), "7");
}

TEST_P(HttpClientTest, TwoHundredConcurrentRequests) {
    constexpr int kCount = 200;
    std::vector<std::future<std::optional<Result<HttpResponse>>>> futures;
    for (int i = 0; i < kCount; ++i) {
        HttpRequest req = get(peer.url("/echo"));
        req.method = "POST";
        req.body = "request-" + std::to_string(i);
        futures.push_back(testing::spawn(peer.io(), client.request(std::move(req)), asio::use_future));
    }
    for (int i = 0; i < kCount; ++i) {
        auto r = testing::wait_for(futures[i]);
        ASSERT_TRUE(r.ok()) << i << ": " << r.error().message;
        EXPECT_EQ(str(json::parse(r->body).as_object()["body"]), "request-" + std::to_string(i));
    }
    EXPECT_TRUE(eventually([&] { return client.in_flight() == 0; }));
}

// A slow first request to a plain-HTTP host (a local model server working on a long completion) must not hold back
// the requests after it: HTTP/1.1 cannot multiplex, so each gets a connection of its own at once. (With
// CURLOPT_PIPEWAIT on every transfer, libcurl kept them waiting for the first response's headers, to learn
// whether the server could multiplex.)
TEST_P(HttpClientTest, ASlowRequestDoesNotHoldBackOthersToTheSameHost) {
    auto slow = testing::spawn(peer.io(), client.request(get(peer.url("/silent"))), asio::use_future);
    std::this_thread::sleep_for(100ms);  // its connection is open and waiting for the answer
    for (int i = 0; i < 3; ++i) {
        auto quick = fetch(get(peer.url("/json")));
        ASSERT_TRUE(quick.ok()) << quick.error().message;
        EXPECT_EQ(quick->status, 200);
        // Answered while the slow one is still waiting.
        EXPECT_EQ(slow.wait_for(0s), std::future_status::timeout) << "request " << i;
    }
    auto r = testing::wait_for(slow);
    ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST_P(HttpClientTest, WholeTransferTimeout) {
    HttpRequest req = get(peer.url("/silent"));
    req.timeout = 200ms;
    const auto started = std::chrono::steady_clock::now();
    auto r = fetch(req);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::timeout);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
    EXPECT_NE(r.error().message.find("GET http://127.0.0.1:" + std::to_string(peer.port()) + "/silent: "),
              std::string::npos)
        << r.error().message;
}

TEST_P(HttpClientTest, ConnectionRefusedIsUnavailable) {
    const auto port = testing::unused_port();
    HttpRequest req = get("http://127.0.0.1:" + std::to_string(port) + "/x?secret=1");
    req.method = "POST";
    auto r = fetch(req);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::unavailable);
    const std::string& m = r.error().message;
    EXPECT_TRUE(m.starts_with("POST http://127.0.0.1:" + std::to_string(port) + "/x: ")) << m;
    EXPECT_NE(m.find("Connection refused"), std::string::npos) << m;
    EXPECT_EQ(m.find("secret"), std::string::npos) << "the query stays out of messages: " << m;
}

TEST_P(HttpClientTest, BodyOverLimitWithContentLength) {
    HttpRequest req = get(peer.url("/big/100000"));
    req.max_response_bytes = 10000;
    auto r = fetch(req);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::payload_too_large);
    EXPECT_NE(r.error().message.find("10000"), std::string::npos) << r.error().message;

    req.max_response_bytes = 100000;  // exactly the size: allowed
    auto ok = fetch(req);
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->body.size(), 100000u);
}

TEST_P(HttpClientTest, StreamedBodyOverLimitIsAborted) {
    HttpRequest req = get(peer.url("/big-stream/200000"));
    req.max_response_bytes = 50000;
    auto r = fetch(req);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::payload_too_large);
    EXPECT_TRUE(eventually([&] { return client.in_flight() == 0; }));
}

TEST_P(HttpClientTest, FollowsRedirectsOnlyWhenAsked) {
    auto plain = fetch(get(peer.url("/redirect")));
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain->status, 302);
    EXPECT_EQ(plain->header("location"), "/json");
    EXPECT_EQ(plain->body, "moved");

    HttpRequest req = get(peer.url("/redirect"));
    req.follow_redirects = true;
    auto followed = fetch(req);
    ASSERT_TRUE(followed.ok()) << followed.error().message;
    EXPECT_EQ(followed->status, 200);
    EXPECT_EQ(followed->body, R"({"ok":true})");
    EXPECT_EQ(followed->header("location"), "");

    HttpRequest loop = get(peer.url("/redirect-loop"));
    loop.follow_redirects = true;
    auto looped = fetch(loop);
    ASSERT_FALSE(looped.ok());
    EXPECT_EQ(looped.error().code, Errc::upstream_error);
    EXPECT_NE(looped.error().message.find("redirect"), std::string::npos) << looped.error().message;
}

TEST_P(HttpClientTest, InvalidRequestsFailWithoutNetwork) {
    // Twice, around a good request to the same and another path: a URL's check is kept per thread for its next use,
    // and must never pass for another URL.
    for (int round = 0; round < 2; ++round) {
        for (const char* url : {"ftp://example.com/x", "file:///etc/passwd", "not a url", "gopher://example.com/"}) {
            auto r = fetch(get(url));
            ASSERT_FALSE(r.ok()) << url;
            EXPECT_EQ(r.error().code, Errc::invalid_argument) << url;
            EXPECT_NE(r.error().message.find(url), std::string::npos) << r.error().message;
        }
        auto good = fetch(get(peer.url("/json")));
        ASSERT_TRUE(good.ok()) << good.error().message;
        EXPECT_EQ(good->status, 200);
        auto again = fetch(get(peer.url("/json")));
        ASSERT_TRUE(again.ok()) << again.error().message;
    }
    HttpRequest injected = get(peer.url("/json"));
    injected.headers = {{"X-Evil", "a\r\nX-Injected: 1"}};
    auto r = fetch(injected);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    HttpRequest bad_method = get(peer.url("/json"));
    bad_method.method = "GET /x HTTP/1.1\r\n";
    EXPECT_EQ(fetch(bad_method).error().code, Errc::invalid_argument);
}

TEST_P(HttpClientTest, RestrictPrivateRefusesLoopback) {
    HttpRequest req = get(peer.url("/counted"));
    req.restrict_private = true;
    auto r = fetch(req);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::forbidden);
    EXPECT_NE(r.error().message.find("127.0.0.1 is not allowed"), std::string::npos) << r.error().message;
    EXPECT_EQ(peer.state().counted_hits.load(), 0);
}

TEST_P(HttpClientTest, RestrictPrivateRefusesACachedConnection) {
    // An unrestricted request (a configured local model server, say) leaves a connection in curl's cache; a
    // restricted request to the same host must not ride on it.
    auto open = fetch(get(peer.url("/counted")));
    ASSERT_TRUE(open.ok());
    EXPECT_EQ(peer.state().counted_hits.load(), 1);
    HttpRequest req = get(peer.url("/counted"));
    req.restrict_private = true;
    auto r = fetch(req);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::forbidden);
    EXPECT_EQ(peer.state().counted_hits.load(), 1);
}

TEST_P(HttpClientTest, AllowPrivateNetworksLiftsTheRestriction) {
    HttpClientSettings settings;
    settings.allow_private_networks = true;
    HttpClient permissive(settings);
    HttpRequest req = get(peer.url("/counted"));
    req.restrict_private = true;
    auto r = fetch(req, &permissive);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(peer.state().counted_hits.load(), 1);
}

TEST_P(HttpClientTest, CancellationSlotAbortsARequest) {
    asio::cancellation_signal signal;
    auto strand = asio::make_strand(peer.io());
    std::atomic<bool> awaiting{false};
    auto future = testing::spawn(
        strand,
        [&]() -> asio::awaitable<Result<HttpResponse>> {
            awaiting = true;  // the strand runs the emit below only once this coroutine is suspended in request()
            co_return co_await client.request(get(peer.url("/silent")));
        },
        asio::bind_cancellation_slot(signal.slot(), asio::use_future));
    ASSERT_TRUE(eventually([&] { return awaiting.load(); }));
    asio::post(strand, [&] { signal.emit(asio::cancellation_type::terminal); });
    const auto started = std::chrono::steady_clock::now();
    auto r = testing::wait_for(future);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::cancelled);
    EXPECT_TRUE(eventually([&] { return client.in_flight() == 0; }));
}

// The bound is the client's, whichever thread or context the requests come from.
TEST_P(HttpClientTest, MaxConcurrentRefusesExtraTransfers) {
    auto settings = testing::client_settings(peer, GetParam());
    settings.max_concurrent = 1;
    auto limited = std::make_unique<HttpClient>(settings);
    auto pending = testing::spawn(peer.io(), limited->request(get(peer.url("/silent"))), asio::use_future);
    ASSERT_TRUE(eventually([&] { return limited->in_flight() == 1; }));
    auto refused = testing::run(*peer.contexts().back(), limited->request(get(peer.url("/json"))));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, Errc::unavailable);
    EXPECT_NE(refused.error().message.find("max 1"), std::string::npos) << refused.error().message;

    // Destroying the client completes the pending request instead of leaving it hanging.
    limited.reset();
    auto r = testing::wait_for(pending);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::unavailable);
}

// A forward proxy that answers every request itself and records the request lines it saw (raw Asio, one thread).
class RecordingProxy {
  public:
    RecordingProxy() : acceptor_(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
        accept();
        thread_ = std::thread([this] { io_.run(); });
    }
    ~RecordingProxy() {
        asio::post(io_, [this] { acceptor_.close(); });
        io_.stop();
        thread_.join();
    }
    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    std::vector<std::string> lines() {
        std::lock_guard lock(mu_);
        return lines_;
    }

  private:
    void accept() {
        acceptor_.async_accept([this](boost::system::error_code ec, asio::ip::tcp::socket socket) {
            if (ec) return;
            auto s = std::make_shared<asio::ip::tcp::socket>(std::move(socket));
            auto buf = std::make_shared<std::string>();
            asio::async_read_until(
                *s, asio::dynamic_buffer(*buf), "\r\n\r\n", [this, s, buf](boost::system::error_code rec, std::size_t) {
                    if (rec) return;
                    {
                        std::lock_guard lock(mu_);
                        lines_.push_back(buf->substr(0, buf->find("\r\n")));
                    }
                    // A CONNECT is refused; anything else is answered here.
                    const bool tunnel = buf->rfind("CONNECT ", 0) == 0;
                    auto reply =
                        std::make_shared<std::string>(tunnel ? "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"
                                                             : "HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: "
                                                               "close\r\n\r\nvia proxy");
                    asio::async_write(*s, asio::buffer(*reply), [s, reply](boost::system::error_code, std::size_t) {});
                });
            accept();
        });
    }

    asio::io_context io_;
    asio::ip::tcp::acceptor acceptor_;
    std::thread thread_;
    std::mutex mu_;
    std::vector<std::string> lines_;
};

// Sets environment variables for one test and restores them.
class ScopedEnv {
  public:
    void set(const char* name, const std::string& value) {
        const char* old = std::getenv(name);
        saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
        setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() {
        for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
            if (it->second)
                setenv(it->first.c_str(), it->second->c_str(), 1);
            else
                unsetenv(it->first.c_str());
        }
    }

  private:
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// The proxy variables of the environment are honoured: http_proxy for http URLs, HTTPS_PROXY for https ones (a
// CONNECT tunnel), and NO_PROXY lets the listed hosts be reached directly.
TEST_P(HttpClientTest, ProxiesFromTheEnvironmentAreHonoured) {
    RecordingProxy proxy;
    ScopedEnv env;
    const std::string proxy_url = "http://127.0.0.1:" + std::to_string(proxy.port());
    env.set("http_proxy", proxy_url);
    env.set("HTTPS_PROXY", proxy_url);
    env.set("NO_PROXY", "127.0.0.1");
    HttpClient via_env(testing::client_settings(peer, GetParam()));

    auto plain = fetch(get("http://models.example.invalid/v1/models"), &via_env);
    ASSERT_TRUE(plain.ok()) << plain.error().message;
    EXPECT_EQ(plain->body, "via proxy");

    auto tls = fetch(get("https://models.example.invalid/v1/models"), &via_env);
    EXPECT_FALSE(tls.ok());  // the proxy refuses the tunnel

    auto direct = fetch(get(peer.url("/json")), &via_env);  // 127.0.0.1 is in NO_PROXY
    ASSERT_TRUE(direct.ok()) << direct.error().message;
    EXPECT_EQ(direct->body, R"({"ok":true})");

    const auto lines = proxy.lines();
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], "GET http://models.example.invalid/v1/models HTTP/1.1");
    EXPECT_EQ(lines[1], "CONNECT models.example.invalid:443 HTTP/1.1");
}

INSTANTIATE_TEST_SUITE_P(Reactors, HttpClientTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "OnContexts" : "Threaded"; });

}  // namespace
}  // namespace hector::net
