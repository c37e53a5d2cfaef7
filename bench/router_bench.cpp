// Micro-benchmarks of per-request work outside the socket: routing and agent-card building.
#include <benchmark/benchmark.h>

#include <boost/json/serialize.hpp>

#include "hector/http/router.hpp"
#include "hector/server/cards.hpp"

namespace {

using namespace hector;

http::Router make_router() {
    http::Router r;
    auto h = [](http::Request&) -> boost::asio::awaitable<http::Response> { co_return http::Response{}; };
    for (auto p : {"/health", "/schema", "/api/schema", "/agents", "/.well-known/agent-card.json",
                   "/.well-known/agent.json", "/agents/{name}", "/agents/{name}/.well-known/agent-card.json",
                   "/agents/{name}/message:send", "/agents/{name}/message:stream", "/admin/apps", "/admin/apps/{id}",
                   "/admin/apps/{id}/token", "/admin/sessions", "/admin/sessions/{id}",
                   "/tasks/{task}/toolCalls/{call}/cancel", "/api/tasks/{task}/toolCalls/{call}/cancel"})
        r.add(http::Method::get, p, h);
    return r;
}

void BM_RouteMatch(benchmark::State& state) {
    auto router = make_router();
    for (auto _ : state) {
        auto m = router.match(http::Method::get, "/agents/assistant/.well-known/agent-card.json");
        benchmark::DoNotOptimize(m.handler);
    }
}
BENCHMARK(BM_RouteMatch);

void BM_AgentCard(benchmark::State& state) {
    config::AgentConfig agent;
    agent.name = "assistant";
    agent.description = "A helpful assistant";
    agent.version = "1.0.0";
    for (auto _ : state) {
        auto card = server::agent_card("assistant", agent, "http://localhost:8080", false);
        auto text = boost::json::serialize(card);
        benchmark::DoNotOptimize(text);
    }
}
BENCHMARK(BM_AgentCard);

}  // namespace

BENCHMARK_MAIN();
