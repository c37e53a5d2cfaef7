// Webhook triggers, schedules and outbound notifications against the real binary (server.md §9, DECISIONS 15,
// 21): signatures, templates reaching the model, the three response modes, routing errors, de-duplication, a
// schedule on an accelerated clock, notifications at a receiver.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <csignal>
#include <regex>
#include <set>
#include <thread>

#include "hector/common/time.hpp"
#include "support/fake_openai.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/receiver.hpp"

namespace hector::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kSecret = "topsecret";

std::string hmac(const std::string& key, const std::string& data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
         data.size(), out, &len);
    return std::string(reinterpret_cast<const char*>(out), len);
}

std::string to_hex(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

std::string to_base64(const std::string& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

/// The text of the last user message the model was sent.
std::string last_user_text(const FakeOpenAi::Request& r) {
    const auto& msgs = r.body.at("messages").as_array();
    for (auto it = msgs.rbegin(); it != msgs.rend(); ++it)
        if (it->at("role") == "user") return std::string(it->at("content").as_string());
    return "";
}

std::string config_for(const FakeOpenAi& fake, const Receiver& receiver) {
    return R"(
llms:
  gpt:
    provider: openai
    model: gpt-4o-mini
    api_key: sk-test
    base_url: )" +
           fake.base_url() +
           R"(
    max_retries: 0
queue:
  max_retries: 0
agents:
  signed:
    llm: gpt
    trigger:
      type: webhook
      secret: topsecret
      signature_header: X-Hub-Signature-256
      webhook_input:
        template: "{{.headers.X-GitHub-Event}} {{.body.action}} by {{.fields.who}}{{range .body.labels}} #{{.}}{{end}}"
        extract_fields:
          - {path: .body.sender.login, as: who}
  custom:
    llm: gpt
    trigger: {type: webhook, path: /hooks/custom, methods: [POST, PUT], input: static input}
  slow:
    llm: gpt
    trigger: {type: webhook, response: {timeout: 300ms}}
  queued:
    llm: gpt
    trigger: {type: webhook, response: {mode: async}}
  calling:
    llm: gpt
    trigger: {type: webhook, response: {mode: callback}}
  disabled:
    llm: gpt
    trigger: {type: webhook, enabled: false}
  plain:
    llm: gpt
  notified:
    llm: gpt
    trigger: {type: webhook}
    notifications:
      - id: all
        url: )" +
           receiver.url("/events") +
           R"(
        events: [task.started, task.completed, task.failed]
        headers: {X-Token: abc}
      - id: shaped
        url: )" +
           receiver.url("/shaped") +
           R"(
        events: [task.completed]
        payload:
          template: '{"kind": {{toJson .Type}}, "id": {{toJson .TaskID}}, "text": {{toJson .Result}}, "agent": "{{.AgentName}}"}'
server:
  outbound:
    allow_private_networks: true
)";
}

class Webhooks : public ::testing::Test {
  protected:
    void SetUp() override {
        server_ = std::make_unique<HectorServer>(HectorServer::Options{.config_yaml = config_for(fake_, receiver_)});
    }
    int port() const { return server_->port(); }

    HttpResponse post(const std::string& path, const std::string& body,
                      const std::map<std::string, std::string>& headers = {}) {
        auto h = headers;
        h.emplace("Content-Type", "application/json");
        return request(port(), "POST", path, body, h);
    }

