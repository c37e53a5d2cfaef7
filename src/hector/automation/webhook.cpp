#include "hector/automation/webhook.hpp"

#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include "hector/automation/task_watcher.hpp"
#include "hector/common/json.hpp"
#include "hector/common/strings.hpp"

namespace hector::automation {

namespace {

constexpr std::size_t kMaxKeyLength = 256;
constexpr std::string_view kDeliveryHeaders[] = {"Idempotency-Key", "X-GitHub-Delivery", "X-Shopify-Webhook-Id"};

json::object query_object(std::string_view query) {
    json::object out;
    for (const auto& pair : split(query, '&')) {
        if (pair.empty()) continue;
        auto eq = pair.find('=');
        std::string name, value;
        if (!percent_decode(std::string_view(pair).substr(0, eq), name, true)) continue;
        if (eq != std::string::npos && !percent_decode(std::string_view(pair).substr(eq + 1), value, true)) continue;
        if (!out.contains(name)) out[name] = value;
    }
    return out;
}

std::string error_of(const a2a::Task& task) {
    std::string text = task.status.message ? task.status.message->text() : "";
    if (!text.empty()) return text;
    return fmt::format("the task ended {}", a2a::to_string(task.status.state));
}

}  // namespace

json::value webhook_context(const http::Request& request, const WebhookTrigger& trigger, std::size_t max_json_depth) {
    json::value root = json::object();
    auto& ctx = root.get_object();
    if (trim(request.body).empty()) {
        ctx["body"] = json::object();
    } else if (auto parsed = parse_json(request.body, max_json_depth)) {
        ctx["body"] = std::move(parsed).value();
    } else {
        ctx["body"] = json::object{{"raw", request.body}};
    }
    json::object headers;
    for (const auto& [name, value] : request.headers.items()) {
        auto key = to_lower(name);
        if (!headers.contains(key)) headers[key] = value;
    }
    ctx["headers"] = std::move(headers);
    ctx["query"] = query_object(request.query);
    ctx["fields"] = json::object();
    if (!trigger.fields.empty()) {
        const auto options = context_options(root, Clock::now());
        json::object fields;
        for (const auto& f : trigger.fields) fields[f.as] = lookup_path(root, f.keys, options);
        ctx["fields"] = std::move(fields);
    }
    return root;
}

RenderOptions context_options(const json::value& context, TimePoint now) {
    RenderOptions options;
    options.now = now;
    const auto* h = context.is_object() ? context.get_object().if_contains("headers") : nullptr;
    if (h && h->is_object()) options.case_insensitive = &h->get_object();
    return options;
}

Result<std::string> webhook_input(const WebhookTrigger& trigger, const json::value& context, TimePoint now) {
    std::string input;
    if (trigger.input_template) {
        auto rendered = trigger.input_template->render(context, context_options(context, now));
        if (!rendered) return Error{Errc::invalid_argument, "webhook_input.template: " + rendered.error().message};
        input = std::move(rendered).value();
        if (trim(input).empty()) return Error{Errc::invalid_argument, "webhook_input.template rendered no input"};
        return input;
    }
    const auto& fixed = trigger.config.input.value;
    if (fixed.is_string()) {
        input = std::string(sv(fixed.get_string()));
    } else if (!fixed.is_null()) {
        input = json::serialize(fixed);
    } else {
        input = json::serialize(context.at("body"));  // the body's JSON (server.md §9.1)
    }
    if (trim(input).empty()) return Error{Errc::invalid_argument, "the delivery carries no input for the agent"};
    return input;
}

Result<std::optional<std::string>> delivery_key(const http::Request& request) {
    for (auto header : kDeliveryHeaders) {
        auto value = trim(request.header(header));
        if (value.empty()) continue;
        if (!is_printable_ascii_id(value, kMaxKeyLength))
            return Error{Errc::invalid_argument,
                         fmt::format("{}: expected at most {} printable ASCII characters", header, kMaxKeyLength)};
        return std::optional<std::string>(to_lower(header) + ":" + std::string(value));
    }
    return std::optional<std::string>();
}

Result<std::string> callback_url(const json::value& context, const std::string& field) {
    std::vector<std::string> keys = split(field, '.');
    auto value = lookup_path(context.at("body"), keys);
    if (value.is_null())
        return Error{Errc::invalid_argument, fmt::format("the request body has no \"{}\" for the callback", field)};
    if (!value.is_string()) return Error{Errc::invalid_argument, fmt::format("\"{}\" must be a URL string", field)};
    std::string url(sv(value.get_string()));
    if (!url.starts_with("http://") && !url.starts_with("https://"))
        return Error{Errc::invalid_argument, fmt::format("\"{}\" must be an http(s) URL", field)};
    return url;
}

json::object submitted_body(const std::string& task_id, const std::string& agent) {
    json::object o;
    o["task_id"] = task_id;
    o["status"] = "submitted";
    o["agent_name"] = agent;
    return o;
}

std::pair<int, json::object> finished_body(const a2a::Task& task, const std::string& agent) {
    json::object o;
    const auto state = task.status.state;
    if (state == a2a::TaskState::completed || a2a::is_interrupted(state)) {
        o["status"] = state == a2a::TaskState::completed ? "completed" : std::string(a2a::to_string(state));
        o["task_id"] = task.id;
        o["result"] = final_text(task);
        o["agent_name"] = agent;
        return {200, std::move(o)};
    }
    o["status"] = "failed";
    o["error"] = error_of(task);
    o["task_id"] = task.id;
    o["agent_name"] = agent;
    return {500, std::move(o)};
}

json::object timeout_body(const std::string& task_id, const std::string& agent) {
    json::object o;
    o["status"] = "timeout";
    o["error"] = "Agent execution timed out";
    o["task_id"] = task_id;
    o["agent_name"] = agent;
    return o;
}

json::object callback_body(const a2a::Task& task, const std::string& agent) {
    json::object o;
    o["task_id"] = task.id;
    if (task.status.state == a2a::TaskState::completed) {
        o["status"] = "completed";
        o["result"] = final_text(task);
    } else {
        o["status"] = "failed";
        o["error"] = error_of(task);
    }
    o["agent_name"] = agent;
    return o;
}

}  // namespace hector::automation
