#include <gtest/gtest.h>

#include <cstdlib>
#include <mutex>

#include "hector/http/router.hpp"
#include "hector/http/server.hpp"
#include "hector/net/http_client.hpp"
#include "hector/tools/detail/html_text.hpp"
#include "unit/tools/tool_harness.hpp"

namespace hector::tools::testing {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using http::Method;
using http::Request;
using http::Response;

constexpr std::string_view kPage = R"(<!DOCTYPE html>
<html><head><title>Test page</title><style>body { color: red; }</style>
<script>var secret = "do not show";</script></head>
<body><h1>Hello &amp; welcome</h1><p>First   paragraph
with <b>bold</b> text.</p><ul><li>one</li><li>two &lt;2&gt;</li></ul><!-- a comment -->
<div>caf&eacute; &#8364; &#x263A;</div></body></html>)";

/// What the fake Tavily endpoint saw.
struct Seen {
    std::mutex mu;
    std::string tavily_body;
    std::string tavily_auth;
};

/// Our HTTP server on 127.0.0.1:<ephemeral> with the routes these tests need.
class LocalServer {
  public:
    LocalServer() : runtime_(2, 1), seen_(std::make_shared<Seen>()) {
        auto router = std::make_shared<http::Router>();
        router->add(Method::get, "/page", [](Request&) -> asio::awaitable<Response> {
            co_return Response::text(200, std::string(kPage), "text/html; charset=utf-8");
        });
        router->add(Method::get, "/redirect", [](Request&) -> asio::awaitable<Response> {
            Response r = Response::text(302, "moved");
            r.headers.set("Location", "/page");
            co_return r;
        });
        router->add(Method::get, "/binary", [](Request&) -> asio::awaitable<Response> {
            co_return Response::text(200, std::string("\x89PNG\r\n\x1a\n\0\0", 10), "image/png");
        });
        router->add(Method::get, "/missing",
                    [](Request&) -> asio::awaitable<Response> { co_return Response::text(404, "no such page"); });
        router->add(Method::get, "/big", [](Request&) -> asio::awaitable<Response> {
            co_return Response::text(200, std::string(6 * 1024 * 1024, 'x'));
        });
        auto echo = [](Request& req) -> asio::awaitable<Response> {
            json::object headers;
            for (const auto& [name, value] : req.headers.items()) headers[to_lower(name)] = value;
            json::object o{{"method", req.method_text}, {"headers", headers}, {"body", req.body}};
            Response r = Response::json(201, o);
            r.headers.set("X-Reply", "yes");
            co_return r;
        };
        for (Method m : {Method::get, Method::post, Method::put, Method::delete_}) router->add(m, "/echo", echo);
        router->add(Method::post, "/tavily", [seen = seen_](Request& req) -> asio::awaitable<Response> {
            {
                std::lock_guard lock(seen->mu);
                seen->tavily_body = req.body;
                seen->tavily_auth = std::string(req.header("Authorization"));
            }
            auto body = json::parse(req.body).as_object();
            if (body.at("api_key") != "tvly-test-key")
                co_return Response::json(401, json::object{{"detail", "bad key tvly-test-key"}});
            json::array results;
            for (std::int64_t i = 0; i < body.at("max_results").as_int64(); ++i)
                results.push_back(json::object{{"title", "Result " + std::to_string(i)},
                                               {"url", "https://example.com/" + std::to_string(i)},
                                               {"content", "About " + std::string(body.at("query").as_string())},
                                               {"score", 0.9},
                                               {"raw_content", nullptr}});
            co_return Response::json(
                200, json::object{
                         {"query", body.at("query")}, {"answer", "42"}, {"results", results}, {"response_time", 0.5}});
        });
        http::ServerSettings settings;
        settings.host = "127.0.0.1";
        settings.port = 0;
        server_ = std::make_unique<http::Server>(runtime_.io(), settings,
                                                 [router](Request& req) { return router->dispatch(req); });
        auto port = server_->listen();
        if (!port) throw std::runtime_error(port.error().message);
        port_ = *port;
        server_->start();
        runtime_.start();
    }
    ~LocalServer() {
        server_->stop();
        eventually([&] { return server_->active_requests() == 0; }, 3s);
        runtime_.stop();
        server_.reset();
    }
    std::string url(std::string_view path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
    }
    Seen& seen() { return *seen_; }

  private:
    static std::string to_lower(std::string s) {
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    }
    net::IoRuntime runtime_;
    std::shared_ptr<Seen> seen_;
    std::unique_ptr<http::Server> server_;
    std::uint16_t port_ = 0;
};

class WebToolsTest : public ::testing::Test {
  protected:
    ToolContext context(bool allow_private) {
        ToolContext ctx = harness.context();
        ctx.http = &client;
        ctx.allow_private_networks = allow_private;
        return ctx;
    }
    ToolResult call(Tool& tool, json::object args, bool allow_private = true) {
        ToolContext ctx = context(allow_private);
        return harness.call(tool, args, ctx);
    }

