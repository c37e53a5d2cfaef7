#include "hector/http/cors.hpp"

#include "hector/common/strings.hpp"

namespace hector::http {

Cors::Cors(CorsSettings settings) : settings_(std::move(settings)) {
    methods_ = join(settings_.allowed_methods, ", ");
    headers_ = join(settings_.allowed_headers, ", ");
    exposed_ = join(settings_.exposed_headers, ", ");
    for (const auto& o : settings_.allowed_origins) any_origin_ = any_origin_ || o == "*";
}

std::string Cors::allow_origin(std::string_view origin) const {
    if (origin.empty()) return {};
    if (any_origin_) return settings_.allow_credentials ? std::string(origin) : "*";
    for (const auto& o : settings_.allowed_origins)
        if (iequals(o, origin)) return std::string(origin);
    return {};
}

std::optional<Response> Cors::preflight(const Request& request) const {
    if (request.method != Method::options) return std::nullopt;
    auto origin = request.header("Origin");
    if (origin.empty() || !request.headers.has("Access-Control-Request-Method")) return std::nullopt;
    Response r = Response::no_content();
    auto allowed = allow_origin(origin);
    if (!allowed.empty()) {
        r.headers.set("Access-Control-Allow-Origin", allowed);
        r.headers.set("Access-Control-Allow-Methods", methods_);
        r.headers.set("Access-Control-Allow-Headers", headers_);
        if (settings_.max_age > 0) r.headers.set("Access-Control-Max-Age", std::to_string(settings_.max_age));
        if (settings_.allow_credentials) r.headers.set("Access-Control-Allow-Credentials", "true");
    }
    r.headers.set("Vary", "Origin");
    return r;
}

void Cors::decorate(const Request& request, Response& response) const {
    auto allowed = allow_origin(request.header("Origin"));
    if (allowed.empty()) return;
    response.headers.set("Access-Control-Allow-Origin", allowed);
    if (!exposed_.empty()) response.headers.set("Access-Control-Expose-Headers", exposed_);
    if (settings_.allow_credentials) response.headers.set("Access-Control-Allow-Credentials", "true");
    if (allowed != "*") response.headers.set("Vary", "Origin");
}

}  // namespace hector::http
