#pragma once

#include <string>

namespace hector::auth {

/// Who is calling. Resolved once per request by the auth step of the pipeline.
struct Principal {
    enum class Kind { anonymous, admin, app, user, service };
    Kind kind = Kind::anonymous;
    std::string app_id = "default";  // the tenant the request is scoped to
    std::string user_id = "default";
    std::string role;

    bool authenticated() const { return kind != Kind::anonymous; }
    bool admin() const { return kind == Kind::admin; }
};

}  // namespace hector::auth
