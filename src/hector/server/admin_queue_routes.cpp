// The queue's admin routes (server.md §8). access_gate() in the pipeline has already admitted only the admin.
#include <boost/json.hpp>

#include <charconv>

#include "hector/common/error_table.hpp"
#include "hector/common/time.hpp"
#include "hector/server/routes.hpp"

namespace hector::server {

namespace json = boost::json;
using http::Request;
using http::Response;
using Awaitable = boost::asio::awaitable<Response>;

namespace {

std::string app_of(const Request& req) {
    auto app = req.query_param("app_id");
    return app && !app->empty() ? *app : std::string(runtime::kDefaultApp);
}

Response failure(const Error& e) {
    return Response::error(http_status(e.code), e.message);
}

}  // namespace

void add_admin_queue_routes(http::Router& router, Context& ctx) {
    router.add(http::Method::get, "/admin/queue/stats", [&ctx](Request& req) -> Awaitable {
        auto stats = co_await ctx.tasks->queue_stats(app_of(req));
        if (!stats) co_return failure(stats.error());
        json::object body{{"pending", stats->pending},
                          {"running", stats->running},
                          {"completed", stats->completed},
                          {"failed", stats->failed}};
        co_return Response::json(200, body);
    });

    router.add(http::Method::get, "/admin/queue/dlq", [&ctx](Request& req) -> Awaitable {
        std::int64_t limit = 50;
        if (auto text = req.query_param("limit"); text && !text->empty()) {
            auto r = std::from_chars(text->data(), text->data() + text->size(), limit);
            if (r.ec != std::errc{} || r.ptr != text->data() + text->size())
                co_return Response::error(400, "limit must be a number");
            if (limit <= 0) limit = 50;
            limit = std::min<std::int64_t>(limit, 100);
        }
        auto letters = co_await ctx.tasks->dead_letters(app_of(req), static_cast<std::size_t>(limit));
        if (!letters) co_return failure(letters.error());
        json::array items;
        for (const auto& l : *letters)
            items.push_back(json::object{{"id", l.id},
                                         {"task_id", l.task_id},
                                         {"error", l.error},
                                         {"failed_at", format_rfc3339(l.failed_at)},
                                         {"retry_count", l.retry_count}});
        json::object body{{"count", items.size()}};
        body["items"] = std::move(items);
        co_return Response::json(200, body);
    });

    router.add(http::Method::post, "/admin/queue/dlq/{id}/requeue", [&ctx](Request& req) -> Awaitable {
        auto st = co_await ctx.tasks->requeue(std::string(req.param("id")));
        if (!st) {
            if (st.error().code == Errc::not_found) co_return Response::error(404, st.error().message);
            co_return failure(st.error());
        }
        co_return Response::json(200, json::object{{"requeued", true}});
    });
}

}  // namespace hector::server
