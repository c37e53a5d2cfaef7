#include "hector/net/io.hpp"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>

#include <functional>
#include <future>
#include <set>
#include <thread>

#include "hector/http/server.hpp"
#include "hector/net/http_client.hpp"

namespace hector::net {
namespace {

namespace asio = boost::asio;

std::thread::id thread_of(asio::io_context& io) {
    return asio::post(io, asio::use_future([] { return std::this_thread::get_id(); })).get();
}

TEST(IoRuntime, EachContextHasAThreadOfItsOwn) {
    IoRuntime runtime(3, 1);
    const auto contexts = runtime.contexts();
    ASSERT_EQ(contexts.size(), 3u);
    EXPECT_EQ(contexts.front(), &runtime.io());
    runtime.start();
    std::set<std::thread::id> threads;
    for (auto* io : contexts) {
        // Every handler posted to one context runs on the same thread.
        const auto first = thread_of(*io);
        EXPECT_EQ(thread_of(*io), first);
        EXPECT_NE(first, std::this_thread::get_id());
        threads.insert(first);
    }
    EXPECT_EQ(threads.size(), 3u);
    runtime.stop();
}

TEST(IoRuntime, ContextOfFindsTheContextBehindAnExecutor) {
    asio::io_context a(1), b(1), fallback(1);
    EXPECT_EQ(&context_of(a.get_executor(), fallback), &a);
    EXPECT_EQ(&context_of(asio::make_strand(b), fallback), &b);
    EXPECT_EQ(&context_of(asio::any_io_executor(asio::make_strand(a)), fallback), &a);
    asio::thread_pool pool(1);
    EXPECT_EQ(&context_of(pool.get_executor(), fallback), &fallback);
    pool.join();
}

TEST(IoRuntime, PickerGoesRoundTheContextsAndFallsBackWhenThereAreNone) {
    asio::io_context a(1), b(1), fallback(1);
    ContextPicker picker(fallback, {&a, &b});
    EXPECT_EQ(&picker.next(), &a);
    EXPECT_EQ(&picker.next(), &b);
    EXPECT_EQ(&picker.next(), &a);
    ContextPicker none(fallback, {});
    EXPECT_EQ(&none.next(), &fallback);
    EXPECT_EQ(&none.next(), &fallback);
}

// The HTTP server spreads its connections over the contexts it is given: two connections in a row are served by
// two different I/O threads.
TEST(IoRuntime, ServerSpreadsConnectionsOverTheContexts) {
    IoRuntime runtime(2, 1);
    http::Server server(
        runtime.io(), http::ServerSettings{.host = "127.0.0.1", .port = 0},
        [](http::Request&) -> asio::awaitable<http::Response> {
            co_return http::Response::text(200,
                                           std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id())));
        },
        runtime.contexts());
    auto port = server.listen();
    ASSERT_TRUE(port);
    runtime.start();
    server.start();
    std::set<std::string> served_by;
    {
        HttpClient client;
        for (int i = 0; i < 2; ++i) {
            HttpRequest r;
            r.url = "http://127.0.0.1:" + std::to_string(*port) + "/";
            r.headers = {{"Connection", "close"}};  // a new connection each time
            auto response = run_to_completion(client.request(std::move(r)));
            ASSERT_TRUE(response) << response.error().message;
            ASSERT_EQ(response->status, 200);
            served_by.insert(response->body);
        }
    }
    EXPECT_EQ(served_by.size(), 2u);
    server.stop();
    runtime.stop();
}

}  // namespace
}  // namespace hector::net
