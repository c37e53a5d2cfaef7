// Hostile and broken HTTP: the server answers with a clear error (or closes) and keeps serving afterwards.
#include <gtest/gtest.h>

#include <thread>

#include "support/http_client.hpp"
#include "support/process.hpp"

namespace hector::test {
namespace {

constexpr const char* kConfig = R"(
llms: {default: {provider: echo}}
agents: {assistant: {}}
server:
  limits:
    max_body_bytes: 1024
    max_header_bytes: 2048
    read_timeout: 1s
    idle_timeout: 2s
)";

class HostileHttp : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { server_ = new HectorServer({.config_yaml = kConfig}); }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }
    static int port() { return server_->port(); }
    static void expect_still_serving() { EXPECT_EQ(get(port(), "/health").status, 200); }
    static HectorServer* server_;
};
HectorServer* HostileHttp::server_ = nullptr;

HttpResponse send_raw(int port, const std::string& bytes) {
    Connection c(port, std::chrono::seconds(5));
    c.send(bytes);
    return c.read_response();
}

TEST_F(HostileHttp, MalformedRequestLines) {
    for (std::string bad :
         {std::string("GARBAGE\r\n\r\n"), std::string("GET\r\n\r\n"), std::string("GET / HTTP/9.9\r\n\r\n"),
          std::string("GET /health HTTP/1.1\r\nNoColon\r\n\r\n"),
          std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)}) {
        auto r = send_raw(port(), bad);
        EXPECT_TRUE(r.status == 400 || r.status == 0) << r.status;
        if (r.status == 400) {
            EXPECT_NE(r.body.find("\"error\":\"Bad Request\""), std::string::npos);
        }
    }
    expect_still_serving();
}

TEST_F(HostileHttp, OversizedHeadersAre431) {
    auto r = get(port(), "/health", {{"X-Big", std::string(4096, 'x')}});
    EXPECT_EQ(r.status, 431);
    expect_still_serving();
}

