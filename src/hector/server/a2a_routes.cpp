#include <boost/json.hpp>

#include <charconv>

#include <fmt/format.h>

#include "hector/a2a/codec.hpp"
#include "hector/a2a/jsonrpc.hpp"
#include "hector/a2a/rest_error.hpp"
#include "hector/auth/visibility.hpp"
#include "hector/common/error_table.hpp"
#include "hector/common/logging.hpp"
#include "hector/server/a2a_stream.hpp"
#include "hector/server/rate_limit.hpp"
#include "hector/server/routes.hpp"

namespace hector::server {

namespace json = boost::json;
using a2a::Method;
using http::Request;
using http::Response;
using Awaitable = boost::asio::awaitable<Response>;

namespace {

// A blocking send's wait for a terminal or interrupted state (its subscription delivers the final event only).
// No timer of its own: the run's deadline (queue.task_timeout) ends it, and shutdown closes the subscription.
boost::asio::awaitable<void> await_final(tasks::Subscription& sub) {
    for (;;) {
        auto next = co_await sub.next();
        if (next.kind == tasks::Subscription::Next::Kind::closed) break;
        if (next.kind == tasks::Subscription::Next::Kind::event && next.event.final) break;
    }
    sub.detach();
}

a2a::Limits limits_of(const runtime::AppRuntime& app) {
    const auto& l = app.config().server.limits;
    return {static_cast<std::size_t>(l.max_id_length), static_cast<std::size_t>(l.max_parts)};
}

Response unauthorized() {
    Response r = Response::error(401);
    r.headers.set("WWW-Authenticate", "Bearer");
    return r;
}

Response overloaded(const Error& e) {
    Response r = Response::error(503, e.message);
    r.headers.set("Retry-After", "1");
    return r;
}

// Agent resolution and visibility for invoking routes; the HTTP error to answer, if any (server.md §3.3).
struct Target {
    std::shared_ptr<const runtime::AppRuntime> app;
    std::string agent;
    std::optional<Response> refusal;
};

Target resolve(Context& ctx, const Request& req) {
    Target t;
    t.app = ctx.app_for(req);
    if (!t.app) {
        t.refusal = unauthorized();
        return t;
    }
    t.agent = std::string(req.param("name"));
    const auto* agent = t.app->agent(t.agent);
    if (!agent) {
        t.refusal = Response::error(404);
        return t;
    }
    switch (auth::invoke_access(agent->visibility, principal_of(req), ctx.auth_active(), ctx.require_auth())) {
        case auth::Access::not_found:
            t.refusal = Response::error(404);
            break;
        case auth::Access::unauthorized:
            t.refusal = unauthorized();
            break;
        case auth::Access::allowed:
            break;
    }
    return t;
}

class RpcCall {
  public:
    /// `send`: the params of a message/send or message/stream already read (a2a::parse_send_request()).
    RpcCall(Context& ctx, Request& req, Target target, a2a::RpcRequest rpc,
            std::optional<a2a::MessageSendParams> send = std::nullopt)
        : ctx_(ctx), req_(req), target_(std::move(target)), rpc_(std::move(rpc)), send_(std::move(send)) {
        id_json_ = a2a::id_json(rpc_.id, rpc_.id_text);
        limits_ = limits_of(*target_.app);
    }

    void apply_rate_limit(Response& response) const { server::apply_rate_limit(admission_, response); }

    Awaitable run() {
        switch (rpc_.kind) {
            case Method::message_send:
                co_return co_await send();
            case Method::message_stream:
                co_return co_await stream();
            case Method::tasks_get:
                co_return co_await get();
            case Method::tasks_cancel:
                co_return co_await cancel();
            case Method::tasks_resubscribe:
                co_return co_await resubscribe();
            case Method::push_set:
                co_return co_await push_set();
            case Method::push_get:
                co_return co_await push_get();
            case Method::push_list:
                co_return co_await push_list();
            case Method::push_delete:
                co_return co_await push_delete();
            case Method::get_extended_card:
                co_return error(a2a::rpc_error(-32007, "this agent has no authenticated extended card"));
        }
        co_return error(a2a::rpc_error(-32601));
    }

