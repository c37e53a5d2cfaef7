#include "hector/automation/notifier.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>

#include "hector/automation/task_watcher.hpp"
#include "hector/common/json.hpp"
#include "hector/common/logging.hpp"
#include "hector/common/strings.hpp"

namespace hector::automation {

namespace {

constexpr std::string_view kUserAgent = "Hector-Notifications/1.0";

std::string status_word(a2a::TaskState state) {
    switch (state) {
        case a2a::TaskState::working:
            return "started";
        case a2a::TaskState::completed:
            return "completed";
        default:
            return "failed";
    }
}

std::string error_text(const a2a::Task& task) {
    if (task.status.state != a2a::TaskState::failed) return "";
    std::string text = task.status.message ? task.status.message->text() : "";
    return text.empty() ? "the task failed" : text;
}

}  // namespace

std::optional<std::string> notification_event(a2a::TaskState state) {
    switch (state) {
        case a2a::TaskState::working:
            return "task.started";
        case a2a::TaskState::completed:
            return "task.completed";
        case a2a::TaskState::failed:
            return "task.failed";
        default:
            return std::nullopt;
    }
}

json::object notification_body(const std::string& event, const store::TaskRecord& record,
                               const std::string& timestamp) {
    const auto state = record.task.status.state;
    json::object body;
    body["type"] = event;
    body["agent_name"] = record.agent;
    body["task_id"] = record.task.id;
    body["status"] = status_word(state);
    body["result"] = state == a2a::TaskState::completed ? final_text(record.task) : std::string();
    body["error"] = error_text(record.task);
    body["timestamp"] = timestamp;
    return body;
}

Notifier::Notifier(runtime::Registry& registry, CatalogCache& catalogs, Outbox& outbox)
    : registry_(registry), catalogs_(catalogs), outbox_(outbox) {}

void Notifier::on_status(const store::TaskRecord& record) {
    auto event = notification_event(record.task.status.state);
    if (!event) return;
    auto app = registry_.get(record.app_id);
    if (!app) return;
    const auto* agent = app->agent(record.agent);
    if (!agent || agent->notifications.empty()) return;
    auto catalog = catalogs_.get(app->config_ptr());
    if (!catalog) {
        log::warn("automation", "app {}: notifications not sent: {}", record.app_id, catalog.error().message);
        return;
    }
    const std::string timestamp = now_rfc3339();
    const json::object body = notification_body(*event, record, timestamp);
    for (const auto& target : (*catalog)->notifications(record.agent)) {
        const auto& events = target.config.events;
        if (std::find(events.begin(), events.end(), *event) == events.end()) continue;
        const std::string what = "notification " + target.config.id + " (" + *event + ") of task " + record.task.id;
        std::string payload;
        if (target.payload) {
            json::object data;
            data["Type"] = body.at("type");
            data["AgentName"] = body.at("agent_name");
            data["TaskID"] = body.at("task_id");
            data["Status"] = body.at("status");
            data["Result"] = body.at("result");
            data["Error"] = body.at("error");
            data["Timestamp"] = body.at("timestamp");
            auto rendered = target.payload->render(data);
            if (!rendered) {
                log::warn("automation", "{} skipped: payload.template: {}", what, rendered.error().message);
                continue;
            }
            if (!parse_json(*rendered)) {
                log::warn("automation", "{} skipped: payload.template did not render JSON", what);
                continue;
            }
            payload = std::move(rendered).value();
        } else {
            payload = json::serialize(body);
        }
        net::HttpRequest req;
        req.method = "POST";
        req.url = target.config.url;
        req.body = std::move(payload);
        bool content_type = false, user_agent = false;
        for (const auto& [name, value] : target.config.headers) {
            content_type = content_type || iequals(name, "Content-Type");
            user_agent = user_agent || iequals(name, "User-Agent");
            req.headers.emplace_back(name, value);
        }
        if (!content_type) req.headers.emplace_back("Content-Type", "application/json");
        if (!user_agent) req.headers.emplace_back("User-Agent", std::string(kUserAgent));
        const auto& retry = target.config.retry;
        DeliveryPolicy policy{std::max(retry.max_attempts, 1), retry.initial_delay, retry.max_delay,
                              std::chrono::seconds(30)};
        outbox_.post(std::move(req), policy, what);
    }
}

}  // namespace hector::automation
