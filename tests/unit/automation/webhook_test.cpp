#include "hector/automation/webhook.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "hector/automation/catalog.hpp"
#include "hector/automation/notifier.hpp"
#include "hector/config/loader.hpp"

namespace hector::automation {
namespace {

namespace json = boost::json;

config::Config load(std::string_view yaml) {
    auto loaded = config::load_config_text(yaml, config::Environment::fixed({}));
    EXPECT_TRUE(loaded.ok());
    for (const auto& e : loaded.diagnostics.errors) ADD_FAILURE() << e.text();
    return loaded.config;
}

constexpr std::string_view kConfig = R"(
llms:
  m: {provider: echo}
agents:
  github:
    llm: m
    trigger:
      type: webhook
      path: /hooks/github
      secret: s
      webhook_input:
        template: "{{.headers.X-GitHub-Event}} on {{.fields.repo}} by {{.fields.who}}: {{.body.action}}"
        extract_fields:
          - {path: .body.repository.full_name, as: repo}
          - {path: .body.sender.login, as: who}
          - {path: .headers.X-Request-Source, as: source}
  fixed:
    llm: m
    trigger: {type: webhook, input: "run the report", response: {mode: async}}
  structured:
    llm: m
    trigger: {type: webhook, input: {task: summarize, n: 3}}
  raw:
    llm: m
    trigger: {type: webhook, methods: [POST, PUT]}
  off:
    llm: m
    trigger: {type: webhook, enabled: false}
  nightly:
    llm: m
    trigger: {type: schedule, cron: "0 2 * * *", timezone: Europe/Berlin, input: nightly}
  paused:
    llm: m
    trigger: {type: schedule, cron: "0 2 * * *", enabled: false}
  notified:
    llm: m
    notifications:
      - {id: a, url: "http://example.com/a", events: [task.completed]}
      - {id: b, url: "http://example.com/b", events: [task.failed], enabled: false}
      - {id: c, url: "http://example.com/c", events: [task.started], payload: {template: '{"t": {{toJson .TaskID}}}'}}
)";

http::Request request(std::string body, std::vector<std::pair<std::string, std::string>> headers = {},
                      std::string query = "") {
    http::Request r;
    r.method = http::Method::post;
    r.method_text = "POST";
    r.body = std::move(body);
    r.query = std::move(query);
    for (auto& [n, v] : headers) r.headers.add(n, v);
    return r;
}

class Webhook : public ::testing::Test {
  protected:
    void SetUp() override {
        config_ = load(kConfig);
        auto built = Catalog::build(config_);
        ASSERT_TRUE(built) << built.error().message;
        catalog_ = *built;
    }
    const WebhookTrigger& trigger(std::string_view path) {
        const auto* t = catalog_->webhook_for_path(path);
        EXPECT_NE(t, nullptr) << path;
        return *t;
    }
    config::Config config_;
    std::shared_ptr<const Catalog> catalog_;
};

TEST_F(Webhook, RoutesByExactPathThenByConvention) {
    EXPECT_EQ(trigger("/hooks/github").agent, "github");
    EXPECT_EQ(trigger("/webhooks/github").agent, "github");  // both paths work
    EXPECT_EQ(trigger("/webhooks/fixed").agent, "fixed");
    EXPECT_EQ(trigger("/webhooks/off").agent, "off");  // found, disabled: the route answers 404
    EXPECT_FALSE(trigger("/webhooks/off").config.enabled);
    EXPECT_EQ(catalog_->webhook_for_path("/webhooks/nightly"), nullptr);  // a schedule, not a webhook
    EXPECT_EQ(catalog_->webhook_for_path("/webhooks/notified"), nullptr);
    EXPECT_EQ(catalog_->webhook_for_path("/webhooks/nobody"), nullptr);
    EXPECT_EQ(catalog_->webhook_for_path("/hooks/other"), nullptr);
    EXPECT_EQ(catalog_->custom_paths(), std::vector<std::string>{"/hooks/github"});
}

TEST_F(Webhook, CatalogHoldsEnabledSchedulesAndNotifications) {
    ASSERT_EQ(catalog_->schedules().size(), 1u);
    EXPECT_EQ(catalog_->schedules()[0].agent, "nightly");
    EXPECT_EQ(catalog_->schedules()[0].cron.timezone(), "Europe/Berlin");
    const auto& n = catalog_->notifications("notified");
    ASSERT_EQ(n.size(), 2u);
    EXPECT_EQ(n[0].config.id, "a");
    EXPECT_FALSE(n[0].payload);
    EXPECT_EQ(n[1].config.id, "c");
    EXPECT_TRUE(n[1].payload);
    EXPECT_TRUE(catalog_->notifications("github").empty());
}

TEST_F(Webhook, ContextHasBodyHeadersQueryAndFields) {
    auto req = request(R"({"action":"opened","repository":{"full_name":"o/r"},"sender":{"login":"octo"}})",
                       {{"X-GitHub-Event", "issues"}, {"X-Request-Source", "gh"}, {"X-Request-Source", "second"}},
                       "a=1&b=x%20y&a=2&c=p+q");
    auto ctx = webhook_context(req, trigger("/hooks/github"), 64);
    EXPECT_EQ(ctx.at("body").at("action"), "opened");
    EXPECT_EQ(ctx.at("headers").at("x-github-event"), "issues");
    EXPECT_EQ(ctx.at("headers").at("x-request-source"), "gh");  // single-valued: the first
    EXPECT_EQ(ctx.at("query"), json::parse(R"({"a":"1","b":"x y","c":"p q"})"));
    EXPECT_EQ(ctx.at("fields"), json::parse(R"({"repo":"o/r","who":"octo","source":"gh"})"));
    auto input = webhook_input(trigger("/hooks/github"), ctx, Clock::now());
    ASSERT_TRUE(input) << input.error().message;
    EXPECT_EQ(*input, "issues on o/r by octo: opened");
}

TEST_F(Webhook, BodiesThatAreNotJsonBecomeRaw) {
    auto ctx = webhook_context(request("plain words"), trigger("/webhooks/raw"), 64);
    EXPECT_EQ(ctx.at("body"), json::parse(R"({"raw":"plain words"})"));
    EXPECT_EQ(webhook_context(request(""), trigger("/webhooks/raw"), 64).at("body"), json::object());
    // Nesting beyond the server's JSON depth is not parsed as JSON.
    std::string deep = std::string(100, '[') + std::string(100, ']');
    EXPECT_EQ(webhook_context(request(deep), trigger("/webhooks/raw"), 64).at("body").at("raw"), json::value(deep));
}

TEST_F(Webhook, InputPrecedenceTemplateThenStaticInputThenBody) {
    const auto& fixed = trigger("/webhooks/fixed");
    EXPECT_EQ(*webhook_input(fixed, webhook_context(request(R"({"x":1})"), fixed, 64), Clock::now()), "run the report");
    const auto& structured = trigger("/webhooks/structured");
    EXPECT_EQ(json::parse(*webhook_input(structured, webhook_context(request("{}"), structured, 64), Clock::now())),
              json::parse(R"({"task":"summarize","n":3})"));
    const auto& raw = trigger("/webhooks/raw");
    EXPECT_EQ(*webhook_input(raw, webhook_context(request(R"({"b": [1, 2]})"), raw, 64), Clock::now()),
              R"({"b":[1,2]})");
    EXPECT_EQ(*webhook_input(raw, webhook_context(request("hi"), raw, 64), Clock::now()), R"({"raw":"hi"})");
}

TEST_F(Webhook, TemplateProblemsAreInvalidArgument) {
    auto cfg = load(R"(
llms: {m: {provider: echo}}
agents:
  a:
    llm: m
    trigger: {type: webhook, webhook_input: {template: "{{range .body.x}}{{.}}{{end}}"}}
)");
    auto cat = Catalog::build(cfg);
    ASSERT_TRUE(cat);
    const auto& t = *(*cat)->webhook_for_path("/webhooks/a");
    auto bad = webhook_input(t, webhook_context(request(R"({"x": 5})"), t, 64), Clock::now());
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, Errc::invalid_argument);
    EXPECT_EQ(bad.error().message, "webhook_input.template: line 1: range can't iterate over 5");
    auto empty = webhook_input(t, webhook_context(request(R"({"x": []})"), t, 64), Clock::now());
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().message, "webhook_input.template rendered no input");
}

