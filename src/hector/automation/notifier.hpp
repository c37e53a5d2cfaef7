#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>

#include "hector/automation/catalog.hpp"
#include "hector/automation/outbox.hpp"
#include "hector/runtime/app_runtime.hpp"
#include "hector/store/task_store.hpp"

namespace hector::automation {

/// The notification event a task state stands for: working → task.started, completed → task.completed,
/// failed → task.failed; nullopt for the others.
std::optional<std::string> notification_event(a2a::TaskState state);

/// The default notification body: {"type","agent_name","task_id","status","result","error","timestamp"}.
boost::json::object notification_body(const std::string& event, const store::TaskRecord& record,
                                      const std::string& timestamp);

/// Outbound notifications (server.md §9.3): on each status change, POSTs to every enabled notification of the
/// task's agent that lists the event: the default body, or `payload.template` rendered over
/// `.Type .AgentName .TaskID .Status .Result .Error .Timestamp` (it must render JSON; otherwise the notification is
/// skipped with a warning), with the configured headers and retry policy. URLs come from the config file, so
/// private addresses are allowed (DECISIONS 28). Thread-safe; on_status never blocks.
class Notifier {
  public:
    Notifier(runtime::Registry& registry, CatalogCache& catalogs, Outbox& outbox);

    /// The TaskManager status listener.
    void on_status(const store::TaskRecord& record);

  private:
    runtime::Registry& registry_;
    CatalogCache& catalogs_;
    Outbox& outbox_;
};

}  // namespace hector::automation
