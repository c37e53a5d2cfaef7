#include <boost/json.hpp>

#include "hector/config/schema.hpp"
#include "hector/server/routes.hpp"

namespace hector::server {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;

void add_system_routes(http::Router& router, Context& ctx) {
    router.add(Method::get, "/health", [&ctx](Request&) -> boost::asio::awaitable<Response> {
        if (ctx.draining()) {
            Response r = Response::json(503, json::object{{"status", "shutting_down"}});
            r.headers.set("Retry-After", "5");
            co_return r;
        }
        // server.md §14.1. This build has no studio, so studio_mode is always false and `studio` never appears;
        // `rag` waits for document stores (RAG) to be served.
        json::object body{{"status", "ok"}, {"version", ctx.options.version}, {"studio_mode", false}};
        if (ctx.auth_active()) {
            json::object auth{{"enabled", true}, {"admin", !ctx.options.admin_secret.empty()}};
            auto app = ctx.registry.get(runtime::kDefaultApp);
            const auto* cfg = app ? &app->config().server.auth : nullptr;
            if (cfg && cfg->enabled && !cfg->jwks_url.empty()) {
                auth["type"] = "jwt";
                auth["issuer"] = cfg->issuer;
                auth["audience"] = cfg->audience;
                if (!cfg->client_id.empty()) auth["client_id"] = cfg->client_id;
            } else {
                auth["type"] = cfg && cfg->enabled && !cfg->api_keys.empty() ? "api_key" : "jwt";
                auth["issuer"] = "hector";
            }
            body["auth"] = std::move(auth);
        }
        if (!ctx.options.admin_secret.empty()) body["admin"] = json::object{{"enabled", true}};
        Response r = Response::json(200, body);
        r.headers.set("Cache-Control", "no-cache");
        co_return r;
    });

    auto schema = [](Request&) -> boost::asio::awaitable<Response> {
        Response r = Response::text(200, config::json_schema_text(true), "application/schema+json");
        r.headers.set("Content-Type", "application/json");
        r.headers.set("Cache-Control", "no-cache");
        co_return r;
    };
    router.add(Method::get, "/schema", schema);
    router.add(Method::get, "/api/schema", schema);
}

}  // namespace hector::server