    LocalServer server;
    net::HttpClient client;  // allow_private_networks off: only the context decides
    Harness harness;
    TempDir dir;
};

TEST_F(WebToolsTest, FetchTurnsHtmlIntoText) {
    auto tool = make("web_fetch", config_in(dir.path()));
    EXPECT_FALSE(tool->approval_by_default());
    auto r = call(*tool, {{"url", server.url("/page")}});
    ASSERT_FALSE(r.is_error) << r.content;
    auto o = parse_object(r.content);
    EXPECT_EQ(o.at("url").as_string(), server.url("/page"));
    EXPECT_EQ(o.at("status"), 200);
    const std::string text(o.at("content").as_string());
    EXPECT_EQ(text,
              "Test page\n\nHello & welcome\n\nFirst paragraph with bold text.\n\n- one\n- two <2>\n\n"
              "caf\xC3\xA9 \xE2\x82\xAC \xE2\x98\xBA");
    EXPECT_EQ(text.find("secret"), std::string::npos);
    EXPECT_EQ(text.find("color"), std::string::npos);
}

TEST_F(WebToolsTest, FetchIsRefusedOnLoopbackUnlessPrivateNetworksAreAllowed) {
    auto tool = make("web_fetch", config_in(dir.path()));
    auto refused = call(*tool, {{"url", server.url("/page")}}, false);
    EXPECT_TRUE(refused.is_error);
    EXPECT_NE(refused.content.find("not allowed"), std::string::npos) << refused.content;
    auto allowed = call(*tool, {{"url", server.url("/page")}}, true);
    EXPECT_FALSE(allowed.is_error) << allowed.content;
}

TEST_F(WebToolsTest, FetchFollowsRedirectsAndReportsOtherCases) {
    auto tool = make("web_fetch", config_in(dir.path()));
    auto redirected = call(*tool, {{"url", server.url("/redirect")}});
    ASSERT_FALSE(redirected.is_error) << redirected.content;
    EXPECT_NE(parse_object(redirected.content).at("content").as_string().find("Hello & welcome"), std::string::npos);
    auto binary = call(*tool, {{"url", server.url("/binary")}});
    EXPECT_EQ(parse_object(binary.content).at("content"), "[binary content (image/png), 10 bytes, not shown]");
    auto missing = call(*tool, {{"url", server.url("/missing")}});
    EXPECT_TRUE(missing.is_error);
    EXPECT_EQ(parse_object(missing.content).at("status"), 404);
    auto big = call(*tool, {{"url", server.url("/big")}});
    EXPECT_TRUE(big.is_error);
    EXPECT_NE(big.content.find("larger than"), std::string::npos) << big.content;
    for (const char* url : {"file:///etc/passwd", "ftp://example.com/x", "http://", "not a url"}) {
        auto r = call(*tool, {{"url", url}});
        EXPECT_TRUE(r.is_error) << url;
    }
    auto wrong = call(*tool, {{"url", 7}});
    EXPECT_TRUE(wrong.is_error);
    EXPECT_NE(wrong.content.find("\"url\" must be a string"), std::string::npos);
}

TEST_F(WebToolsTest, FetchContentIsTruncatedToTheOutputLimit) {
    auto tool = make("web_fetch", config_in(dir.path()));
    ToolContext ctx = context(true);
    ctx.max_output_bytes = 10;
    auto r = harness.call(*tool, json::object{{"url", server.url("/page")}}, ctx);
    ASSERT_FALSE(r.is_error);
    EXPECT_EQ(std::string(parse_object(r.content).at("content").as_string()).substr(0, 23), "Test page\n…[truncated");
}

TEST_F(WebToolsTest, RequestSendsMethodHeadersAndBody) {
    auto tool = make("web_request", config_in(dir.path()));
    EXPECT_TRUE(tool->approval_by_default());
    auto r = call(
        *tool,
        {{"method", "put"}, {"url", server.url("/echo")}, {"headers", {{"X-Custom", "abc"}}}, {"body", {{"k", 1}}}});
    ASSERT_FALSE(r.is_error) << r.content;
    auto o = parse_object(r.content);
    EXPECT_EQ(o.at("status"), 201);
    EXPECT_EQ(o.at("headers").at("x-reply"), "yes");
    auto echoed = parse_object(std::string(o.at("body").as_string()));
    EXPECT_EQ(echoed.at("method"), "PUT");
    EXPECT_EQ(echoed.at("headers").at("x-custom"), "abc");
    EXPECT_EQ(echoed.at("headers").at("content-type"), "application/json");
    EXPECT_EQ(echoed.at("body"), "{\"k\":1}");

    auto refused = call(*tool, {{"url", server.url("/echo")}}, false);
    EXPECT_TRUE(refused.is_error);
    EXPECT_NE(refused.content.find("not allowed"), std::string::npos);
    auto bad_method = call(*tool, {{"method", "TRACE"}, {"url", server.url("/echo")}});
    EXPECT_TRUE(bad_method.is_error);
    auto bad_header = call(*tool, {{"url", server.url("/echo")}, {"headers", {{"X-A", 1}}}});
    EXPECT_TRUE(bad_header.is_error);
    auto injected = call(*tool, {{"url", server.url("/echo")}, {"headers", {{"X-A", "a\r\nX-B: b"}}}});
    EXPECT_TRUE(injected.is_error);
    auto headers_type = call(*tool, {{"url", server.url("/echo")}, {"headers", "X-A: 1"}});
    EXPECT_TRUE(headers_type.is_error);
    EXPECT_NE(headers_type.content.find("\"headers\" must be an object"), std::string::npos);
}

class WebSearchTest : public WebToolsTest {
  protected:
    void SetUp() override { ::setenv("TAVILY_API_KEY", "tvly-test-key", 1); }
    void TearDown() override { ::unsetenv("TAVILY_API_KEY"); }
    std::unique_ptr<Tool> search_tool() {
        auto c = config_in(dir.path());
        c.url = server.url("/tavily");
        return make("web_search", c);
    }
};

TEST_F(WebSearchTest, QueriesTavilyAndSummarisesTheResults) {
    auto tool = search_tool();
    EXPECT_FALSE(tool->approval_by_default());
    auto r = call(*tool, {{"query", "meaning of life"}, {"max_results", 2}}, false);  // config URLs are trusted
    ASSERT_FALSE(r.is_error) << r.content;
    auto o = parse_object(r.content);
    EXPECT_EQ(o.at("query"), "meaning of life");
    EXPECT_EQ(o.at("answer"), "42");
    ASSERT_EQ(o.at("results").as_array().size(), 2u);
    EXPECT_EQ(o.at("results").at(1).at("url"), "https://example.com/1");
    EXPECT_EQ(o.at("results").at(0).at("content"), "About meaning of life");
    EXPECT_FALSE(o.at("results").at(0).as_object().contains("raw_content"));
    std::lock_guard lock(server.seen().mu);
    auto sent = parse_object(server.seen().tavily_body);
    EXPECT_EQ(sent.at("api_key"), "tvly-test-key");
    EXPECT_EQ(sent.at("query"), "meaning of life");
    EXPECT_EQ(sent.at("max_results"), 2);
    EXPECT_EQ(server.seen().tavily_auth, "Bearer tvly-test-key");
}

TEST_F(WebSearchTest, MissingKeyIsAClearErrorAndRejectedKeysAreNotEchoed) {
    auto tool = search_tool();
    ::unsetenv("TAVILY_API_KEY");
    auto missing = call(*tool, {{"query", "x"}});
    EXPECT_TRUE(missing.is_error);
    EXPECT_NE(missing.content.find("TAVILY_API_KEY"), std::string::npos);
    {
        std::lock_guard lock(server.seen().mu);
        EXPECT_TRUE(server.seen().tavily_body.empty());  // nothing was sent
    }
    ::setenv("TAVILY_API_KEY", "tvly-wrong", 1);
    auto rejected = call(*tool, {{"query", "x"}});
    EXPECT_TRUE(rejected.is_error);
    EXPECT_NE(rejected.content.find("401"), std::string::npos) << rejected.content;
    auto empty = call(*tool, {{"query", ""}});
    EXPECT_TRUE(empty.is_error);
    auto wrong = call(*tool, {{"query", "x"}, {"max_results", "many"}});
    EXPECT_TRUE(wrong.is_error);
    EXPECT_NE(wrong.content.find("\"max_results\""), std::string::npos);
}

TEST(HtmlToText, DropsMarkupAndDecodesEntities) {
    EXPECT_EQ(detail::html_to_text("<p>a</p><p>b</p>"), "a\n\nb");
    EXPECT_EQ(detail::html_to_text("x<br>y<br/>z"), "x\ny\nz");
    EXPECT_EQ(detail::html_to_text("<pre>  keep\n   spaces</pre>after"), "  keep\n   spaces\n\nafter");
    EXPECT_EQ(detail::html_to_text("<SCRIPT type='x'>if (a < b) {}</script >ok"), "ok");
    EXPECT_EQ(detail::html_to_text("<a href=\"x>y\">link</a> &unknown; &#0; 1 < 2"),
              "link &unknown; \xEF\xBF\xBD 1 < 2");
    EXPECT_EQ(detail::html_to_text("<td>a</td><td>b</td>"), "a b");
    EXPECT_EQ(detail::html_to_text("unterminated <b"), "unterminated");
}

}  // namespace
}  // namespace hector::tools::testing
