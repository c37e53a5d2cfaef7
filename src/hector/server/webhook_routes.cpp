// Webhook triggers over HTTP (api.md "Webhook Endpoints", server.md §9.1, DECISIONS 15, 21, 28, OQ-7, OQ-17,
// OQ-18, OQ-31): routing, methods, signatures, de-duplication and the three response modes. What does not depend
// on HTTP lives in automation/.
#include <boost/json.hpp>

#include <fmt/format.h>

#include "hector/automation/automation.hpp"
#include "hector/automation/signature.hpp"
#include "hector/automation/webhook.hpp"
#include "hector/common/error_table.hpp"
#include "hector/common/ids.hpp"
#include "hector/common/logging.hpp"
#include "hector/common/strings.hpp"
#include "hector/server/routes.hpp"

namespace hector::server {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;
using Awaitable = boost::asio::awaitable<Response>;

namespace {

constexpr Method kMethods[] = {Method::get, Method::post, Method::put, Method::patch, Method::delete_};

bool method_allowed(const std::vector<std::string>& allowed, const Request& req) {
    for (const auto& m : allowed) {
        if (iequals(m, req.method_text)) return true;
        if (req.method == Method::head && iequals(m, "GET")) return true;
    }
    return false;
}

Response method_not_allowed(const std::vector<std::string>& allowed) {
    Response r = Response::error(405);
    std::vector<std::string> upper;
    for (const auto& m : allowed) {
        std::string u = m;
        for (auto& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        upper.push_back(std::move(u));
    }
    r.headers.set("Allow", join(upper, ", "));
    return r;
}

Response failure(const Error& e) {
    Response r = Response::error(http_status(e.code), e.message);
    if (e.code == Errc::unavailable) r.headers.set("Retry-After", "1");
    return r;
}

a2a::MessageSendParams task_params(std::string input, const std::string& agent) {
    a2a::MessageSendParams params;
    params.message.message_id = new_ordered_uuid();
    params.message.role = a2a::Role::user;
    params.message.parts.push_back(a2a::Part::make_text(std::move(input)));
    params.message.context_id = new_ordered_uuid();  // every delivery is its own conversation
    params.message.metadata["trigger"] = "webhook";
    params.message.metadata["agent"] = agent;
    params.configuration.blocking = false;
    return params;
}

/// One delivery, from a matched trigger to the answer.
class Delivery {
  public:
    Delivery(Context& ctx, automation::Automation& automation, Request& req,
             std::shared_ptr<const runtime::AppRuntime> app, const automation::WebhookTrigger& trigger)
        : ctx_(ctx), automation_(automation), req_(req), app_(std::move(app)), trigger_(trigger) {}

    Awaitable run() {
        const auto& cfg = trigger_.config;
        if (!method_allowed(cfg.methods, req_)) co_return method_not_allowed(cfg.methods);
        if (!cfg.secret.empty() &&
            !automation::verify_signature(cfg.secret, req_.body, req_.header(cfg.signature_header)))
            co_return Response::error(401, "invalid signature");

        const auto depth = static_cast<std::size_t>(app_->config().server.limits.max_json_depth);
        const json::value context = automation::webhook_context(req_, trigger_, depth);
        auto input = automation::webhook_input(trigger_, context, Clock::now());
        if (!input) co_return Response::error(400, input.error().message);
        std::string callback;
        if (cfg.response.mode == "callback") {
            auto url = automation::callback_url(context, cfg.response.callback_field);
            if (!url) co_return Response::error(400, url.error().message);
            callback = std::move(url).value();
        }
        auto key = automation::delivery_key(req_);
        if (!key) co_return Response::error(400, key.error().message);

        std::string task_id;
        bool replayed = false;
        if (*key) {
            auto claim = co_await automation_.store().claim_delivery(app_->app_id(), trigger_.agent, **key,
                                                                     Clock::now(), automation_.settings().dedup_window);
            if (!claim) co_return failure(claim.error());
            if (!claim->fresh) {
                if (claim->task_id.empty())
                    co_return Response::error(409, "a delivery with this id is still being started; retry shortly");
                task_id = claim->task_id;
                replayed = true;
            }
        }
        if (!replayed) {
            auto started = co_await start_task(std::move(input).value(), *key, callback);
            if (auto* refusal = std::get_if<Response>(&started)) co_return std::move(*refusal);
            task_id = std::get<std::string>(std::move(started));
        }
        Response r = co_await answer(task_id);
        if (replayed) r.headers.set("Idempotent-Replayed", "true");
        co_return r;
    }

  private:
    // Admission, then the task; the refusal or failure to answer otherwise. A fresh claim is released when no task
    // starts, so the sender's retry can start it.
    boost::asio::awaitable<std::variant<std::string, Response>> start_task(std::string input,
                                                                           const std::optional<std::string>& key,
                                                                           const std::string& callback) {
        automation::WebhookAdmit admit;
        if (const auto& hook = automation_.webhook_admission())
            admit = co_await hook(req_, app_->app_id(), trigger_.agent);
        std::optional<Response> refusal = std::move(admit.refusal);
        if (!refusal) {
            tasks::StartRequest request;
            request.app = app_;
            request.agent_id = trigger_.agent;
            request.caller = caller_of(req_);
            request.params = task_params(std::move(input), trigger_.agent);
            if (!callback.empty()) request.task_metadata[automation::Automation::kCallbackKey] = callback;
            auto started = co_await ctx_.tasks->start(std::move(request));
            if (started) {
                const std::string id = started->task.id;
                if (admit.started) admit.started(id);
                if (key) {
                    auto st = co_await automation_.store().set_delivery_task(app_->app_id(), trigger_.agent, *key, id);
                    if (!st) log::warn("webhook", "task {}: delivery id not recorded: {}", id, st.error().message);
                }
                co_return id;
            }
            refusal = failure(started.error());
        }
        if (key) {
            auto st = co_await automation_.store().release_delivery(app_->app_id(), trigger_.agent, *key);
            if (!st) log::warn("webhook", "delivery id not released: {}", st.error().message);
        }
        co_return std::move(*refusal);
    }

    Awaitable answer(const std::string& task_id) {
        const auto& agent = trigger_.agent;
        if (trigger_.config.response.mode != "sync")
            co_return Response::json(202, automation::submitted_body(task_id, agent));
        auto done =
            co_await automation_.watcher().wait(caller_of(req_), agent, task_id, trigger_.config.response.timeout);
        if (!done) co_return failure(done.error());
        if (!*done) co_return Response::json(504, automation::timeout_body(task_id, agent));
        auto [status, body] = automation::finished_body(**done, agent);
        co_return Response::json(status, body);
    }

    Context& ctx_;
    automation::Automation& automation_;
    Request& req_;
    std::shared_ptr<const runtime::AppRuntime> app_;
    const automation::WebhookTrigger& trigger_;
};

// Webhooks skip bearer auth and resolve in the caller's app: the default app, or a bearer JWT's (OQ-7).
Awaitable webhook_route(Context& ctx, automation::Automation& automation, Request& req) {
    auto app = ctx.app_for(req);
    if (!app) co_return Response::error(404);
    auto catalog = automation.catalog(*app);
    if (!catalog) co_return Response::error(500, catalog.error().message);
    const auto* trigger = (*catalog)->webhook_for_path(req.path);
    if (!trigger || !trigger->config.enabled || !app->agent(trigger->agent)) co_return Response::error(404);
    // The catalog (and with it the trigger) stays alive for the whole delivery.
    std::shared_ptr<const automation::Catalog> keep = std::move(catalog).value();
    Delivery delivery(ctx, automation, req, std::move(app), *trigger);
    co_return co_await delivery.run();
}

}  // namespace

void add_webhook_routes(http::Router& router, Context& ctx, automation::Automation& automation) {
    std::vector<std::string> paths{"/webhooks/{agent}"};
    for (auto& p : automation.custom_webhook_paths()) paths.push_back(std::move(p));
    for (const auto& path : paths)
        for (auto method : kMethods)
            router.add(method, path, [&ctx, &automation](Request& req) -> Awaitable {
                co_return co_await webhook_route(ctx, automation, req);
            });
}

}  // namespace hector::server
