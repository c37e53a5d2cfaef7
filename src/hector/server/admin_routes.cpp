// The admin API's app management and JWKS (server.md §6), and the access gate in front of every route.
#include <boost/json.hpp>

#include <fmt/format.h>

#include "hector/auth/app_tokens.hpp"
#include "hector/auth/authenticator.hpp"
#include "hector/auth/key_ring.hpp"
#include "hector/common/error_table.hpp"
#include "hector/common/json.hpp"
#include "hector/common/logging.hpp"
#include "hector/common/strings.hpp"
#include "hector/server/app_directory.hpp"
#include "hector/server/detail/admin_common.hpp"
#include "hector/server/routes.hpp"

namespace hector::server {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;
using Awaitable = boost::asio::awaitable<Response>;

namespace {

constexpr std::size_t kMaxAppName = 256;

bool admin_path(std::string_view path) {
    return path == "/admin" || path.starts_with("/admin/");
}

json::object app_json(const store::AppRecord& r) {
    json::object o;
    o["id"] = r.id;
    o["name"] = r.name;
    o["config_json"] = r.config_json;
    o["created_at"] = format_rfc3339(r.created_at);
    o["updated_at"] = format_rfc3339(r.updated_at);
    return o;
}

Error bad_request(std::string message) {
    return Error{Errc::invalid_argument, std::move(message)};
}

Result<json::object> body_object(const Request& req) {
    auto body = parse_json(req.body);
    if (!body || !body->is_object()) return bad_request("the body must be a JSON object");
    return std::move(body->get_object());
}

/// An optional string member; present with another type is an error naming the field.
Result<std::optional<std::string>> string_member(const json::object& o, std::string_view name,
                                                 std::string_view expected) {
    const auto* v = find(o, name);
    if (!v || v->is_null()) return std::optional<std::string>{};
    if (!v->is_string()) return bad_request(fmt::format("{}: must be {}", name, expected));
    return std::optional<std::string>(std::string(v->get_string()));
}

Result<std::optional<std::string>> name_member(const json::object& o) {
    auto name = string_member(o, "name", "a string");
    if (!name || !*name) return name;
    if (trim(**name).empty()) return bad_request("name: must not be empty");
    if ((*name)->size() > kMaxAppName) return bad_request(fmt::format("name: at most {} characters", kMaxAppName));
    return name;
}

Result<std::optional<std::string>> config_member(const json::object& o) {
    return string_member(o, "config_json", "a string holding a JSON object (the app's config, serialised)");
}

/// {"access_token","token_type":"bearer","issuer":"hector"}, plus `app` when given.
Result<json::object> token_body(const Context& ctx, const store::AppRecord& app) {
    auto token = ctx.app_tokens->issue(app.id, app.token_version);
    if (!token) return std::move(token).error();
    json::object body;
    body["access_token"] = std::move(token).value();
    body["token_type"] = "bearer";
    body["issuer"] = auth::kAppTokenIssuer;
    return body;
}

Awaitable list_apps(Context& ctx) {
    auto apps = co_await ctx.apps->list();
    if (!apps) co_return detail::admin_failure(apps.error());
    json::array items;
    for (const auto& a : *apps) items.push_back(app_json(a));
    json::object body;
    body["apps"] = std::move(items);
    co_return Response::json(200, body);
}

Awaitable create_app(Context& ctx, Request& req) {
    auto body = body_object(req);
    if (!body) co_return detail::admin_failure(body.error());
    auto name = name_member(*body);
    if (!name) co_return detail::admin_failure(name.error());
    if (!*name) co_return detail::admin_failure(bad_request("name: required"));
    auto config = config_member(*body);
    if (!config) co_return detail::admin_failure(config.error());
    std::string config_json = config->value_or("{}");
    auto created = co_await ctx.apps->create(std::move(**name), std::move(config_json));
    if (!created) co_return detail::admin_failure(created.error());
    auto out = token_body(ctx, *created);
    if (!out) co_return detail::admin_failure(out.error());
    json::object response;
    response["app"] = app_json(*created);
    for (auto& kv : *out) response[kv.key()] = std::move(kv.value());
    co_return Response::json(201, response);
}

Awaitable get_app(Context& ctx, Request& req) {
    auto app = co_await ctx.apps->get(std::string(req.param("id")));
    if (!app) co_return detail::admin_failure(app.error());
    co_return Response::json(200, app_json(*app));
}

Awaitable update_app(Context& ctx, Request& req) {
    auto body = body_object(req);
    if (!body) co_return detail::admin_failure(body.error());
    auto name = name_member(*body);
    if (!name) co_return detail::admin_failure(name.error());
    auto config = config_member(*body);
    if (!config) co_return detail::admin_failure(config.error());
    std::string id(req.param("id"));
    if (!*name && !*config) {
        // Nothing to change: answer with the record as it is.
        auto app = co_await ctx.apps->get(std::move(id));
        if (!app) co_return detail::admin_failure(app.error());
        co_return Response::json(200, app_json(*app));
    }
    store::AppUpdate update;
    update.name = std::move(*name);
    update.config_json = std::move(*config);
    auto updated = co_await ctx.apps->update(std::move(id), std::move(update));
    if (!updated) co_return detail::admin_failure(updated.error());
    co_return Response::json(200, app_json(*updated));
}

Awaitable delete_app(Context& ctx, Request& req) {
    auto st = co_await ctx.apps->remove(std::string(req.param("id")));
    if (!st) co_return detail::admin_failure(st.error());
    co_return Response::no_content();
}

Awaitable regenerate_token(Context& ctx, Request& req) {
    auto app = co_await ctx.apps->regenerate_token(std::string(req.param("id")));
    if (!app) co_return detail::admin_failure(app.error());
    auto body = token_body(ctx, *app);
    if (!body) co_return detail::admin_failure(body.error());
    co_return Response::json(200, *body);
}

Awaitable jwks(const Context& ctx) {
    if (!ctx.keys) co_return Response::error(503, "no signing keys are loaded");
    if (auto st = co_await ctx.keys->ensure_loaded(); !st) {
        log::error("auth", "app token signing keys: {}", st.error().message);
        co_return Response::error(503, "the signing keys cannot be read");
    }
    Response r = Response::json(200, ctx.keys->jwks());
    r.headers.set("Cache-Control", "public, max-age=300");
    co_return r;
}

}  // namespace

namespace detail {

Response admin_failure(const Error& error) {
    int status = http_status(error.code);
    if (error.code == Errc::invalid_argument || error.code == Errc::parse_error) status = 400;
    if (error.code == Errc::not_found) status = 404;
    if (status >= 500) log::error("admin", "{}", error.message);
    return Response::error(status, error.message);
}

}  // namespace detail

Response unauthorized_response() {
    Response r = Response::error(401);
    r.headers.set("WWW-Authenticate", "Bearer");
    return r;
}

std::optional<Response> access_gate(const Context& ctx, const Request& req) {
    const auto& who = principal_of(req);
    if (admin_path(req.path)) {
        if (req.path == "/admin/jwks") return std::nullopt;
        if (ctx.options.admin_secret.empty()) return Response::error(404);
        if (who.admin()) return std::nullopt;
        if (who.authenticated()) return Response::error(403);
        return unauthorized_response();
    }
    if (req.method == http::Method::options || who.authenticated()) return std::nullopt;
    if (ctx.authenticator && ctx.authenticator->anonymous_refused(req.path)) return unauthorized_response();
    return std::nullopt;
}

void add_admin_routes(http::Router& router, Context& ctx) {
    router.add(Method::get, "/admin/jwks", [&ctx](Request&) -> Awaitable { co_return co_await jwks(ctx); });
    if (ctx.options.admin_secret.empty() || !ctx.apps || !ctx.app_tokens) return;  // the API does not exist
    router.add(Method::get, "/admin/apps", [&ctx](Request&) -> Awaitable { co_return co_await list_apps(ctx); });
    router.add(Method::post, "/admin/apps",
               [&ctx](Request& req) -> Awaitable { co_return co_await create_app(ctx, req); });
    router.add(Method::get, "/admin/apps/{id}",
               [&ctx](Request& req) -> Awaitable { co_return co_await get_app(ctx, req); });
    router.add(Method::put, "/admin/apps/{id}",
               [&ctx](Request& req) -> Awaitable { co_return co_await update_app(ctx, req); });
    router.add(Method::delete_, "/admin/apps/{id}",
               [&ctx](Request& req) -> Awaitable { co_return co_await delete_app(ctx, req); });
    router.add(Method::post, "/admin/apps/{id}/token",
               [&ctx](Request& req) -> Awaitable { co_return co_await regenerate_token(ctx, req); });
    if (ctx.sessions) detail::add_admin_session_routes(router, ctx);
}

}  // namespace hector::server
