#pragma once

#include <optional>

#include "hector/http/router.hpp"
#include "hector/server/context.hpp"

namespace hector::automation {
class Automation;
}

namespace hector::server {

/// GET /health, /schema, /api/schema.
void add_system_routes(http::Router& router, Context& context);
/// Agent discovery: /.well-known/agent-card.json (and agent.json), /agents, /agents/{name} and its well-known card.
void add_discovery_routes(http::Router& router, Context& context);
/// POST /agents/{name} (JSON-RPC 2.0, SSE for streaming methods) and the REST aliases message:send/stream.
void add_a2a_routes(http::Router& router, Context& context);
/// Webhook triggers (webhook_routes.cpp): /webhooks/{agent} and every custom trigger.path of the default app, all
/// methods (the trigger's `methods` decide, 405 otherwise). `automation` outlives the router.
void add_webhook_routes(http::Router& router, Context& context, automation::Automation& automation);

/// Admin API (server.md §6, §7.3; admin_routes.cpp, admin_sessions.cpp): /admin/apps[/{id}[/token]],
/// /admin/sessions[/{id}], and GET /admin/jwks (always public). Needs context.apps, app_tokens, keys and
/// sessions. The queue's admin routes (/admin/queue/stats, /admin/queue/dlq, /admin/queue/dlq/{id}/requeue)
/// belong to the queue: add them in admin_queue_routes.cpp as `add_admin_queue_routes(router, context)` and call
/// it from app/serve.cpp next to add_admin_routes. access_gate() already protects every /admin/ path.
void add_admin_routes(http::Router& router, Context& context);
/// GET /admin/queue/stats, GET /admin/queue/dlq, POST /admin/queue/dlq/{id}/requeue (server.md §8).
void add_admin_queue_routes(http::Router& router, Context& context);

/// The checks between authentication and routing, in the order server.md §6.2 prescribes: for /admin/* (except
/// /admin/jwks) 404 without an admin secret, 401 without valid credentials, 403 for a valid non-admin caller;
/// elsewhere 401 for anonymous callers where require_auth applies (server.md §3.2). nullopt = route the request.
std::optional<http::Response> access_gate(const Context& context, const http::Request& request);
/// 401 {"error":"Unauthorized"} with WWW-Authenticate: Bearer (server.md §2).
http::Response unauthorized_response();

}  // namespace hector::server
