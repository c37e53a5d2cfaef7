#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hector/automation/cron.hpp"
#include "hector/automation/template.hpp"
#include "hector/common/result.hpp"
#include "hector/config/model.hpp"

namespace hector::automation {

/// One extract_fields entry, compiled: the keys of its path and the name it is readable under (`.fields.<as>`).
struct FieldExtract {
    std::vector<std::string> keys;
    std::string as;
};

/// An agent's webhook trigger with its template compiled.
struct WebhookTrigger {
    std::string agent;
    config::TriggerConfig config;
    std::optional<Template> input_template;
    std::vector<FieldExtract> fields;
};

/// An agent's enabled schedule trigger with its cron parsed.
struct ScheduleTrigger {
    std::string agent;
    CronSchedule cron;
    boost::json::value input;
};

/// One enabled outbound notification of an agent, with its payload template compiled.
struct NotificationTarget {
    std::string agent;
    config::NotificationConfig config;
    std::optional<Template> payload;
};

/// The automations of one app's config, compiled once: webhook triggers by path, schedules, notifications.
/// Immutable; thread-safe.
class Catalog {
  public:
    /// Compiles the templates, field paths, crons and zones of every agent. Errors are Errc::invalid_argument and
    /// name the config entry, e.g. `agents.triage.trigger.webhook_input.template: line 2: unclosed action`.
    static Result<std::shared_ptr<const Catalog>> build(const config::Config& config);

    /// The agent whose trigger.path is exactly `path`, else the agent named by `/webhooks/{name}`; only agents
    /// with a webhook trigger (enabled or not) count. Null when none.
    const WebhookTrigger* webhook_for_path(std::string_view path) const;
    /// The trigger paths that are not under /webhooks/ (they need routes of their own).
    std::vector<std::string> custom_paths() const;
    const std::vector<ScheduleTrigger>& schedules() const { return schedules_; }
    /// The agent's enabled notifications.
    const std::vector<NotificationTarget>& notifications(const std::string& agent) const;

  private:
    std::map<std::string, WebhookTrigger> webhooks_;  // by agent
    std::map<std::string, std::string> paths_;        // trigger.path → agent
    std::vector<ScheduleTrigger> schedules_;
    std::map<std::string, std::vector<NotificationTarget>> notifications_;
};

/// Catalogs by config, each compiled once: the default app's at start-up, other apps' (and reloaded configs) on
/// first use. Entries go when their config is released. Thread-safe.
class CatalogCache {
  public:
    Result<std::shared_ptr<const Catalog>> get(const std::shared_ptr<const config::Config>& config);

  private:
    struct Entry {
        std::weak_ptr<const config::Config> config;
        std::shared_ptr<const Catalog> catalog;
    };
    std::mutex mu_;
    std::map<const config::Config*, Entry> entries_;
};

}  // namespace hector::automation
