#pragma once

#include <boost/asio/awaitable.hpp>

#include <memory>

#include "hector/auth/authenticator.hpp"
#include "hector/http/cors.hpp"
#include "hector/http/router.hpp"
#include "hector/server/context.hpp"

namespace hector::server {

/// The one path every request takes: X-Request-ID, CORS preflight, drain refusal, principal resolution
/// (context.authenticator), the access gate (admin API, require_auth), routing, CORS decoration and the access
/// log. Errors thrown by handlers are mapped to 500 by the HTTP server.
class Pipeline {
  public:
    Pipeline(Context& context, http::Router router, http::Cors cors);
    boost::asio::awaitable<http::Response> operator()(http::Request& request) const;

  private:
    const auth::Authenticator& authenticator() const;

    Context& context_;
    std::unique_ptr<auth::Authenticator> admin_only_;  // used when the context has no authenticator
    http::Router router_;
    http::Cors cors_;
};

}  // namespace hector::server
