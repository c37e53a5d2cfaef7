#include "hector/automation/automation.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/json/serialize.hpp>

#include "hector/automation/webhook.hpp"
#include "hector/common/ids.hpp"
#include "hector/common/json.hpp"
#include "hector/common/logging.hpp"

namespace hector::automation {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kCallbackUserAgent = "Hector-Webhook-Callback/1.0";

void log_failure(std::string what, std::exception_ptr e) {
    if (!e) return;
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        log::error("automation", "{} failed unexpectedly: {}", what, ex.what());
    }
}

}  // namespace

std::string schedule_input(const ScheduleTrigger& trigger, TimePoint fire_at) {
    if (trigger.input.is_string() && !trigger.input.get_string().empty())
        return std::string(sv(trigger.input.get_string()));
    if (!trigger.input.is_null() && !trigger.input.is_string()) return json::serialize(trigger.input);
    return "Scheduled run (" + trigger.cron.expression() + ") at " + format_rfc3339(fire_at);
}

Result<std::unique_ptr<Automation>> Automation::create(AutomationDeps deps, AutomationSettings settings) {
    auto app = deps.registry.get(runtime::kDefaultApp);
    if (!app) return Error{Errc::internal, "automations: the default app is not registered"};
    auto catalog = Catalog::build(app->config());
    if (!catalog) return std::move(catalog).error();
    if (!settings.clock) settings.clock = system_scheduler_clock();
    std::unique_ptr<Automation> a(new Automation(deps, std::move(settings), *catalog));
    // The cache starts with the default app's catalog, so it is compiled once.
    if (auto cached = a->catalogs_.get(app->config_ptr()); !cached) return std::move(cached).error();
    return a;
}

Automation::Automation(AutomationDeps deps, AutomationSettings settings, std::shared_ptr<const Catalog> default_catalog)
    : deps_(deps),
      settings_(std::move(settings)),
      store_(deps.database ? make_sql_automation_store(*deps.database) : make_memory_automation_store()),
      watcher_(deps.tasks, settings_.poll),
      outbox_(deps.io, deps.http),
      notifier_(deps.registry, catalogs_, outbox_),
      default_catalog_(std::move(default_catalog)) {
    scheduler_ = make_scheduler(default_catalog_);
}

std::unique_ptr<Scheduler> Automation::make_scheduler(std::shared_ptr<const Catalog> catalog) {
    return std::make_unique<Scheduler>(
        deps_.io, settings_.clock, *store_, std::string(runtime::kDefaultApp), std::move(catalog),
        [this](const ScheduleTrigger& trigger, TimePoint fire_at) { return fire(trigger, fire_at); });
}

void Automation::on_status(const store::TaskRecord& record) {
    watcher_.on_status(record);
    notifier_.on_status(record);
    if (!a2a::is_terminal(record.task.status.state)) return;
    // A callback-mode webhook task: the webhook route put the URL in the task's own metadata (see kCallbackKey).
    const auto* url = record.task.metadata.if_contains(kCallbackKey);
    if (!url || !url->is_string() || url->get_string().empty()) return;
    asio::co_spawn(deps_.io, send_callback(record, std::string(url->get_string())),
                   [id = record.task.id](std::exception_ptr e) {
                       if (e) log::error("automation", "callback of task {}: unexpected error", id);
                   });
}

void Automation::start() {
    std::lock_guard lock(mu_);
    if (started_ || stopped_) return;
    started_ = true;
    scheduler_->start();
}

void Automation::stop() {
    std::lock_guard lock(mu_);
    stopped_ = true;
    scheduler_->stop();
}

std::vector<std::string> Automation::custom_webhook_paths() const {
    std::lock_guard lock(mu_);
    return default_catalog_->custom_paths();
}

Status Automation::reload_default(const std::shared_ptr<const runtime::AppRuntime>& app) {
    auto catalog = catalogs_.get(app->config_ptr());
    if (!catalog) return std::move(catalog).error();
    std::lock_guard lock(mu_);
    if (stopped_) return {};
    // An old loop sleeps until its next firing, then sees stop() and ends without claiming it (the claim in the
    // store would refuse a second firing anyway); it is kept alive until then.
    scheduler_->stop();
    retired_.push_back(std::move(scheduler_));
    std::erase_if(retired_, [](const std::unique_ptr<Scheduler>& s) { return s->idle(); });
    default_catalog_ = std::move(catalog).value();
    scheduler_ = make_scheduler(default_catalog_);
    if (started_) scheduler_->start();
    return {};
}

asio::awaitable<void> Automation::fire(const ScheduleTrigger& trigger, TimePoint fire_at) {
    auto app = deps_.registry.get(runtime::kDefaultApp);
    if (!app) co_return;
    a2a::MessageSendParams params;
    params.message.message_id = new_ordered_uuid();
    params.message.role = a2a::Role::user;
    params.message.parts.push_back(a2a::Part::make_text(schedule_input(trigger, fire_at)));
    params.message.context_id = new_ordered_uuid();
    params.message.metadata["trigger"] = "schedule";
    params.message.metadata["scheduled_for"] = format_rfc3339(fire_at);
    params.configuration.blocking = false;
    tasks::StartRequest request;
    request.app = std::move(app);
    request.agent_id = trigger.agent;
    request.params = std::move(params);
    auto started = co_await deps_.tasks.start(std::move(request));
    if (!started) {
        log::warn("automation", "agent {}: the scheduled run at {} did not start: {}", trigger.agent,
                  format_rfc3339(fire_at), started.error().message);
        co_return;
    }
    log::info("automation", "agent {}: scheduled run at {} started task {}", trigger.agent, format_rfc3339(fire_at),
              started->task.id);
}

asio::awaitable<void> Automation::send_callback(store::TaskRecord record, std::string url) {
    const auto& task_id = record.task.id;
    auto claim = co_await store_->claim_delivery(record.app_id, record.agent, "callback:" + task_id, Clock::now(),
                                                 settings_.dedup_window);
    if (!claim) {
        log::warn("automation", "callback of task {} not sent: {}", task_id, claim.error().message);
        co_return;
    }
    if (!claim->fresh) co_return;  // sent already (here, or by the instance that ended the task first)
    const json::object body = callback_body(record.task, record.agent);
    net::HttpRequest req;
    req.method = "POST";
    req.url = std::move(url);
    req.body = json::serialize(body);
    req.restrict_private = true;
    req.headers.emplace_back("Content-Type", "application/json");
    req.headers.emplace_back("User-Agent", std::string(kCallbackUserAgent));
    outbox_.post(std::move(req), settings_.callback, "callback of task " + task_id);
}

}  // namespace hector::automation
