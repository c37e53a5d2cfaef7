#include "hector/automation/catalog.hpp"

#include <fmt/format.h>

#include "hector/common/strings.hpp"

namespace hector::automation {

namespace {

constexpr std::string_view kConventionPrefix = "/webhooks/";

Error named(const std::string& where, const Error& e) {
    return Error{Errc::invalid_argument, where + ": " + e.message};
}

}  // namespace

Result<std::shared_ptr<const Catalog>> Catalog::build(const config::Config& config) {
    auto out = std::make_shared<Catalog>();
    const auto now = Clock::now();
    for (const auto& [id, agent] : config.agents) {
        const std::string path = "agents." + id;
        if (agent.trigger && agent.trigger->type == "webhook") {
            const auto& t = *agent.trigger;
            WebhookTrigger w{id, t, std::nullopt, {}};
            if (!t.webhook_input.template_.empty()) {
                auto compiled = Template::parse(t.webhook_input.template_);
                if (!compiled) return named(path + ".trigger.webhook_input.template", compiled.error());
                w.input_template = std::move(compiled).value();
            }
            for (std::size_t i = 0; i < t.webhook_input.extract_fields.size(); ++i) {
                const auto& f = t.webhook_input.extract_fields[i];
                const auto where = fmt::format("{}.trigger.webhook_input.extract_fields[{}]", path, i);
                auto keys = parse_field_path(f.path);
                if (!keys) return named(where + ".path", keys.error());
                if (f.as.empty()) return Error{Errc::invalid_argument, where + ".as: is required"};
                w.fields.push_back({std::move(keys).value(), f.as});
            }
            const std::string route = t.path.empty() ? std::string(kConventionPrefix) + id : t.path;
            if (t.enabled) out->paths_.emplace(route, id);
            out->webhooks_.emplace(id, std::move(w));
        }
        if (agent.trigger && agent.trigger->type == "schedule" && agent.trigger->enabled) {
            const auto& t = *agent.trigger;
            auto cron = CronSchedule::parse(t.cron, t.timezone);
            if (!cron) return named(path + ".trigger", cron.error());
            if (!cron->next_after(now))
                return Error{Errc::invalid_argument, fmt::format("{}.trigger.cron: \"{}\" never fires", path, t.cron)};
            out->schedules_.push_back({id, std::move(cron).value(), t.input.value});
        }
        for (std::size_t i = 0; i < agent.notifications.size(); ++i) {
            const auto& n = agent.notifications[i];
            if (!n.enabled) continue;
            NotificationTarget target{id, n, std::nullopt};
            if (!n.payload.template_.empty()) {
                auto compiled = Template::parse(n.payload.template_);
                if (!compiled)
                    return named(fmt::format("{}.notifications[{}].payload.template", path, i), compiled.error());
                target.payload = std::move(compiled).value();
            }
            out->notifications_[id].push_back(std::move(target));
        }
    }
    return std::shared_ptr<const Catalog>(std::move(out));
}

const WebhookTrigger* Catalog::webhook_for_path(std::string_view path) const {
    if (auto it = paths_.find(std::string(path)); it != paths_.end()) return &webhooks_.at(it->second);
    if (!path.starts_with(kConventionPrefix)) return nullptr;
    std::string name;
    if (!percent_decode(path.substr(kConventionPrefix.size()), name)) return nullptr;
    auto it = webhooks_.find(name);
    return it == webhooks_.end() ? nullptr : &it->second;
}

std::vector<std::string> Catalog::custom_paths() const {
    std::vector<std::string> out;
    for (const auto& [route, agent] : paths_)
        if (!route.starts_with(kConventionPrefix)) out.push_back(route);
    return out;
}

const std::vector<NotificationTarget>& Catalog::notifications(const std::string& agent) const {
    static const std::vector<NotificationTarget> kNone;
    auto it = notifications_.find(agent);
    return it == notifications_.end() ? kNone : it->second;
}

Result<std::shared_ptr<const Catalog>> CatalogCache::get(const std::shared_ptr<const config::Config>& config) {
    std::lock_guard lock(mu_);
    if (auto it = entries_.find(config.get()); it != entries_.end()) {
        if (it->second.config.lock() == config) return it->second.catalog;
        entries_.erase(it);  // the address was reused by a newer config
    }
    std::erase_if(entries_, [](const auto& kv) { return kv.second.config.expired(); });
    auto built = Catalog::build(*config);
    if (!built) return built;
    entries_[config.get()] = Entry{config, *built};
    return built;
}

}  // namespace hector::automation
