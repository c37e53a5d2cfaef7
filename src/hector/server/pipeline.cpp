#include "hector/server/pipeline.hpp"

#include <chrono>

#include "hector/auth/visibility.hpp"
#include "hector/common/ids.hpp"
#include "hector/common/logging.hpp"
#include "hector/common/strings.hpp"

namespace hector::server {

using http::Request;
using http::Response;

Pipeline::Pipeline(Context& context, http::Router router, http::Cors cors)
    : context_(context), router_(std::move(router)), cors_(std::move(cors)) {}

auth::Principal Pipeline::resolve_principal(const Request& request) const {
    auth::Principal who;
    auto header = request.header("Authorization");
    if (header.size() > 7 && iequals(header.substr(0, 7), "Bearer ")) {
        auto token = trim(header.substr(7));
        if (!context_.options.admin_secret.empty() && auth::secrets_equal(token, context_.options.admin_secret)) {
            who.kind = auth::Principal::Kind::admin;
            who.role = "admin";
        }
    }
    return who;
}

boost::asio::awaitable<Response> Pipeline::operator()(Request& request) const {
    const auto started = std::chrono::steady_clock::now();
    auto incoming_id = request.header("X-Request-ID");
    request.request_id = is_printable_ascii_id(incoming_id, 256) ? std::string(incoming_id) : new_fast_uuid();

    Response response;
    if (auto preflight = cors_.preflight(request)) {
        response = std::move(*preflight);
    } else if (context_.draining() && request.path != "/health") {
        response = Response::error(503, "the server is shutting down");
        response.headers.set("Retry-After", "5");
        response.close = true;
    } else {
        request.principal = resolve_principal(request);
        response = co_await router_.dispatch(request);
        cors_.decorate(request, response);
    }
    response.headers.set("X-Request-ID", request.request_id);

    if (log::enabled(log::Level::debug) || response.status >= 500) {
        auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        auto level = response.status >= 500 ? log::Level::warn : log::Level::debug;
        log::write(level, {"http", request.request_id},
                   fmt::format("{} {} {} {:.2f}ms{}", request.method_text, request.path, response.status, ms,
                               response.stream ? " (stream)" : ""));
    }
    co_return response;
}

}  // namespace hector::server
