#pragma once

#include <string>
#include <vector>

namespace hector::auth {

/// Who is calling. Resolved once per request by the auth step of the pipeline (auth::Authenticator).
struct Principal {
    enum class Kind { anonymous, admin, app, user, service };
    Kind kind = Kind::anonymous;
    std::string app_id = "default";  // the tenant the request is scoped to
    std::string user_id = "default";
    std::string role;                // the first of `roles` ("admin" for the admin secret)
    std::vector<std::string> roles;  // an IdP token's `role` / `roles` claims
    /// A credential that names a tenant but no longer counts (an app token of an older token version or of a
    /// deleted app, an IdP token whose tenant_id names no app): app-scoped routes answer 401 (server.md §6.5).
    bool rejected = false;

    bool authenticated() const { return kind != Kind::anonymous && !rejected; }
    bool admin() const { return kind == Kind::admin; }
};

}  // namespace hector::auth