TEST(Catalog, CompileErrorsNameTheAgent) {
    auto error = [](std::string_view agent_yaml) {
        auto loaded = config::load_config_text(
            std::string("llms: {m: {provider: echo}}\nagents:\n  bad:\n    llm: m\n") + std::string(agent_yaml),
            config::Environment::fixed({}));
        auto built = Catalog::build(loaded.config);
        EXPECT_FALSE(built);
        return built ? std::string() : built.error().message;
    };
    EXPECT_EQ(error("    trigger: {type: webhook, webhook_input: {template: \"{{.a\"}}\n"),
              "agents.bad.trigger.webhook_input.template: line 1: unclosed action");
    EXPECT_EQ(error("    trigger: {type: webhook, webhook_input: {extract_fields: [{path: body.a, as: x}]}}\n"),
              "agents.bad.trigger.webhook_input.extract_fields[0].path: \"body.a\" is not a field path (like "
              ".body.a.b)");
    EXPECT_EQ(error("    trigger: {type: schedule, cron: \"* * * * *\", timezone: Nowhere/City}\n"),
              "agents.bad.trigger: unknown time zone \"Nowhere/City\" (an IANA name such as UTC or Europe/Berlin)");
    EXPECT_EQ(error("    trigger: {type: schedule, cron: \"0 0 30 2 *\"}\n"),
              "agents.bad.trigger.cron: \"0 0 30 2 *\" never fires");
    EXPECT_EQ(error("    notifications:\n      - {id: n, url: \"http://x\", events: [task.failed], payload: "
                    "{template: \"{{if}}\"}}\n"),
              "agents.bad.notifications[0].payload.template: line 1: missing value for if");
}