    json::value tasks_get(const std::string& agent, const std::string& id) {
        json::object req{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tasks/get"}, {"params", json::object{{"id", id}}}};
        auto r = post_json(port(), "/agents/" + agent, json::serialize(req));
        EXPECT_EQ(r.status, 200) << r.body;
        return json::parse(r.body);
    }

    /// Reads the task until it is terminal (bounded); its last state.
    std::string await_terminal(const std::string& agent, const std::string& id) {
        std::string state;
        for (int i = 0; i < 500; ++i) {
            auto r = tasks_get(agent, id);
            if (!r.as_object().contains("result")) return "error: " + json::serialize(r);
            state = std::string(r.at("result").at("status").at("state").as_string());
            if (state == "completed" || state == "failed" || state == "canceled") return state;
            std::this_thread::sleep_for(20ms);
        }
        return state;
    }

    FakeOpenAi fake_;
    Receiver receiver_;
    std::unique_ptr<HectorServer> server_;
};

const std::string kGithubBody = R"({"action":"opened","sender":{"login":"octo"},"labels":["bug","urgent"]})";

TEST_F(Webhooks, SignatureSpellingsAreAccepted) {
    const std::string digest = hmac(kSecret, kGithubBody);
    for (const std::string& sig : {"sha256=" + to_hex(digest), upper(to_hex(digest)), to_base64(digest)}) {
        auto r = post("/webhooks/signed", kGithubBody, {{"X-Hub-Signature-256", sig}, {"X-GitHub-Event", "issues"}});
        EXPECT_EQ(r.status, 200) << sig << ": " << r.body;
        EXPECT_EQ(json::parse(r.body).at("status"), "completed") << r.body;
    }
}

TEST_F(Webhooks, BadOrMissingSignaturesAre401) {
    std::string tampered = kGithubBody;
    tampered[3] = static_cast<char>(tampered[3] ^ 1);  // the body changed after signing
    std::string digest = hmac(kSecret, kGithubBody);
    std::string flipped = digest;
    flipped[0] = static_cast<char>(flipped[0] ^ 1);
    const std::vector<std::pair<std::string, std::map<std::string, std::string>>> cases = {
        {kGithubBody, {{"X-Hub-Signature-256", "sha256=" + to_hex(flipped)}}},
        {tampered, {{"X-Hub-Signature-256", "sha256=" + to_hex(digest)}}},
        {kGithubBody, {{"X-Webhook-Signature", "sha256=" + to_hex(digest)}}},  // not the configured header
        {kGithubBody, {}},
        {kGithubBody, {{"X-Hub-Signature-256", "sha256=" + to_hex(hmac("wrong", kGithubBody))}}},
    };
    for (const auto& [body, headers] : cases) {
        auto r = post("/webhooks/signed", body, headers);
        EXPECT_EQ(r.status, 401) << r.body;
        EXPECT_EQ(json::parse(r.body), json::parse(R"({"error":"Unauthorized","message":"invalid signature"})"));
    }
    EXPECT_EQ(fake_.request_count(), 0u);  // nothing reached the model
}

TEST_F(Webhooks, TemplateAndExtractedFieldsReachTheModel) {
    auto r =
        post("/webhooks/signed", kGithubBody,
             {{"X-Hub-Signature-256", "sha256=" + to_hex(hmac(kSecret, kGithubBody))}, {"x-github-event", "issues"}});
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(fake_.request_count(), 1u);
    EXPECT_EQ(last_user_text(fake_.requests()[0]), "issues opened by octo #bug #urgent");
    auto body = json::parse(r.body);
    EXPECT_EQ(body.at("result"), "fake: issues opened by octo #bug #urgent");
    EXPECT_EQ(body.at("agent_name"), "signed");
    EXPECT_EQ(await_terminal("signed", std::string(body.at("task_id").as_string())), "completed");
}

TEST_F(Webhooks, TemplateErrorsAre400) {
    const std::string body = R"({"action":"x","labels":"not a list"})";
    auto r = post("/webhooks/signed", body, {{"X-Hub-Signature-256", "sha256=" + to_hex(hmac(kSecret, body))}});
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(json::parse(r.body).at("message"),
              "webhook_input.template: line 1: range can't iterate over \"not a list\"");
    EXPECT_EQ(fake_.request_count(), 0u);
}

TEST_F(Webhooks, CustomPathStaticInputAndMethods) {
    auto r = post("/hooks/custom", R"({"ignored":true})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json::parse(r.body).at("result"), "fake: static input");
    auto put = request(port(), "PUT", "/hooks/custom", "{}");
    EXPECT_EQ(put.status, 200) << put.body;
    auto convention = post("/webhooks/custom", "{}");  // both paths work
    EXPECT_EQ(convention.status, 200) << convention.body;

    auto del = request(port(), "DELETE", "/hooks/custom");
    EXPECT_EQ(del.status, 405);
    EXPECT_EQ(del.header("allow"), "POST, PUT");
    auto get_signed = get(port(), "/webhooks/signed");
    EXPECT_EQ(get_signed.status, 405);
    EXPECT_EQ(get_signed.header("allow"), "POST");
}

TEST_F(Webhooks, UnknownDisabledAndTriggerlessAgentsAre404) {
    for (const char* path : {"/webhooks/disabled", "/webhooks/plain", "/webhooks/nobody", "/hooks/nothing"}) {
        auto r = post(path, "{}");
        EXPECT_EQ(r.status, 404) << path << ": " << r.body;
    }
    EXPECT_EQ(fake_.request_count(), 0u);
}

TEST_F(Webhooks, SyncTimeoutIs504AndTheTaskGoesOn) {
    FakeOpenAi::Reply slow;
    slow.text = "late answer";
    slow.delay = 1500ms;
    fake_.enqueue(slow);
    auto r = post("/webhooks/slow", R"({"q":"take your time"})");
    ASSERT_EQ(r.status, 504) << r.body;
    auto body = json::parse(r.body);
    EXPECT_EQ(body.at("status"), "timeout");
    EXPECT_EQ(body.at("error"), "Agent execution timed out");
    EXPECT_EQ(body.at("agent_name"), "slow");
    const std::string id(body.at("task_id").as_string());
    EXPECT_EQ(await_terminal("slow", id), "completed");  // not canceled by the timeout
    EXPECT_EQ(tasks_get("slow", id).at("result").at("artifacts").at(0).at("parts").at(0).at("text"), "late answer");
}

TEST_F(Webhooks, SyncFailureIs500) {
    FakeOpenAi::Reply bad;
    bad.status = 400;
    bad.error_message = "the model refused";
    fake_.enqueue(bad);
    auto r = post("/webhooks/custom", "{}");
    ASSERT_EQ(r.status, 500) << r.body;
    auto body = json::parse(r.body);
    EXPECT_EQ(body.at("status"), "failed");
    EXPECT_NE(std::string(body.at("error").as_string()).find("the model refused"), std::string::npos) << r.body;
    EXPECT_EQ(body.at("agent_name"), "custom");
    EXPECT_TRUE(body.as_object().contains("task_id"));
}

TEST_F(Webhooks, AsyncAnswers202AndTheTaskCompletes) {
    auto r = post("/webhooks/queued", R"({"job":"index"})");
    ASSERT_EQ(r.status, 202) << r.body;
    auto body = json::parse(r.body);
    EXPECT_EQ(body.at("status"), "submitted");
    EXPECT_EQ(body.at("agent_name"), "queued");
    const std::string id(body.at("task_id").as_string());
    EXPECT_EQ(await_terminal("queued", id), "completed");
    EXPECT_EQ(last_user_text(fake_.requests().at(0)), R"({"job":"index"})");  // no template, no input: the body
}

TEST_F(Webhooks, IdempotencyKeyDeduplicates) {
    auto first = post("/webhooks/queued", R"({"n":1})", {{"Idempotency-Key", "delivery-1"}});
    ASSERT_EQ(first.status, 202) << first.body;
    const std::string id(json::parse(first.body).at("task_id").as_string());
    ASSERT_EQ(await_terminal("queued", id), "completed");
    auto again = post("/webhooks/queued", R"({"n":1})", {{"Idempotency-Key", "delivery-1"}});
    ASSERT_EQ(again.status, 202) << again.body;
    EXPECT_EQ(json::parse(again.body).at("task_id"), json::value(id));
    EXPECT_EQ(again.header("idempotent-replayed"), "true");
    auto github = post("/webhooks/queued", R"({"n":2})", {{"X-GitHub-Delivery", "delivery-1"}});
    ASSERT_EQ(github.status, 202);
    const std::string other(json::parse(github.body).at("task_id").as_string());
    EXPECT_NE(other, id);  // another header is another key
    ASSERT_EQ(await_terminal("queued", other), "completed");
    EXPECT_EQ(fake_.request_count(), 2u);  // the duplicate never reached the model
}

TEST_F(Webhooks, CallbackPostsTheResult) {
    receiver_.script({500});  // the first try fails; the callback is retried
    auto r =
        post("/webhooks/calling", json::serialize(json::object{{"q", "hi"}, {"callback_url", receiver_.url("/cb")}}));
    ASSERT_EQ(r.status, 202) << r.body;
    const std::string id(json::parse(r.body).at("task_id").as_string());
    ASSERT_TRUE(receiver_.wait_for(2, 15s));
    auto got = receiver_.requests();
    for (const auto& req : got) {
        EXPECT_EQ(req.path, "/cb");
        EXPECT_EQ(req.headers.at("user-agent"), "Hector-Webhook-Callback/1.0");
        auto body = json::parse(req.body);
        EXPECT_EQ(body.at("task_id"), json::value(id));
        EXPECT_EQ(body.at("status"), "completed");
        EXPECT_EQ(body.at("agent_name"), "calling");
        EXPECT_EQ(body.at("result"),
                  json::value(R"(fake: {"q":"hi","callback_url":")" + receiver_.url("/cb") + R"("})"));
    }
}

// The callback URL is the server's own task metadata: an A2A client cannot make the server post a task's result
// somewhere by dressing its message up as a webhook delivery.
TEST_F(Webhooks, AnA2aClientCannotForgeACallback) {
    json::object metadata{{"trigger", "webhook"},
                          {"callback_url", receiver_.url("/forged")},
                          {"webhook_callback_url", receiver_.url("/forged")}};
    json::object message{{"role", "user"},
                         {"messageId", "forged-1"},
                         {"metadata", metadata},
                         {"parts", json::array{json::object{{"kind", "text"}, {"text", "hi"}}}}};
    json::object req{{"jsonrpc", "2.0"},
                     {"id", 1},
                     {"method", "message/send"},
                     {"params", json::object{{"message", message}, {"metadata", metadata}}}};
    auto r = post_json(port(), "/agents/calling", json::serialize(req));
    ASSERT_EQ(r.status, 200) << r.body;
    const auto parsed = json::parse(r.body);
    const auto& task = parsed.at("result");
    EXPECT_EQ(task.at("status").at("state"), "completed") << r.body;
    EXPECT_FALSE(task.as_object().contains("metadata") &&
                 task.at("metadata").as_object().contains("webhook_callback_url"))
        << r.body;
    EXPECT_FALSE(receiver_.wait_for(1, 1500ms));
}

TEST_F(Webhooks, CallbackModeNeedsTheCallbackField) {
    auto r = post("/webhooks/calling", R"({"q":"hi"})");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(json::parse(r.body).at("message"), "the request body has no \"callback_url\" for the callback");
    auto bad = post("/webhooks/calling", R"({"callback_url":"file:///etc/passwd"})");
    EXPECT_EQ(bad.status, 400) << bad.body;
    EXPECT_EQ(fake_.request_count(), 0u);
}

TEST_F(Webhooks, ShutdownWithCallbacksStillWaitingIsClean) {
    FakeOpenAi::Reply hang;
    hang.hang = true;
    fake_.enqueue(hang);
    auto r = post("/webhooks/calling", json::serialize(json::object{{"callback_url", receiver_.url("/cb")}}));
    ASSERT_EQ(r.status, 202) << r.body;
    ASSERT_TRUE(fake_.wait_for_requests(1, 10s));  // the run is under way, its callback waits
    EXPECT_EQ(server_->stop(), 0) << server_->process().output();
}

std::vector<Receiver::Request> at_path(const Receiver& r, const std::string& path) {
    std::vector<Receiver::Request> out;
    for (auto& req : r.requests())
        if (req.path == path) out.push_back(req);
    return out;
}

TEST_F(Webhooks, NotificationsReportStartAndCompletion) {
    auto r = post("/webhooks/notified", R"({"q":"notify me"})");
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string id(json::parse(r.body).at("task_id").as_string());
    ASSERT_TRUE(receiver_.wait_for(3, 10s));  // started + completed on /events, completed on /shaped
    auto events = at_path(receiver_, "/events");
    ASSERT_EQ(events.size(), 2u);
    std::set<std::string> types;
    for (const auto& e : events) {
        auto body = json::parse(e.body);
        types.insert(std::string(body.at("type").as_string()));
        EXPECT_EQ(body.at("task_id"), json::value(id));
        EXPECT_EQ(body.at("agent_name"), "notified");
        EXPECT_EQ(e.headers.at("x-token"), "abc");
        EXPECT_EQ(e.headers.at("content-type"), "application/json");
        if (body.at("type") == "task.completed") {
            EXPECT_EQ(body.at("status"), "completed");
            EXPECT_EQ(body.at("result"), R"(fake: {"q":"notify me"})");
        } else {
            EXPECT_EQ(body.at("status"), "started");
        }
        EXPECT_TRUE(body.as_object().contains("timestamp"));
        EXPECT_TRUE(body.as_object().contains("error"));
    }
    EXPECT_EQ(types, (std::set<std::string>{"task.started", "task.completed"}));
    auto shaped = at_path(receiver_, "/shaped");
    ASSERT_EQ(shaped.size(), 1u);
    EXPECT_EQ(json::parse(shaped[0].body),
              json::parse(R"({"kind":"task.completed","id":")" + id +
                          R"(","text":"fake: {\"q\":\"notify me\"}","agent":"notified"})"));
}

TEST_F(Webhooks, NotificationsReportFailuresAndTasksStartedOverA2a) {
    FakeOpenAi::Reply bad;
    bad.status = 400;
    bad.error_message = "nope";
    fake_.enqueue(bad);
    json::object send{
        {"jsonrpc", "2.0"},
        {"id", 1},
        {"method", "message/send"},
        {"params",
         json::object{{"message", json::object{{"role", "user"},
                                               {"parts", json::array{json::object{{"kind", "text"},
                                                                                  {"text", "fail please"}}}}}}}}};
    auto r = post_json(port(), "/agents/notified", json::serialize(send));
    ASSERT_EQ(r.status, 200);
    ASSERT_TRUE(receiver_.wait_for(2, 10s));
    auto events = at_path(receiver_, "/events");
    ASSERT_EQ(events.size(), 2u);
    std::map<std::string, json::value> by_type;
    for (const auto& e : events) {
        auto body = json::parse(e.body);
        by_type[std::string(body.at("type").as_string())] = body;
    }
    ASSERT_EQ(by_type.count("task.started"), 1u);
    ASSERT_EQ(by_type.count("task.failed"), 1u);
    const auto& failed = by_type["task.failed"];
    EXPECT_EQ(failed.at("status"), "failed");
    EXPECT_EQ(failed.at("result"), "");
    EXPECT_NE(std::string(failed.at("error").as_string()).find("nope"), std::string::npos) << failed;
    EXPECT_TRUE(at_path(receiver_, "/shaped").empty());  // only task.completed goes there
}

// Templates, crons and zones compile at start-up: a bad one stops `serve` and fails `validate`, naming the agent.
TEST(WebhookConfig, BadTemplatesAndZonesFailStartUpNamingTheAgent) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"    trigger: {type: webhook, webhook_input: {template: \"{{if .body.x}}open\"}}\n",
         "agents.hook.trigger.webhook_input.template: line 1: unexpected end of template in {{if}}"},
        {"    trigger: {type: schedule, cron: \"0 9 * * *\", timezone: Mars/Base}\n",
         "agents.hook.trigger: unknown time zone \"Mars/Base\""},
        {"    notifications: [{id: n, url: \"http://x\", events: [task.failed], payload: {template: \"{{.A | "
         "nope}}\"}}]\n",
         "agents.hook.notifications[0].payload.template: line 1: function \"nope\" not defined"},
    };
    for (const auto& [agent_yaml, message] : cases) {
        TempDir dir;
        dir.write("config.yaml", "llms: {m: {provider: echo}}\nagents:\n  hook:\n    llm: m\n" + agent_yaml);
        Process serve({.program = HECTOR_BINARY,
                       .args = {"--config", "config.yaml", "serve", "--port", "0", "--ephemeral"},
                       .cwd = dir.path(),
                       .env = {{"HOME", dir.path()}}});
        EXPECT_EQ(serve.wait(10s), 1) << serve.output();
        EXPECT_NE(serve.output().find("error: " + message), std::string::npos) << serve.output();
        Process validate({.program = HECTOR_BINARY,
                          .args = {"validate", "config.yaml"},
                          .cwd = dir.path(),
                          .env = {{"HOME", dir.path()}}});
        EXPECT_EQ(validate.wait(10s), 1) << validate.output();
        EXPECT_NE(validate.output().find("error: " + message), std::string::npos) << "validate printed:\n"
                                                                                  << validate.output();
    }
}

