#include "hector/server/context.hpp"

#include "hector/common/strings.hpp"

namespace hector::server {

namespace {

// A Host value safe to put in a URL: host[:port] characters only.
bool plausible_host(std::string_view h) {
    if (h.empty() || h.size() > 255) return false;
    for (char c : h) {
        bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' ||
                  c == ']' || c == '_';
        if (!ok) return false;
    }
    return true;
}

std::string_view first_value(std::string_view v) {
    auto comma = v.find(',');
    return trim(v.substr(0, comma));
}

}  // namespace

void compute_auth_flags(Options& options, const config::Config& config) {
    const auto& auth = config.server.auth;
    const bool jwks = auth.enabled && !auth.jwks_url.empty() && !auth.issuer.empty() && !auth.audience.empty();
    const bool api_keys = auth.enabled && !auth.api_keys.empty();
    options.auth_active = !options.admin_secret.empty() || api_keys || jwks;
    options.require_auth = auth.enabled && auth.require_auth;
}

std::shared_ptr<const runtime::AppRuntime> Context::app_for(const http::Request& request) const {
    const auto& who = principal_of(request);
    if (who.rejected) return nullptr;
    return registry.get(who.app_id);
}

const auth::Principal& principal_of(const http::Request& request) {
    static const auth::Principal kAnonymous;
    if (const auto* p = std::any_cast<auth::Principal>(&request.principal)) return *p;
    return kAnonymous;
}

tasks::Caller caller_of(const http::Request& request) {
    const auto& p = principal_of(request);
    return tasks::Caller{p.app_id, p.user_id, p.admin()};
}

std::string base_url(const http::Request& request, const Options& options) {
    if (!options.public_url.empty()) {
        std::string url = options.public_url;
        while (!url.empty() && url.back() == '/') url.pop_back();
        return url;
    }
    std::string scheme = "http";
    std::string host(request.header("Host"));
    if (options.proxies.trusted(request.remote_ip)) {
        auto proto = first_value(request.header("X-Forwarded-Proto"));
        if (proto == "https" || proto == "http") scheme = std::string(proto);
        auto fwd_host = first_value(request.header("X-Forwarded-Host"));
        if (plausible_host(fwd_host)) host = std::string(fwd_host);
    }
    if (!plausible_host(host)) host = "localhost";
    return scheme + "://" + host;
}

}  // namespace hector::server
