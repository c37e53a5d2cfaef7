#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

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
    /// How long a callback waits for its task to end before giving up.
    std::chrono::milliseconds callback_wait{std::chrono::hours(24)};
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

    /// Set before serving; not thread-safe against deliveries in progress.
    void set_webhook_admission(WebhookAdmission admission) { admission_ = std::move(admission); }
    const WebhookAdmission& webhook_admission() const { return admission_; }

    /// The compiled automations of an app's config (the default app's are compiled at start-up).
    Result<std::shared_ptr<const Catalog>> catalog(const runtime::AppRuntime& app) {
        return catalogs_.get(app.config_ptr());
    }
    /// Trigger paths of the default app that need routes besides /webhooks/{agent}.
    std::vector<std::string> custom_webhook_paths() const { return default_catalog_->custom_paths(); }

    AutomationStore& store() { return *store_; }
    TaskWatcher& watcher() { return watcher_; }
    const AutomationSettings& settings() const { return settings_; }
    const Scheduler& scheduler() const { return *scheduler_; }

    /// POSTs the callback of a webhook task to `url` once the task ends (restricted to public addresses unless
    /// server.outbound.allow_private_networks, DECISIONS 28). Returns at once.
    void callback_when_done(tasks::Caller caller, std::string agent, std::string task_id, std::string url);

  private:
    Automation(AutomationDeps deps, AutomationSettings settings, std::shared_ptr<const Catalog> default_catalog);
    boost::asio::awaitable<void> fire(const ScheduleTrigger& trigger, TimePoint fire_at);
    boost::asio::awaitable<void> await_callback(tasks::Caller caller, std::string agent, std::string task_id,
                                                std::string url);

    AutomationDeps deps_;
    AutomationSettings settings_;
    CatalogCache catalogs_;
    std::shared_ptr<const Catalog> default_catalog_;
    std::unique_ptr<AutomationStore> store_;
    TaskWatcher watcher_;
    Outbox outbox_;
    Notifier notifier_;
    std::unique_ptr<Scheduler> scheduler_;
    WebhookAdmission admission_;
};

/// The agent input of a schedule firing: `input` as text (a string as it is, other JSON as JSON), or a sentence
/// naming the firing time when there is none.
std::string schedule_input(const ScheduleTrigger& trigger, TimePoint fire_at);

}  // namespace hector::automation