TEST_F(HostileHttp, OversizedBodiesAre413) {
    auto r = post_json(port(), "/agents/assistant", std::string(4096, ' ') + "{}");
    EXPECT_EQ(r.status, 413);
    EXPECT_NE(r.body.find("Payload Too Large"), std::string::npos);
    // A chunked body that grows past the limit is refused too.
    Connection c(port());
    c.send("POST /agents/assistant HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    std::string chunk = std::string(800, 'a');
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    c.send(size + chunk + "\r\n");
    c.send(size + chunk + "\r\n");
    EXPECT_EQ(c.read_response().status, 413);
    expect_still_serving();
}

TEST_F(HostileHttp, SlowClientsAreCutOffAtTheReadTimeout) {
    Connection c(port(), std::chrono::seconds(5));
    ASSERT_TRUE(c.send("GET /health HTTP/1.1\r\nHost: x\r\n"));  // headers never finish
    auto started = std::chrono::steady_clock::now();
    auto r = c.read_response();
    auto waited = std::chrono::steady_clock::now() - started;
    EXPECT_TRUE(r.status == 408 || r.status == 0) << r.status;
    EXPECT_LT(waited, std::chrono::seconds(4));
    expect_still_serving();
}

TEST_F(HostileHttp, IdleKeepAliveConnectionsAreClosed) {
    Connection c(port(), std::chrono::seconds(6));
    ASSERT_TRUE(c.send(format_request("GET", "/health", "", {})));
    EXPECT_EQ(c.read_response().status, 200);
    EXPECT_TRUE(c.closed_by_peer());  // after idle_timeout (2 s), well before the client's 6 s
}

TEST_F(HostileHttp, ManySimultaneousConnections) {
    std::vector<std::unique_ptr<Connection>> conns;
    for (int i = 0; i < 200; ++i) conns.push_back(std::make_unique<Connection>(port()));
    int ok = 0;
    for (auto& c : conns) {
        if (c->send(format_request("GET", "/health", "", {})) && c->read_response().status == 200) ++ok;
    }
    EXPECT_EQ(ok, 200);
    expect_still_serving();
}

TEST_F(HostileHttp, InvalidUtf8AndControlBytesInTargets) {
    EXPECT_EQ(send_raw(port(), "GET /agents/\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status, 404);
    auto r = send_raw(port(), "GET /agents/a\x01 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_TRUE(r.status == 400 || r.status == 404) << r.status;
    EXPECT_EQ(get(port(), "/agents/" + std::string(5000, 'a')).status, 431);  // the request line counts too
    expect_still_serving();
}

// Requests arrive whole, several in one segment, or a byte at a time: each is answered once, in order.
TEST_F(HostileHttp, PipelinedAndDribbledRequestsAreAnsweredInOrder) {
    {
        Connection c(port());
        ASSERT_TRUE(
            c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
                   "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                   "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
                   "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        EXPECT_EQ(c.read_response().status, 200);
        EXPECT_EQ(c.read_response().status, 404);
        EXPECT_EQ(c.read_response().status, 405);
        EXPECT_EQ(c.read_response().status, 200);
    }
    {
        Connection c(port());
        const std::string request = "POST /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
        for (char ch : request) ASSERT_TRUE(c.send(std::string(1, ch)));
        EXPECT_EQ(c.read_response().status, 404);
        ASSERT_TRUE(c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));  // the connection is still usable
        EXPECT_EQ(c.read_response().status, 200);
    }
    // A pipelined request that is malformed after a good one: the good one is answered, then a 400.
    Connection c(port());
    ASSERT_TRUE(c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\nBROKEN\r\n\r\n"));
    EXPECT_EQ(c.read_response().status, 200);
    EXPECT_EQ(c.read_response().status, 400);
    expect_still_serving();
}

TEST_F(HostileHttp, ExpectContinueIsHonoured) {
    Connection c(port());
    ASSERT_TRUE(c.send("POST /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n"));
    auto interim = c.read_headers();
    EXPECT_EQ(interim.status, 100);
    ASSERT_TRUE(c.send("{}"));
    EXPECT_EQ(c.read_response().status, 404);
}

// A stream whose client stops reading: once the socket is full, a write waits at most write_timeout and the
// connection is dropped (the open-streams gauge falls back), while the server goes on serving everyone else.
TEST(HostileStreams, AStreamWhoseClientStopsReadingIsDroppedAtTheWriteTimeout) {
    HectorServer server({.config_yaml = R"(
llms: {default: {provider: echo}}
agents: {assistant: {}}
storage: {tasks: {backend: inmemory}, sessions: {backend: inmemory}}
server:
  limits: {write_timeout: 500ms}
observability: {metrics: {enabled: true}}
)"});
    auto open_streams = [&] {
        const auto text = get(server.port(), "/metrics").body;
        const auto at = text.find("\nhector_open_streams ");
        return at == std::string::npos ? -1 : std::atoi(text.c_str() + at + 21);
    };
    // Echoed back in chunks after a snapshot that carries it too: far more than the sockets buffer.
    const std::string text(6 * 1024 * 1024, 'x');
    const std::string body = R"({"jsonrpc":"2.0","id":1,"method":"message/stream","params":{"message":{"role":"user",)"
                             R"("messageId":"m1","parts":[{"kind":"text","text":")" +
                             text + R"("}]}}})";
    Connection c(server.port(), std::chrono::seconds(60));  // never reads
    ASSERT_TRUE(c.send(format_request("POST", "/agents/assistant", body, {{"Content-Type", "application/json"}})));
    bool seen = false, dropped = false;
    for (int i = 0; i < 300 && !dropped; ++i) {
        const int n = open_streams();
        seen = seen || n == 1;
        dropped = seen && n == 0;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_TRUE(seen) << "the stream never opened";
    EXPECT_TRUE(dropped) << "the stream was still open after 15 s";
    EXPECT_EQ(get(server.port(), "/health").status, 200);
    // Cut off, not finished: what the sockets held ends before the final event.
    ASSERT_EQ(c.read_headers().status, 200);
    bool final_seen = false;
    while (auto line = c.read_line()) final_seen = final_seen || line->find("\"final\":true") != std::string::npos;
    EXPECT_FALSE(final_seen);
    EXPECT_TRUE(c.closed_by_peer());
}

}  // namespace
}  // namespace hector::test
