#pragma once

#include "hector/http/router.hpp"
#include "hector/server/context.hpp"

namespace hector::server {

/// GET /health, /schema, /api/schema.
void add_system_routes(http::Router& router, Context& context);
/// Agent discovery: /.well-known/agent-card.json (and agent.json), /agents, /agents/{name} and its well-known card.
void add_discovery_routes(http::Router& router, Context& context);
/// POST /agents/{name} (JSON-RPC 2.0, SSE for streaming methods) and the REST aliases message:send/stream.
void add_a2a_routes(http::Router& router, Context& context);

}  // namespace hector::server
