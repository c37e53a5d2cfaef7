#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hector/http/message.hpp"

namespace hector::http {

struct CorsSettings {
    std::vector<std::string> allowed_origins{"*"};
    std::vector<std::string> allowed_methods;
    std::vector<std::string> allowed_headers;
    std::vector<std::string> exposed_headers;
    int max_age = 0;
    bool allow_credentials = false;
};

/// CORS (DECISIONS 31). Immutable; safe from any thread.
class Cors {
  public:
    explicit Cors(CorsSettings settings);
    /// A preflight (OPTIONS with Origin and Access-Control-Request-Method) gets its 204 here, without auth.
    std::optional<Response> preflight(const Request& request) const;
    /// Adds Access-Control-* headers to an ordinary response when the origin is allowed.
    void decorate(const Request& request, Response& response) const;

  private:
    /// The value for Access-Control-Allow-Origin, or empty when the origin is not allowed.
    std::string allow_origin(std::string_view origin) const;

    CorsSettings settings_;
    std::string methods_;
    std::string headers_;
    std::string exposed_;
    bool any_origin_ = false;
};

}  // namespace hector::http