TEST(Catalog, CacheCompilesEachConfigOnce) {
    auto cfg = std::make_shared<const config::Config>(load(kConfig));
    CatalogCache cache;
    auto a = cache.get(cfg);
    auto b = cache.get(cfg);
    ASSERT_TRUE(a);
    ASSERT_TRUE(b);
    EXPECT_EQ(a->get(), b->get());
    auto other = std::make_shared<const config::Config>(load(kConfig));
    EXPECT_NE(cache.get(other)->get(), a->get());
}

TEST(DeliveryKey, HeadersInOrderOfPreference) {
    EXPECT_EQ(delivery_key(request("{}"))->has_value(), false);
    EXPECT_EQ(**delivery_key(request("{}", {{"X-GitHub-Delivery", "72d3162e"}})), "x-github-delivery:72d3162e");
    EXPECT_EQ(**delivery_key(request("{}", {{"X-Shopify-Webhook-Id", "b54557e4"}})), "x-shopify-webhook-id:b54557e4");
    EXPECT_EQ(**delivery_key(request("{}", {{"X-GitHub-Delivery", "g"}, {"Idempotency-Key", "i"}})),
              "idempotency-key:i");
    auto too_long = delivery_key(request("{}", {{"Idempotency-Key", std::string(300, 'k')}}));
    ASSERT_FALSE(too_long);
    EXPECT_EQ(too_long.error().message, "Idempotency-Key: expected at most 256 printable ASCII characters");
    EXPECT_FALSE(delivery_key(request("{}", {{"Idempotency-Key", "tab\there"}})));
}

