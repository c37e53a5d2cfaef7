#include <boost/json.hpp>

#include "hector/auth/visibility.hpp"
#include "hector/server/cards.hpp"
#include "hector/server/routes.hpp"

namespace hector::server {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;
using Awaitable = boost::asio::awaitable<Response>;

namespace {

Response card_response(const json::object& card) {
    Response r = Response::json(200, card);
    r.headers.set("Cache-Control", "no-cache");
    return r;
}

Response unauthorized() {
    Response r = Response::error(401);
    r.headers.set("WWW-Authenticate", "Bearer");
    return r;
}

// GET /agents/{name} and /agents/{name}/.well-known/agent-card.json.
Awaitable agent_card_route(Context& ctx, Request& req) {
    auto app = ctx.app_for(req);
    if (!app) co_return unauthorized();
    auto id = std::string(req.param("name"));
    const auto* agent = app->agent(id);
    if (!agent) co_return Response::error(404);
    switch (auth::card_access(agent->visibility, principal_of(req), ctx.auth_active())) {
        case auth::Access::not_found:
            co_return Response::error(404);
        case auth::Access::unauthorized:
            co_return unauthorized();
        case auth::Access::allowed:
            break;
    }
    co_return card_response(agent_card(id, *agent, base_url(req, ctx.options), ctx.auth_active()));
}

}  // namespace

void add_discovery_routes(http::Router& router, Context& ctx) {
    auto well_known = [&ctx](Request& req) -> Awaitable {
        auto app = ctx.app_for(req);
        if (!app) co_return unauthorized();
        // The first non-private agent the caller may see, in file order.
        const auto& who = principal_of(req);
        for (const auto& [id, agent] : app->config().agents) {
            if (agent.visibility == "private") continue;
            if (auth::card_access(agent.visibility, who, ctx.auth_active()) != auth::Access::allowed) continue;
            co_return card_response(agent_card(id, agent, base_url(req, ctx.options), ctx.auth_active()));
        }
        co_return Response::error(404, "no public agent is configured");
    };
    router.add(Method::get, "/.well-known/agent-card.json", well_known);
    router.add(Method::get, "/.well-known/agent.json", well_known);

    router.add(Method::get, "/agents", [&ctx](Request& req) -> Awaitable {
        auto app = ctx.app_for(req);
        if (!app) co_return unauthorized();
        const auto& who = principal_of(req);
        const auto base = base_url(req, ctx.options);
        json::array cards;
        for (const auto& [id, agent] : app->config().agents) {
            if (!auth::listed(agent.visibility, who, ctx.auth_active())) continue;
            cards.push_back(agent_card(id, agent, base, ctx.auth_active()));
        }
        json::object body{{"total", cards.size()}};
        body["agents"] = std::move(cards);
        co_return Response::json(200, body);
    });

    auto card = [&ctx](Request& req) -> Awaitable { co_return co_await agent_card_route(ctx, req); };
    router.add(Method::get, "/agents/{name}", card);
    router.add(Method::get, "/agents/{name}/.well-known/agent-card.json", card);
    router.add(Method::get, "/agents/{name}/.well-known/agent.json", card);
}

}  // namespace hector::server