// The callback URL travels with the task in the store: when the instance that took the webhook dies mid-run, the
// instance that finishes the task after recovery sends the callback, once.
TEST(WebhookRecovery, ACallbackSurvivesTheCrashOfItsInstance) {
    FakeOpenAi fake;
    FakeOpenAi::Reply hang;
    hang.hang = true;
    fake.enqueue(hang);
    fake.set_default([](const std::string&) { return FakeOpenAi::Reply{.text = "answered after the crash"}; });
    Receiver receiver;
    const std::string config =
        "llms:\n  gpt: {provider: openai, model: m, api_key: k, max_retries: 0, base_url: " + fake.base_url() +
        "}\nqueue: {lease_timeout: 1s, max_retries: 2}\n"
        "agents:\n  calling:\n    llm: gpt\n    trigger: {type: webhook, response: {mode: "
        "callback}}\nserver:\n  outbound: {allow_private_networks: true}\n";
    TempDir dir;
    std::string id;
    {
        HectorServer first({.config_yaml = config, .cwd = dir.path()});
        auto r = post_json(first.port(), "/webhooks/calling",
                           json::serialize(json::object{{"callback_url", receiver.url("/cb")}}));
        ASSERT_EQ(r.status, 202) << r.body;
        id = std::string(json::parse(r.body).at("task_id").as_string());
        ASSERT_TRUE(fake.wait_for_requests(1, 10s));  // the run is under way
        first.process().signal(SIGKILL);
        first.process().wait(5s);
    }
    EXPECT_EQ(receiver.requests().size(), 0u);
    HectorServer second({.config_yaml = config, .cwd = dir.path()});
    ASSERT_TRUE(receiver.wait_for(1, 20s)) << second.process().output();
    auto body = json::parse(receiver.requests().at(0).body);
    EXPECT_EQ(body.at("task_id"), json::value(id));
    EXPECT_EQ(body.at("status"), "completed");
    EXPECT_EQ(body.at("result"), "answered after the crash");
    // Once: a later status of the same task (or a second look) sends nothing more.
    EXPECT_FALSE(receiver.wait_for(2, 1500ms));
}