  private:
    Result<a2a::MessageSendParams> send_params() {
        if (send_) return std::move(*std::exchange(send_, std::nullopt));
        return a2a::parse_send_params(rpc_.params, limits_);
    }

    /// The result as JSON text (a2a::to_text).
    Response result(std::string_view value) const {
        return Response::text(200, a2a::result_response(id_json_, value), "application/json");
    }
    Response error(a2a::RpcError e) const {
        return Response::text(200, a2a::serialize_response(a2a::make_error(rpc_.id, e), rpc_.id_text),
                              "application/json");
    }
    Response error(const Error& e) const {
        if (e.code == Errc::unavailable) return overloaded(e);
        return error(a2a::error_from(e));
    }
    Response stream_error(const Error& e) const {
        if (e.code == Errc::unavailable) return overloaded(e);
        return error_stream(a2a::serialize_response(a2a::make_error(rpc_.id, a2a::error_from(e)), rpc_.id_text));
    }

    /// `blocking_send`: the caller waits for the end only (tasks::StartRequest::finals_only).
    tasks::StartRequest start_request(a2a::MessageSendParams params, bool subscribe, bool blocking_send) const {
        return tasks::StartRequest{target_.app,       target_.agent, caller_of(req_),
                                   std::move(params), subscribe,     blocking_send};
    }

    Awaitable send() {
        auto params = send_params();
        if (!params) co_return error(params.error());
        admission_ = co_await admit_invocation(ctx_, req_, params->message.context_id);
        if (admission_.refusal) co_return std::move(*admission_.refusal);
        const bool blocking = params->configuration.blocking;
        const auto history = params->configuration.history_length;
        auto started = co_await ctx_.tasks->start(start_request(std::move(params).value(), blocking, blocking));
        if (!started) co_return error(started.error());
        bind_invocation(ctx_, admission_, started->task.id);
        if (!blocking) co_return result(a2a::to_text(started->task, history));
        // Wait for a terminal or interrupted state, then answer with the task as it stands.
        if (started->subscription) co_await await_final(*started->subscription);
        auto task = co_await ctx_.tasks->outcome_text(caller_of(req_), target_.agent, *started, history);
        if (!task) co_return error(task.error());
        co_return result(*task);
    }

    Awaitable stream() {
        auto params = send_params();
        if (!params) co_return stream_error(params.error());
        admission_ = co_await admit_invocation(ctx_, req_, params->message.context_id);
        if (admission_.refusal) co_return std::move(*admission_.refusal);
        const auto history = params->configuration.history_length;
        auto started = co_await ctx_.tasks->start(start_request(std::move(params).value(), true, false));
        if (!started) co_return stream_error(started.error());
        bind_invocation(ctx_, admission_, started->task.id);
        co_return task_stream(std::move(started).value(), StreamFraming::jsonrpc, id_json_, history);
    }

    Awaitable get() {
        auto q = a2a::parse_task_query(rpc_.params, limits_);
        if (!q) co_return error(q.error());
        auto task = co_await ctx_.tasks->get(caller_of(req_), target_.agent, q->id);
        if (!task) co_return error(task.error());
        co_return result(a2a::to_text(*task, q->history_length));
    }

    Awaitable cancel() {
        auto q = a2a::parse_task_id_params(rpc_.params, limits_);
        if (!q) co_return error(q.error());
        auto task = co_await ctx_.tasks->cancel(caller_of(req_), target_.agent, q->id);
        if (!task) co_return error(task.error());
        co_return result(a2a::to_text(*task));
    }

