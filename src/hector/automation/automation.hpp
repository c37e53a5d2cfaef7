#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "hector/automation/automation_store.hpp"
#include "hector/automation/catalog.hpp"
#include "hector/automation/notifier.hpp"
#include "hector/automation/outbox.hpp"
#include "hector/automation/scheduler.hpp"
#include "hector/automation/task_watcher.hpp"
#include "hector/http/message.hpp"
#include "hector/net/http_client.hpp"
#include "hector/runtime/app_runtime.hpp"
#include "hector/tasks/task_manager.hpp"

namespace hector::store::sql {
class Database;
}

namespace hector::automation {

/// What the webhook admission hook decided about one delivery.
struct WebhookAdmit {
    std::optional<http::Response> refusal;  // answer this (e.g. 429 with Retry-After) instead of starting the task
    std::function<void(const std::string& task_id)> started;  // told the task id once it started (token charges)
};

/// Called once for each verified webhook delivery, right before its task would start (rate limits; duplicates
/// answered from the de-duplication record are not charged).
using WebhookAdmission = std::function<boost::asio::awaitable<WebhookAdmit>(
    http::Request& request, const std::string& app_id, const std::string& agent)>;

struct AutomationDeps {
    boost::asio::io_context& io;
    tasks::TaskManager& tasks;
    runtime::Registry& registry;
    net::HttpClient& http;
    store::sql::Database* database = nullptr;  // the tasks' database; null = automation state in memory
};

struct AutomationSettings {
    std::shared_ptr<SchedulerClock> clock;  // null: the system clock
    std::chrono::milliseconds dedup_window{std::chrono::hours(24)};
    /// Webhook callbacks (server.md §9.1): 3 tries, 1–10 s apart, 30 s each.
    DeliveryPolicy callback{3, std::chrono::seconds(1), std::chrono::seconds(10), std::chrono::seconds(30)};
    /// Waits for a task re-read it this often (tasks that run on another instance).
    std::chrono::milliseconds poll{std::chrono::seconds(1)};
};

/// The automations subsystem of the process (server.md §9): webhook triggers (their routes live in
/// server/webhook_routes.cpp and use what this exposes), schedule triggers and outbound notifications. Created at
/// start-up from the default app; a template, field path, cron or zone that does not compile fails the start
/// with a message naming the agent. Thread-safe.
class Automation {
  public:
    static Result<std::unique_ptr<Automation>> create(AutomationDeps deps, AutomationSettings settings);

    /// The TaskManager status listener: notifications and waiting webhooks.
    void on_status(const store::TaskRecord& record);
    /// Starts the default app's schedules.
    void start();
    /// No schedule fires after this returns (the drain).
    void stop();
    /// Hot reload (platform.md §1.9): the default app's schedules restart from `app`, a rebuilt default runtime.
    /// The old schedules stop (a firing already started finishes) and the new ones start, unless stop() was
    /// called. Webhooks and notifications need nothing: they look up the catalog of each task's app config.
    /// Fails, keeping the old schedules, when the new config's automations do not compile.
    Status reload_default(const std::shared_ptr<const runtime::AppRuntime>& app);

    /// Set before serving; not thread-safe against deliveries in progress.
    void set_webhook_admission(WebhookAdmission admission) { admission_ = std::move(admission); }
    const WebhookAdmission& webhook_admission() const { return admission_; }

    /// The compiled automations of an app's config (the default app's are compiled at start-up).
    Result<std::shared_ptr<const Catalog>> catalog(const runtime::AppRuntime& app) {
        return catalogs_.get(app.config_ptr());
    }
    /// Trigger paths of the default app that need routes besides /webhooks/{agent}.
    std::vector<std::string> custom_webhook_paths() const;

    AutomationStore& store() { return *store_; }
    TaskWatcher& watcher() { return watcher_; }
    const AutomationSettings& settings() const { return settings_; }

    /// The task metadata key that carries a webhook task's callback URL (set by the webhook route, never by a
    /// client). It travels with the task in the task store, so the callback goes out from whichever instance ends
    /// the task, after a restart too.
    static constexpr std::string_view kCallbackKey = "webhook_callback_url";

  private:
    Automation(AutomationDeps deps, AutomationSettings settings, std::shared_ptr<const Catalog> default_catalog);
    boost::asio::awaitable<void> fire(const ScheduleTrigger& trigger, TimePoint fire_at);
    /// POSTs a callback-mode webhook task's outcome to its callback URL (restricted to public addresses unless
    /// server.outbound.allow_private_networks, DECISIONS 28), once cluster-wide: the first to claim it sends it.
    boost::asio::awaitable<void> send_callback(store::TaskRecord record, std::string url);

    std::unique_ptr<Scheduler> make_scheduler(std::shared_ptr<const Catalog> catalog);

    AutomationDeps deps_;
    AutomationSettings settings_;
    CatalogCache catalogs_;
    std::unique_ptr<AutomationStore> store_;
    TaskWatcher watcher_;
    Outbox outbox_;
    Notifier notifier_;
    WebhookAdmission admission_;
    mutable std::mutex mu_;  // the default app's catalog and schedules, swapped by a reload
    std::shared_ptr<const Catalog> default_catalog_;
    std::unique_ptr<Scheduler> scheduler_;
    std::vector<std::unique_ptr<Scheduler>> retired_;  // stopped, kept until their sleeping loops end
    bool started_ = false;
    bool stopped_ = false;
};

/// The agent input of a schedule firing: `input` as text (a string as it is, other JSON as JSON), or a sentence
/// naming the firing time when there is none.
std::string schedule_input(const ScheduleTrigger& trigger, TimePoint fire_at);

}  // namespace hector::automation