// Callback URLs are chosen by the caller, so private addresses are refused unless allow_private_networks
// (DECISIONS 28); notification URLs come from the config file and are not restricted.
TEST(WebhookOutbound, CallbacksArePublicOnlyNotificationsAreNot) {
    FakeOpenAi fake;
    Receiver receiver;
    const std::string config = R"(
llms:
  gpt: {provider: openai, model: gpt-4o-mini, api_key: sk-test, base_url: )" +
                               fake.base_url() + R"(}
agents:
  calling:
    llm: gpt
    trigger: {type: webhook, response: {mode: callback}}
    notifications:
      - {id: n, url: ")" + receiver.url("/note") +
                               R"(", events: [task.completed]}
)";
    HectorServer server({.config_yaml = config});
    auto r = request(server.port(), "POST", "/webhooks/calling",
                     json::serialize(json::object{{"callback_url", receiver.url("/cb")}}));
    ASSERT_EQ(r.status, 202) << r.body;
    const std::string id(json::parse(r.body).at("task_id").as_string());
    ASSERT_TRUE(server.process().wait_for_output(
        "callback of task " + id + " to " + receiver.url("/cb") + " failed after 1 attempt(s)", 10s))
        << server.process().output();
    ASSERT_TRUE(receiver.wait_for(1, 10s));
    auto got = receiver.requests();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].path, "/note");
    EXPECT_EQ(json::parse(got[0].body).at("task_id"), json::value(id));
}