    Awaitable resubscribe() {
        auto q = a2a::parse_task_id_params(rpc_.params, limits_);
        if (!q) co_return stream_error(q.error());
        std::optional<std::int64_t> last;
        auto header = req_.header("Last-Event-ID");
        std::string from_meta;
        if (const auto* v = q->metadata.if_contains("lastEventId")) {
            if (v->is_string())
                from_meta = std::string(v->get_string());
            else if (v->is_int64())
                from_meta = std::to_string(v->get_int64());
        }
        std::string_view text = header.empty() ? std::string_view(from_meta) : header;
        if (!text.empty()) {
            std::int64_t n = 0;
            auto r = std::from_chars(text.data(), text.data() + text.size(), n);
            if (r.ec != std::errc{} || r.ptr != text.data() + text.size() || n < 0)
                co_return stream_error(Error{Errc::invalid_argument, "Last-Event-ID: expected an event id number"});
            last = n;
        }
        auto started = co_await ctx_.tasks->resubscribe(caller_of(req_), target_.agent, q->id, last);
        if (!started) co_return stream_error(started.error());
        co_return task_stream(std::move(started).value(), StreamFraming::jsonrpc, id_json_, std::nullopt);
    }

    Awaitable push_set() {
        auto q = a2a::parse_push_set(rpc_.params, limits_);
        if (!q) co_return error(q.error());
        auto stored = co_await ctx_.tasks->set_push_config(caller_of(req_), target_.agent, q->task_id, q->config);
        if (!stored) co_return error(stored.error());
        co_return result(a2a::to_text(*stored));
    }

    Awaitable push_get() {
        auto q = a2a::parse_push_get(rpc_.params, limits_);
        if (!q) co_return error(q.error());
        auto found = co_await ctx_.tasks->get_push_config(caller_of(req_), target_.agent, q->task_id, q->config_id);
        if (!found) co_return error(found.error());
        co_return result(a2a::to_text(*found));
    }

    Awaitable push_list() {
        auto q = a2a::parse_push_list(rpc_.params, limits_);
        if (!q) co_return error(q.error());
        auto all = co_await ctx_.tasks->list_push_configs(caller_of(req_), target_.agent, q->id);
        if (!all) co_return error(all.error());
        co_return result(a2a::to_text(*all));
    }

    Awaitable push_delete() {
        auto q = a2a::parse_push_delete(rpc_.params, limits_);
        if (!q) co_return error(q.error());
        auto st = co_await ctx_.tasks->delete_push_config(caller_of(req_), target_.agent, q->task_id, q->config_id);
        if (!st) co_return error(st.error());
        co_return result("null");
    }