TEST(CallbackUrl, FromTheBody) {
    http::Request req;
    WebhookTrigger t;
    req.body = R"({"callback_url":"https://example.com/cb","nested":{"url":"http://x/y"},"n":1,"ftp":"ftp://x"})";
    auto ctx = webhook_context(req, t, 64);
    EXPECT_EQ(*callback_url(ctx, "callback_url"), "https://example.com/cb");
    EXPECT_EQ(*callback_url(ctx, "nested.url"), "http://x/y");
    EXPECT_EQ(callback_url(ctx, "missing").error().message, "the request body has no \"missing\" for the callback");
    EXPECT_EQ(callback_url(ctx, "n").error().message, "\"n\" must be a URL string");
    EXPECT_EQ(callback_url(ctx, "ftp").error().message, "\"ftp\" must be an http(s) URL");
}

a2a::Task task_in(a2a::TaskState state, std::string text) {
    a2a::Task t;
    t.id = "t1";
    t.status.state = state;
    a2a::Message m;
    m.parts.push_back(a2a::Part::make_text(text));
    t.status.message = m;
    if (state == a2a::TaskState::completed) {
        a2a::Artifact a;
        a.parts.push_back(a2a::Part::make_text("the answer"));
        t.artifacts.push_back(a);
    }
    return t;
}

TEST(Answers, ShapesOfDecisions15) {
    EXPECT_EQ(json::value(submitted_body("t1", "hook")),
              json::parse(R"({"task_id":"t1","status":"submitted","agent_name":"hook"})"));
    auto [ok_status, ok] = finished_body(task_in(a2a::TaskState::completed, "the answer"), "hook");
    EXPECT_EQ(ok_status, 200);
    EXPECT_EQ(json::value(ok),
              json::parse(R"({"status":"completed","task_id":"t1","result":"the answer","agent_name":"hook"})"));
    auto [fail_status, fail] = finished_body(task_in(a2a::TaskState::failed, "provider down"), "hook");
    EXPECT_EQ(fail_status, 500);
    EXPECT_EQ(json::value(fail),
              json::parse(R"({"status":"failed","error":"provider down","task_id":"t1","agent_name":"hook"})"));
    EXPECT_EQ(finished_body(task_in(a2a::TaskState::canceled, ""), "hook").second.at("error"),
              "the task ended canceled");
    EXPECT_EQ(json::value(timeout_body("t1", "hook")),
              json::parse(R"({"status":"timeout","error":"Agent execution timed out","task_id":"t1",)"
                          R"("agent_name":"hook"})"));
    EXPECT_EQ(json::value(callback_body(task_in(a2a::TaskState::completed, "x"), "hook")),
              json::parse(R"({"task_id":"t1","status":"completed","result":"the answer","agent_name":"hook"})"));
    EXPECT_EQ(json::value(callback_body(task_in(a2a::TaskState::failed, "boom"), "hook")),
              json::parse(R"({"task_id":"t1","status":"failed","error":"boom","agent_name":"hook"})"));
}

TEST(Notifications, EventsAndDefaultBody) {
    EXPECT_EQ(notification_event(a2a::TaskState::working), "task.started");
    EXPECT_EQ(notification_event(a2a::TaskState::completed), "task.completed");
    EXPECT_EQ(notification_event(a2a::TaskState::failed), "task.failed");
    EXPECT_FALSE(notification_event(a2a::TaskState::submitted));
    EXPECT_FALSE(notification_event(a2a::TaskState::canceled));
    store::TaskRecord r;
    r.agent = "hook";
    r.task = task_in(a2a::TaskState::completed, "x");
    EXPECT_EQ(json::value(notification_body("task.completed", r, "2025-01-20T10:00:00Z")),
              json::parse(R"({"type":"task.completed","agent_name":"hook","task_id":"t1","status":"completed",)"
                          R"("result":"the answer","error":"","timestamp":"2025-01-20T10:00:00Z"})"));
    r.task = task_in(a2a::TaskState::failed, "boom");
    auto failed = notification_body("task.failed", r, "ts");
    EXPECT_EQ(failed.at("status"), "failed");
    EXPECT_EQ(failed.at("error"), "boom");
    EXPECT_EQ(failed.at("result"), "");
    r.task = task_in(a2a::TaskState::working, "");
    EXPECT_EQ(notification_body("task.started", r, "ts").at("status"), "started");
}

}  // namespace
}  // namespace hector::automation