// Schedules: a cron every minute on a clock running 60 times faster (HECTOR_TEST_SCHEDULER_SPEEDUP), two
// instances on one database sharing that clock; each minute starts one task, on one of them, and the other sees the
// firing taken.
TEST(Schedules, EachFiringRunsOnceAcrossInstances) {
    FakeOpenAi fake;
    TempDir shared;
    const std::string config = R"(
llms:
  gpt: {provider: openai, model: gpt-4o-mini, api_key: sk-test, base_url: )" +
                               fake.base_url() + R"(}
agents:
  ticker:
    llm: gpt
    trigger: {type: schedule, cron: "* * * * *", timezone: Europe/Berlin, input: scheduled hello}
)";
    const auto origin = std::chrono::floor<std::chrono::minutes>(std::chrono::system_clock::now());
    HectorServer::Options options{.config_yaml = config,
                                  .args = {"--log-level", "debug"},
                                  .env = {{"HECTOR_TEST_SCHEDULER_SPEEDUP", "60@" + format_rfc3339(origin)}},
                                  .cwd = shared.path()};
    HectorServer a(options);
    HectorServer b(options);
    ASSERT_TRUE(fake.wait_for_requests(4, 60s));
    a.stop();
    b.stop();
    EXPECT_EQ(last_user_text(fake.requests()[0]), "scheduled hello");
    // Every firing time was started exactly once, by one instance or the other.
    std::regex started(R"(scheduled run at (\S+) started task)");
    std::regex taken(R"(the firing at (\S+) runs on another instance)");
    std::multiset<std::string> times;
    std::set<std::string> lost;
    for (auto* server : {&a, &b}) {
        const std::string out = server->process().output();
        for (std::sregex_iterator it(out.begin(), out.end(), started), end; it != end; ++it) times.insert((*it)[1]);
        for (std::sregex_iterator it(out.begin(), out.end(), taken), end; it != end; ++it) lost.insert((*it)[1]);
    }
    EXPECT_GE(times.size(), 4u);
    for (const auto& t : times) EXPECT_EQ(times.count(t), 1u) << t << " fired more than once";
    // Both instances reached the same firings: the one that lost a race saw the firing taken.
    EXPECT_FALSE(lost.empty());
}

}  // namespace
}  // namespace hector::test
