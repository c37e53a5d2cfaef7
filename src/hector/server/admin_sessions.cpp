// The admin session API (server.md §7.3): listing with tamper-evident page tokens, one session with its newest
// events, deletion.
#include <boost/json.hpp>

#include <charconv>

#include <fmt/format.h>

#include "hector/auth/page_token.hpp"
#include "hector/common/json.hpp"
#include "hector/server/detail/admin_common.hpp"
#include "hector/store/session_store.hpp"

namespace hector::server::detail {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;
using Awaitable = boost::asio::awaitable<Response>;

namespace {

constexpr std::int64_t kDefaultPageSize = 50;
constexpr std::int64_t kMaxPageSize = 100;
constexpr std::int64_t kDefaultEventLimit = 100;
constexpr std::int64_t kMaxEventLimit = 1000;
constexpr std::string_view kPageTokenPurpose = "hector admin sessions page token v1";

Error bad_request(std::string message) {
    return Error{Errc::invalid_argument, std::move(message)};
}

std::string query_or(const Request& req, std::string_view name, std::string_view fallback) {
    auto v = req.query_param(name);
    return v && !v->empty() ? std::move(*v) : std::string(fallback);
}

/// A count parameter: absent or empty → fallback; ≤ 0 → fallback; above max → max; not an integer → 400.
Result<std::int64_t> count_param(const Request& req, std::string_view name, std::int64_t fallback, std::int64_t max) {
    auto v = req.query_param(name);
    if (!v || v->empty()) return fallback;
    std::int64_t n = 0;
    auto r = std::from_chars(v->data(), v->data() + v->size(), n);
    if (r.ec == std::errc::result_out_of_range && r.ptr == v->data() + v->size())
        return v->front() == '-' ? fallback : max;
    if (r.ec != std::errc{} || r.ptr != v->data() + v->size())
        return bad_request(fmt::format("{}: expected an integer, got \"{}\"", name, *v));
    if (n <= 0) return fallback;
    return std::min(n, max);
}

store::SessionKey key_of(const Request& req) {
    store::SessionKey key;
    key.app_id = query_or(req, "app_id", "default");
    key.user_id = query_or(req, "user_id", "default");
    key.id = std::string(req.param("id"));
    return key;
}

/// The cursor travels inside the token together with the listing it belongs to, so a token cannot be replayed
/// against another app or user.
std::string seal_cursor(const auth::PageTokenSigner& signer, const store::SessionKey& key,
                        const store::SessionSummary& last) {
    json::object o;
    o["a"] = key.app_id;
    o["u"] = key.user_id;
    o["t"] = std::chrono::duration_cast<std::chrono::nanoseconds>(last.updated_at.time_since_epoch()).count();
    o["i"] = last.key.id;
    return signer.seal(to_json(o));
}

Result<store::SessionCursor> open_cursor(const auth::PageTokenSigner& signer, const store::SessionKey& key,
                                         std::string_view token) {
    auto payload = signer.open(token);
    if (!payload) return bad_request("page_token: invalid or altered");
    auto v = parse_json(*payload);
    const auto* o = v ? v->if_object() : nullptr;
    auto app = o ? get_string(*o, "a") : std::nullopt;
    auto user = o ? get_string(*o, "u") : std::nullopt;
    auto t = o ? get_int(*o, "t") : std::nullopt;
    auto id = o ? get_string(*o, "i") : std::nullopt;
    if (!app || !user || !t || !id) return bad_request("page_token: invalid or altered");
    if (*app != key.app_id || *user != key.user_id)
        return bad_request("page_token: belongs to another listing (app_id and user_id must stay the same)");
    store::SessionCursor cursor;
    cursor.updated_at = TimePoint{} + std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(*t));
    cursor.id = std::string(*id);
    return cursor;
}

json::object summary_json(const store::SessionKey& key, TimePoint updated_at, std::int64_t event_count) {
    json::object o;
    o["id"] = key.id;
    o["app_name"] = key.app_id;
    o["user_id"] = key.user_id;
    o["last_update"] = format_rfc3339(updated_at);
    o["event_count"] = event_count;
    return o;
}

json::object event_json(const store::SessionEvent& e) {
    json::object o;
    o["id"] = e.id;
    o["timestamp"] = format_rfc3339(e.timestamp);
    o["invocation_id"] = e.invocation_id;
    o["author"] = e.author;
    o["branch"] = e.branch;
    o["partial"] = e.partial;
    o["turn_complete"] = e.turn_complete;
    if (e.role.empty() && e.parts.empty()) {
        o["message"] = nullptr;
    } else {
        json::object message;
        message["role"] = e.role;
        message["parts"] = e.parts;
        o["message"] = std::move(message);
    }
    o["tool_calls"] = e.tool_calls;
    o["tool_results"] = e.tool_results;
    json::object actions;
    actions["state_delta"] = e.state_delta;
    o["actions"] = std::move(actions);
    o["error_code"] = e.error_code;
    o["error_message"] = e.error_message;
    return o;
}

Awaitable list_sessions(Context& ctx, Request& req, const auth::PageTokenSigner& signer) {
    auto size = count_param(req, "page_size", kDefaultPageSize, kMaxPageSize);
    if (!size) co_return admin_failure(size.error());
    store::SessionKey listing;
    listing.app_id = query_or(req, "app_id", "default");
    listing.user_id = query_or(req, "user_id", "default");
    std::optional<store::SessionCursor> after;
    if (auto token = req.query_param("page_token"); token && !token->empty()) {
        auto cursor = open_cursor(signer, listing, *token);
        if (!cursor) co_return admin_failure(cursor.error());
        after = std::move(cursor).value();
    }
    const auto page = static_cast<std::size_t>(*size);
    // One more than a page tells whether another page follows.
    auto rows = co_await ctx.sessions->list(listing.app_id, listing.user_id, page + 1, std::move(after));
    if (!rows) co_return admin_failure(rows.error());
    const bool more = rows->size() > page;
    if (more) rows->resize(page);
    json::array items;
    for (const auto& s : *rows) items.push_back(summary_json(s.key, s.updated_at, s.event_count));
    json::object body;
    body["sessions"] = std::move(items);
    if (more) body["next_page_token"] = seal_cursor(signer, listing, rows->back());
    co_return Response::json(200, body);
}

Awaitable get_session(Context& ctx, Request& req) {
    auto limit = count_param(req, "limit", kDefaultEventLimit, kMaxEventLimit);
    if (!limit) co_return admin_failure(limit.error());
    auto session = co_await ctx.sessions->get(key_of(req), static_cast<std::size_t>(*limit));
    if (!session) co_return admin_failure(session.error());
    auto body = summary_json(session->key, session->updated_at, session->event_count);
    body["created_at"] = format_rfc3339(session->created_at);
    body["state"] = session->state;
    json::array events;
    for (const auto& e : session->events) events.push_back(event_json(e));
    body["events"] = std::move(events);
    co_return Response::json(200, body);
}

Awaitable delete_session(Context& ctx, Request& req) {
    auto st = co_await ctx.sessions->remove(key_of(req));
    if (!st) co_return admin_failure(st.error());
    co_return Response::no_content();
}

}  // namespace

void add_admin_session_routes(http::Router& router, Context& ctx) {
    auto signer = std::make_shared<const auth::PageTokenSigner>(
        auth::PageTokenSigner::derive(ctx.options.admin_secret, kPageTokenPurpose));
    router.add(Method::get, "/admin/sessions",
               [&ctx, signer](Request& req) -> Awaitable { co_return co_await list_sessions(ctx, req, *signer); });
    router.add(Method::get, "/admin/sessions/{id}",
               [&ctx](Request& req) -> Awaitable { co_return co_await get_session(ctx, req); });
    router.add(Method::delete_, "/admin/sessions/{id}",
               [&ctx](Request& req) -> Awaitable { co_return co_await delete_session(ctx, req); });
}

}  // namespace hector::server::detail
