#pragma once

#include "hector/common/result.hpp"
#include "hector/http/message.hpp"
#include "hector/http/router.hpp"
#include "hector/server/context.hpp"

/// What the admin route files share.
namespace hector::server::detail {

/// The HTTP answer for an admin operation's error: 400 for bad input, 404 for unknown ids, the error table's
/// status otherwise; {"error": <reason phrase>, "message": <what was wrong>}.
http::Response admin_failure(const Error& error);

/// GET /admin/sessions, GET and DELETE /admin/sessions/{id} (admin_sessions.cpp).
void add_admin_session_routes(http::Router& router, Context& context);

}  // namespace hector::server::detail
