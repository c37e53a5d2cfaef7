#include "hector/server/pipeline.hpp"

#include <chrono>

#include "hector/common/ids.hpp"
#include "hector/common/logging.hpp"
#include "hector/common/strings.hpp"
#include "hector/server/observe.hpp"
#include "hector/server/rate_limit.hpp"
#include "hector/server/routes.hpp"

namespace hector::server {

using http::Request;
using http::Response;

Pipeline::Pipeline(Context& context, http::Router router, http::Cors cors)
    : context_(context), router_(std::move(router)), cors_(std::move(cors)) {
    if (!context_.authenticator) {
        auth::AuthSettings settings;
        settings.admin_secret = context_.options.admin_secret;
        admin_only_ = std::make_unique<auth::Authenticator>(std::move(settings), nullptr, nullptr, nullptr);
    }
}

const auth::Authenticator& Pipeline::authenticator() const {
    return context_.authenticator ? *context_.authenticator : *admin_only_;
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
        request.principal = co_await authenticator().authenticate(request.header("Authorization"));
        if (auto refusal = access_gate(context_, request))
            response = std::move(*refusal);
        else
            response = co_await router_.dispatch(request);
        if (context_.rate_limit) co_await context_.rate_limit->decorate(request, response);
        cors_.decorate(request, response);
    }
    response.headers.set("X-Request-ID", request.request_id);
    if (context_.metrics) observe_response(*context_.metrics, request, response, started);

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
