#pragma once

#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>

#include "hector/auth/app_tokens.hpp"
#include "hector/auth/authenticator.hpp"
#include "hector/auth/external_jwt.hpp"
#include "hector/auth/key_ring.hpp"
#include "hector/common/result.hpp"
#include "hector/config/model.hpp"
#include "hector/runtime/app_runtime.hpp"
#include "hector/server/app_directory.hpp"
#include "hector/server/context.hpp"
#include "hector/store/factory.hpp"

namespace hector::net {
class HttpClient;
}

namespace hector::app {

struct TenancyDeps {
    std::shared_ptr<const config::Config> config;  // CLI overrides applied
    std::string admin_secret;
    store::Stores& stores;
    runtime::Registry& registry;
    runtime::BuildDeps build_deps;
    net::HttpClient& http;
};

/// Authentication and multi-tenancy for `serve` (server.md §3, §6): the signing keys and app tokens, the
/// identity provider's JWKS, the authenticator, and the dynamic apps loaded from the store into the registry.
/// Owned by the composition root; outlives the HTTP server.
class Tenancy {
  public:
    /// Blocking (reads and, on first start, creates the signing key; builds every stored app): call at start-up
    /// before the I/O threads run.
    static Result<std::unique_ptr<Tenancy>> create(TenancyDeps deps);
    ~Tenancy();

    /// Points the context at the authenticator, apps, tokens, keys and sessions.
    void attach(server::Context& context);
    /// Starts polling the app store (other instances' changes) and warms the JWKS cache on `io`.
    void start(boost::asio::io_context& io);
    void stop();

    server::AppDirectory& apps() { return *apps_; }

  private:
    explicit Tenancy(TenancyDeps deps);

    TenancyDeps deps_;
    std::unique_ptr<auth::KeyRing> keys_;
    std::unique_ptr<auth::AppTokens> tokens_;
    std::unique_ptr<auth::ExternalJwtVerifier> external_;
    std::unique_ptr<server::AppDirectory> apps_;
    std::unique_ptr<auth::Authenticator> authenticator_;
};

}  // namespace hector::app