    Context& ctx_;
    Request& req_;
    Target target_;
    a2a::RpcRequest rpc_;
    std::optional<a2a::MessageSendParams> send_;  // read with the envelope (the common case), else from rpc_.params
    std::string id_json_;
    a2a::Limits limits_;
    Admission admission_;  // of message/send and message/stream: its X-RateLimit-* go on the response
};

Awaitable jsonrpc_route(Context& ctx, Request& req) {
    auto target = resolve(ctx, req);
    if (target.refusal) co_return std::move(*target.refusal);
    const auto depth = static_cast<std::size_t>(target.app->config().server.limits.max_json_depth);
    // The common message/send and message/stream bodies are read in one pass; the general path takes the rest.
    a2a::RpcRequest rpc;
    std::optional<a2a::MessageSendParams> send_params;
    if (auto send = a2a::parse_send_request(req.body, depth, limits_of(*target.app))) {
        rpc = std::move(send->rpc);
        send_params = std::move(send->params);
    } else {
        auto parsed = a2a::parse_request(req.body, depth, limits_of(*target.app));
        if (auto* err = std::get_if<a2a::RpcError>(&parsed)) {
            co_return Response::text(200, a2a::serialize_response(a2a::make_error(*err), err->id_text),
                                     "application/json");
        }
        rpc = std::get<a2a::RpcRequest>(std::move(parsed));
    }
    RpcCall call(ctx, req, std::move(target), std::move(rpc), std::move(send_params));
    auto response = co_await call.run();
    call.apply_rate_limit(response);
    co_return response;
}

Response rest_failure(const Error& e) {
    if (e.code == Errc::unavailable) return overloaded(e);
    auto r = a2a::rest_error(e);
    return Response::json(r.status, r.body);
}

// POST /agents/{name}/message:send and :stream (DECISIONS 6): bare body in, bare Task / bare events out.
Awaitable rest_route(Context& ctx, Request& req, bool streaming) {
    auto target = resolve(ctx, req);
    if (target.refusal) co_return std::move(*target.refusal);
    const auto depth = static_cast<std::size_t>(target.app->config().server.limits.max_json_depth);
    auto body = parse_json(req.body, depth);
    if (!body) co_return rest_failure(Error{Errc::parse_error, body.error().message});
    auto params = a2a::parse_rest_send(*body, limits_of(*target.app));
    if (!params) co_return rest_failure(params.error());
    auto admission = co_await admit_invocation(ctx, req, params->message.context_id);
    if (admission.refusal) co_return std::move(*admission.refusal);
    const bool blocking = params->configuration.blocking;
    const auto history = params->configuration.history_length;
    tasks::StartRequest start{target.app,
                              target.agent,
                              caller_of(req),
                              std::move(params).value(),
                              streaming || blocking,
                              !streaming && blocking};
    auto started = co_await ctx.tasks->start(std::move(start));
    if (!started) co_return rest_failure(started.error());
    bind_invocation(ctx, admission, started->task.id);
    if (streaming) {
        auto stream = task_stream(std::move(started).value(), StreamFraming::bare, "", history);
        apply_rate_limit(admission, stream);
        co_return stream;
    }
    if (blocking && started->subscription) co_await await_final(*started->subscription);
    Result<std::string> task = std::string();
    if (blocking) {
        task = co_await ctx.tasks->outcome_text(caller_of(req), target.agent, *started, history);
    } else if (auto got = co_await ctx.tasks->get(caller_of(req), target.agent, started->task.id); got) {
        task = a2a::to_text(*got, history);
    } else {
        task = std::move(got).error();
    }
    if (!task) co_return rest_failure(task.error());
    auto response = Response::text(200, std::move(*task), "application/json");
    apply_rate_limit(admission, response);
    co_return response;
}

// POST /tasks/{taskId}/toolCalls/{callId}/cancel (and /api/...): stops one tool call; the task goes on.
Awaitable tool_call_cancel_route(Context& ctx, Request& req) {
    if (!ctx.app_for(req)) co_return unauthorized();
    std::string task_id(req.param("task"));
    std::string call_id(req.param("call"));
    auto r = co_await ctx.tasks->cancel_tool_call(caller_of(req), task_id, call_id);
    if (!r) {
        if (r.error().code == Errc::task_not_found) co_return Response::error(404, "task not found");
        co_return Response::error(http_status(r.error().code), r.error().message);
    }
    co_return Response::json(200, json::object{{"cancelled", *r}, {"task_id", task_id}, {"call_id", call_id}});
}

}  // namespace

void add_a2a_routes(http::Router& router, Context& ctx) {
    for (auto path : {"/tasks/{task}/toolCalls/{call}/cancel", "/api/tasks/{task}/toolCalls/{call}/cancel"})
        router.add(http::Method::post, path,
                   [&ctx](Request& req) -> Awaitable { co_return co_await tool_call_cancel_route(ctx, req); });
    router.add(http::Method::post, "/agents/{name}",
               [&ctx](Request& req) -> Awaitable { co_return co_await jsonrpc_route(ctx, req); });
    router.add(http::Method::post, "/agents/{name}/message:send",
               [&ctx](Request& req) -> Awaitable { co_return co_await rest_route(ctx, req, false); });
    router.add(http::Method::post, "/agents/{name}/message:stream",
               [&ctx](Request& req) -> Awaitable { co_return co_await rest_route(ctx, req, true); });
}

}  // namespace hector::server
