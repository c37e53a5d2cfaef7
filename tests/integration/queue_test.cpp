// The durable queue end to end: background sends, retries with backoff, the dead-letter queue and requeue, the
// per-attempt timeout, and recovery of runs whose process was killed (kill -9) on SQLite.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <csignal>
#include <memory>
#include <thread>

#include "support/fake_openai.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

namespace hector::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

const std::map<std::string, std::string> kAdmin{{"Authorization", "Bearer queue-test-secret"}};

std::string config_for(const FakeOpenAi& fake, const std::string& extra = "") {
    return R"(
llms:
  gpt: {provider: openai, model: gpt-4o, api_key: k, base_url: )" +
           fake.base_url() + R"(, max_retries: 0}
agents:
  worker: {llm: gpt}
  strict: {llm: gpt, instruction: "needs {missing_key}"}
queue:
  workers: 4
  max_retries: 2
  retry_backoff: 50ms
  max_backoff: 200ms
  lease_timeout: 2s
  task_timeout: 3s
)" + extra;
}

// The fake answers "done: <text>" after `delay`.
void answer_after(FakeOpenAi& fake, std::chrono::milliseconds delay) {
    fake.set_default([delay](const std::string& text) {
        FakeOpenAi::Reply r;
        r.text = "done: " + text;
        r.delay = delay;
        return r;
    });
}

// The fake answers "done: <text>" after `delay` to the message `slow_text`, and after 10 ms to any other.
void answer_slowly_to(FakeOpenAi& fake, std::string slow_text, std::chrono::milliseconds delay) {
    fake.set_default([slow_text = std::move(slow_text), delay](const std::string& text) {
        FakeOpenAi::Reply r;
        r.text = "done: " + text;
        r.delay = text == slow_text ? delay : 10ms;
        return r;
    });
}

// A user's text message in the conversation `context`.
json::object message_in(const std::string& text, const std::string& context) {
    return json::object{{"role", "user"},
                        {"contextId", context},
                        {"parts", json::array{json::object{{"kind", "text"}, {"text", text}}}}};
}

json::value rpc(int port, const std::string& agent, const std::string& method, const json::value& params) {
    json::object req{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    auto r = post_json(port, "/agents/" + agent, json::serialize(req));
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body);
}

std::string send_background(int port, const std::string& agent, const std::string& text) {
    json::object m{{"role", "user"}, {"parts", json::array{json::object{{"kind", "text"}, {"text", text}}}}};
    auto r = rpc(port, agent, "message/send",
                 json::object{{"message", m}, {"configuration", json::object{{"blocking", false}}}});
    return std::string(r.at("result").at("id").as_string());
}

std::string wait_terminal(int port, const std::string& agent, const std::string& id,
                          std::chrono::milliseconds limit = 20s) {
    auto until = std::chrono::steady_clock::now() + limit;
    std::string state;
    while (std::chrono::steady_clock::now() < until) {
        auto r = rpc(port, agent, "tasks/get", json::object{{"id", id}});
        state = std::string(r.at("result").at("status").at("state").as_string());
        if (state == "completed" || state == "failed" || state == "canceled") return state;
        std::this_thread::sleep_for(50ms);
    }
    return state;
}

json::value admin_get(int port, const std::string& path) {
    auto r = get(port, path, kAdmin);
    EXPECT_EQ(r.status, 200) << path << " " << r.body;
    return json::parse(r.body);
}

TEST(Queue, BackgroundJobsRetryThenLandInTheDeadLetterQueue) {
    FakeOpenAi fake;
    fake.set_default([](const std::string&) {
        FakeOpenAi::Reply r;
        r.status = 503;
        r.error_message = "overloaded";
        return r;
    });
    HectorServer server({.config_yaml = config_for(fake), .args = {"--auth-secret", "queue-test-secret"}});
    auto id = send_background(server.port(), "worker", "always fails");
    EXPECT_EQ(wait_terminal(server.port(), "worker", id), "failed");
    EXPECT_EQ(fake.request_count(), 3u);  // the first attempt and max_retries (2) more
    auto dlq = admin_get(server.port(), "/admin/queue/dlq");
    ASSERT_EQ(dlq.at("count"), 1);
    const auto& item = dlq.at("items").at(0);
    EXPECT_EQ(item.at("task_id").as_string(), id);
    EXPECT_EQ(item.at("retry_count"), 2);
    EXPECT_NE(std::string(item.at("error").as_string()).find("overloaded"), std::string::npos);
    EXPECT_EQ(std::string(item.at("id").as_string()).rfind("dlq-", 0), 0u);
    auto stats = admin_get(server.port(), "/admin/queue/stats");
    EXPECT_EQ(stats.at("failed"), 1);
    EXPECT_EQ(stats.at("pending"), 0);

    // Requeue re-runs it from its original input; now the model answers.
    fake.set_default([](const std::string& text) {
        FakeOpenAi::Reply r;
        r.text = "recovered: " + text;
        return r;
    });
    const std::string letter(item.at("id").as_string());
    auto requeued = request(server.port(), "POST", "/admin/queue/dlq/" + letter + "/requeue", "", kAdmin);
    ASSERT_EQ(requeued.status, 200) << requeued.body;
    EXPECT_EQ(json::parse(requeued.body), (json::value{{"requeued", true}}));
    EXPECT_EQ(wait_terminal(server.port(), "worker", id), "completed");
    EXPECT_EQ(admin_get(server.port(), "/admin/queue/dlq").at("count"), 0);
    EXPECT_EQ(request(server.port(), "POST", "/admin/queue/dlq/" + letter + "/requeue", "", kAdmin).status, 404);
    auto after = admin_get(server.port(), "/admin/queue/stats");
    EXPECT_EQ(after.at("completed"), 1);
    EXPECT_EQ(after.at("failed"), 0);
}

TEST(Queue, DeterministicFailuresAreDeadLetteredAtOnce) {
    FakeOpenAi fake;
    HectorServer server({.config_yaml = config_for(fake), .args = {"--auth-secret", "queue-test-secret"}});
    auto id = send_background(server.port(), "strict", "hi");
    EXPECT_EQ(wait_terminal(server.port(), "strict", id), "failed");
    EXPECT_EQ(fake.request_count(), 0u);
    auto dlq = admin_get(server.port(), "/admin/queue/dlq?limit=500");
    ASSERT_EQ(dlq.at("count"), 1);
    EXPECT_EQ(dlq.at("items").at(0).at("retry_count"), 0);
}

TEST(Queue, InteractiveFailuresNeverReachTheDeadLetterQueue) {
    FakeOpenAi fake;
    fake.enqueue({.status = 500, .error_message = "boom"});
    HectorServer server({.config_yaml = config_for(fake), .args = {"--auth-secret", "queue-test-secret"}});
    json::object m{{"role", "user"}, {"parts", json::array{json::object{{"kind", "text"}, {"text", "x"}}}}};
    auto r = rpc(server.port(), "worker", "message/send", json::object{{"message", m}});
    EXPECT_EQ(r.at("result").at("status").at("state"), "failed");
    EXPECT_EQ(admin_get(server.port(), "/admin/queue/dlq").at("count"), 0);
}

// A cancel that lands while a worker claims the job (before, during or after its run starts) is never undone by
// the run: the task reads canceled at once and stays canceled. A cancel that reaches a run before its first step
// (spawned from another thread, it starts on its strand later) must not abort the server either: enough rounds
// here hit that window.
TEST(Queue, CancelRacingTheClaimSticks) {
    FakeOpenAi fake;
    fake.set_default([](const std::string&) { return FakeOpenAi::Reply{.text = "late", .delay = 300ms}; });
    HectorServer server({.config_yaml = config_for(fake)});
    std::vector<std::string> ids;
    for (int i = 0; i < 100; ++i) {
        auto id = send_background(server.port(), "worker", "race " + std::to_string(i));
        auto canceled = rpc(server.port(), "worker", "tasks/cancel", json::object{{"id", id}});
        ASSERT_EQ(canceled.at("result").at("status").at("state"), "canceled") << canceled;
        auto got = rpc(server.port(), "worker", "tasks/get", json::object{{"id", id}});
        EXPECT_EQ(got.at("result").at("status").at("state"), "canceled") << "task " << i;
        ids.push_back(id);
    }
    std::this_thread::sleep_for(500ms);  // any run that started would have answered by now
    for (const auto& id : ids)
        EXPECT_EQ(
            rpc(server.port(), "worker", "tasks/get", json::object{{"id", id}}).at("result").at("status").at("state"),
            "canceled");
}

TEST(Queue, EachAttemptIsBoundedByTheTaskTimeout) {
    FakeOpenAi fake;
    fake.set_default([](const std::string&) {
        FakeOpenAi::Reply r;
        r.hang = true;
        return r;
    });
    HectorServer server({.config_yaml = config_for(fake, "server:\n  shutdown_timeout: 1s\n"),
                         .args = {"--auth-secret", "queue-test-secret"}});
    auto id = send_background(server.port(), "worker", "never answered");
    EXPECT_EQ(wait_terminal(server.port(), "worker", id, 30s), "failed");
    EXPECT_EQ(fake.request_count(), 3u);
    auto dlq = admin_get(server.port(), "/admin/queue/dlq");
    ASSERT_EQ(dlq.at("count"), 1);
    EXPECT_NE(std::string(dlq.at("items").at(0).at("error").as_string()).find("timeout"), std::string::npos);
}

TEST(Queue, DeletingAnAppStopsItsRunsAndEmptiesItsQueue) {
    FakeOpenAi fake;
    fake.set_default([](const std::string& text) {
        FakeOpenAi::Reply r;
        if (text.find("fails") != std::string::npos) {
            r.status = 503;
            r.error_message = "overloaded";
        } else {
            r.text = "late answer";
            r.delay = 8s;
        }
        return r;
    });
    auto config = config_for(fake);
    config.replace(config.find("task_timeout: 3s"), 16, "task_timeout: 60s");
    HectorServer server({.config_yaml = config, .args = {"--auth-secret", "queue-test-secret"}});
    // An app of its own: no llms, so the server's gpt serves its agent.

    json::object create{{"name", "doomed"}, {"config_json", R"({"agents":{"bot":{"llm":"gpt"}}})"}};
    auto created = request(server.port(), "POST", "/admin/apps", json::serialize(create),
                           {{"Authorization", "Bearer queue-test-secret"}, {"Content-Type", "application/json"}});
    ASSERT_EQ(created.status, 201) << created.body;
    const auto app = json::parse(created.body);
    const std::string app_id(app.at("app").at("id").as_string());
    const std::map<std::string, std::string> as_app{
        {"Authorization", "Bearer " + std::string(app.at("access_token").as_string())},
        {"Content-Type", "application/json"}};
    auto app_send = [&](const std::string& text) {
        json::object m{{"role", "user"}, {"parts", json::array{json::object{{"kind", "text"}, {"text", text}}}}};
        json::object req{
            {"jsonrpc", "2.0"},
            {"id", 1},
            {"method", "message/send"},
            {"params", json::object{{"message", m}, {"configuration", json::object{{"blocking", false}}}}}};
        auto r = request(server.port(), "POST", "/agents/bot", json::serialize(req), as_app);
        EXPECT_EQ(r.status, 200) << r.body;
        return std::string(json::parse(r.body).at("result").at("id").as_string());
    };
    app_send("this one fails");
    for (int i = 0; i < 3; ++i) app_send("slow job " + std::to_string(i));
    // The failing job reaches the app's DLQ; the slow ones are running.
    const std::string dlq_path = "/admin/queue/dlq?app_id=" + app_id;
    for (int i = 0; i < 200 && admin_get(server.port(), dlq_path).at("count") != 1; ++i)
        std::this_thread::sleep_for(50ms);
    ASSERT_EQ(admin_get(server.port(), dlq_path).at("count"), 1);
    ASSERT_TRUE(fake.wait_for_requests(6, 10s));  // three attempts of the failing job, three slow runs
    EXPECT_EQ(admin_get(server.port(), "/admin/queue/stats?app_id=" + app_id).at("running"), 3)
        << server.process().output();

    // The default app has a job of its own that must not be touched.
    auto kept = send_background(server.port(), "worker", "slow job of the default app");

    auto deleted = request(server.port(), "DELETE", "/admin/apps/" + app_id, "", kAdmin);
    ASSERT_EQ(deleted.status, 204) << deleted.body;
    EXPECT_EQ(admin_get(server.port(), dlq_path).at("count"), 0);
    auto stats = admin_get(server.port(), "/admin/queue/stats?app_id=" + app_id);
    EXPECT_EQ(stats, (json::value{{"pending", 0}, {"running", 0}, {"completed", 0}, {"failed", 0}}));
    // The deleted app's runs stopped and wrote nothing back; the default app's job still completes.
    EXPECT_EQ(wait_terminal(server.port(), "worker", kept), "completed");
    EXPECT_EQ(admin_get(server.port(), "/admin/queue/stats?app_id=" + app_id),
              (json::value{{"pending", 0}, {"running", 0}, {"completed", 0}, {"failed", 0}}));
    EXPECT_EQ(fake.request_count(), 7u);  // nothing of the deleted app was retried or resumed
}

// queue.workers bounds how many background jobs run at once on an instance, also when a run's end claims the next
// job in its own transaction; and the workers are all used.
// A queued job's input is the whole message: one with a deeply nested data part (deeper than a JSON parser's usual
// 32 levels once wrapped in the queue row) is read back and runs like any other, on SQLite (the default).
TEST(Queue, AJobWhoseMessageNestsDeeplyStillRuns) {
    FakeOpenAi fake;
    answer_after(fake, 10ms);
    HectorServer server({.config_yaml = config_for(fake), .args = {"--auth-secret", "queue-test-secret"}});
    json::value deep = json::object{{"leaf", true}};
    for (int i = 0; i < 40; ++i) deep = json::object{{"n", std::move(deep)}};
    json::object m{{"role", "user"},
                   {"parts", json::array{json::object{{"kind", "text"}, {"text", "deep"}},
                                         json::object{{"kind", "data"}, {"data", deep}}}}};
    // The answers nest deeper than json::parse allows by default.
    json::parse_options deep_enough;
    deep_enough.max_depth = 128;
    auto call = [&](const std::string& method, const json::value& params) {
        json::object req{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
        auto res = post_json(server.port(), "/agents/worker", json::serialize(req));
        EXPECT_EQ(res.status, 200) << res.body;
        return json::parse(res.body, {}, deep_enough);
    };
    auto r = call("message/send", json::object{{"message", m}, {"configuration", json::object{{"blocking", false}}}});
    const std::string id(r.at("result").at("id").as_string());
    std::string state;
    for (int i = 0; i < 400 && state != "completed" && state != "failed"; ++i) {
        std::this_thread::sleep_for(50ms);
        state =
            std::string(call("tasks/get", json::object{{"id", id}}).at("result").at("status").at("state").as_string());
    }
    ASSERT_EQ(state, "completed");
    auto got = call("tasks/get", json::object{{"id", id}});
    const json::value* at = &got.at("result").at("history").at(0).at("parts").at(1).at("data");
    for (int i = 0; i < 40; ++i) at = &at->at("n");
    EXPECT_EQ(*at, (json::object{{"leaf", true}}));
}

TEST(Queue, WorkersBoundHowManyJobsRunAtOnce) {
    FakeOpenAi fake;
    answer_after(fake, 150ms);
    auto config = config_for(fake);
    config.replace(config.find("workers: 4"), 10, "workers: 2");
    HectorServer server({.config_yaml = config, .args = {"--auth-secret", "queue-test-secret"}});
    std::vector<std::string> ids;
    for (int i = 0; i < 12; ++i) ids.push_back(send_background(server.port(), "worker", "job " + std::to_string(i)));
    for (const auto& id : ids) EXPECT_EQ(wait_terminal(server.port(), "worker", id), "completed") << id;
    EXPECT_EQ(fake.request_count(), 12u);
    EXPECT_EQ(fake.max_concurrent(), 2u);
}

// A background message to a conversation whose blocking run is still going waits for it (DECISIONS 20), then starts
// as soon as that run ends, with polling stretched to a minute, on SQLite and in memory; its model sees the answer.
TEST(Queue, AQueuedJobOfAConversationStartsWhenItsRunningTurnEnds) {
    const std::map<std::string, std::string> slow_polls{{"HECTOR_TEST_POLL_INTERVAL_MS", "60000"}};
    for (const std::string storage :
         {"", "storage:\n  tasks: {backend: inmemory}\n  sessions: {backend: inmemory}\n"}) {
        SCOPED_TRACE(storage.empty() ? "sqlite" : "memory");
        FakeOpenAi fake;
        answer_slowly_to(fake, "hold", 800ms);
        HectorServer server({.config_yaml = config_for(fake, storage), .env = slow_polls});
        auto message = [](const std::string& text) { return message_in(text, "conv-q"); };
        std::thread blocking([&] {
            auto r = rpc(server.port(), "worker", "message/send", json::object{{"message", message("hold")}});
            EXPECT_EQ(r.at("result").at("status").at("state"), "completed") << r;
        });
        ASSERT_TRUE(fake.wait_for_requests(1, 5s));
        auto queued =
            rpc(server.port(), "worker", "message/send",
                json::object{{"message", message("next")}, {"configuration", json::object{{"blocking", false}}}});
        const std::string id(queued.at("result").at("id").as_string());
        blocking.join();
        EXPECT_EQ(wait_terminal(server.port(), "worker", id, 5s), "completed");
        ASSERT_EQ(fake.request_count(), 2u);
        EXPECT_NE(json::serialize(fake.requests().back().body).find("done: hold"), std::string::npos);
    }
}

// And the other way round: a blocking send to a conversation whose earlier message still waits in the queue (its
// only worker is busy elsewhere) waits for that job, then answers with it in the history (DECISIONS 20, FIFO).
TEST(Queue, ABlockingSendWaitsForTheQueuedJobOfItsConversation) {
    FakeOpenAi fake;
    answer_slowly_to(fake, "busy", 600ms);
    auto config = config_for(fake);
    config.replace(config.find("workers: 4"), 10, "workers: 1");
    HectorServer server({.config_yaml = config});
    const auto& message = message_in;
    const json::object background{{"blocking", false}};
    auto busy = rpc(server.port(), "worker", "message/send",
                    json::object{{"message", message("busy", "elsewhere")}, {"configuration", background}});
    ASSERT_TRUE(fake.wait_for_requests(1, 5s));  // the only worker is taken
    auto queued = rpc(server.port(), "worker", "message/send",
                      json::object{{"message", message("queued", "conv-f")}, {"configuration", background}});
    const std::string queued_id(queued.at("result").at("id").as_string());
    auto answer = rpc(server.port(), "worker", "message/send", json::object{{"message", message("now", "conv-f")}});
    ASSERT_TRUE(answer.as_object().contains("result")) << answer;
    EXPECT_EQ(answer.at("result").at("status").at("state"), "completed");
    EXPECT_EQ(wait_terminal(server.port(), "worker", queued_id, 1s), "completed");  // it ran first
    ASSERT_EQ(fake.request_count(), 3u);
    const auto last = json::serialize(fake.requests().back().body);
    EXPECT_NE(last.find("\"now\""), std::string::npos) << last;
    EXPECT_NE(last.find("done: queued"), std::string::npos) << last;
}

// A canceled job that waited for a worker no longer holds back its conversation: the next message runs at once,
// while the only worker is still busy elsewhere.
TEST(Queue, ACanceledQueuedJobDoesNotHoldBackItsConversation) {
    FakeOpenAi fake;
    answer_slowly_to(fake, "busy", 3s);
    auto config = config_for(fake);
    config.replace(config.find("workers: 4"), 10, "workers: 1");
    config.replace(config.find("task_timeout: 3s"), 16, "task_timeout: 9s");
    HectorServer server({.config_yaml = config});
    const auto& message = message_in;
    const json::object background{{"blocking", false}};
    auto busy = rpc(server.port(), "worker", "message/send",
                    json::object{{"message", message("busy", "elsewhere")}, {"configuration", background}});
    const std::string busy_id(busy.at("result").at("id").as_string());
    ASSERT_TRUE(fake.wait_for_requests(1, 5s));
    auto queued = rpc(server.port(), "worker", "message/send",
                      json::object{{"message", message("queued", "conv-g")}, {"configuration", background}});
    const std::string queued_id(queued.at("result").at("id").as_string());
    auto canceled = rpc(server.port(), "worker", "tasks/cancel", json::object{{"id", queued_id}});
    EXPECT_EQ(canceled.at("result").at("status").at("state"), "canceled") << canceled;
    auto answer = rpc(server.port(), "worker", "message/send", json::object{{"message", message("now", "conv-g")}});
    ASSERT_TRUE(answer.as_object().contains("result")) << answer;
    EXPECT_EQ(answer.at("result").at("status").at("state"), "completed");
    auto still = rpc(server.port(), "worker", "tasks/get", json::object{{"id", busy_id}});
    EXPECT_EQ(still.at("result").at("status").at("state"), "working");  // the worker never got to the canceled job
    EXPECT_EQ(wait_terminal(server.port(), "worker", busy_id), "completed");
    EXPECT_EQ(fake.request_count(), 2u);  // "queued" never reached the model
}

// Two blocking sends to one conversation at once (a double submit): the second waits for the first and sees its
// answer; both complete.
TEST(Queue, TwoBlockingSendsToOneConversationRunOneAfterTheOther) {
    FakeOpenAi fake;
    answer_slowly_to(fake, "one", 400ms);
    HectorServer server({.config_yaml = config_for(fake)});
    auto send = [&](const std::string& text) {
        return rpc(server.port(), "worker", "message/send", json::object{{"message", message_in(text, "conv-d")}});
    };
    json::value first;
    std::thread t([&] { first = send("one"); });
    ASSERT_TRUE(fake.wait_for_requests(1, 5s));
    auto second = send("two");
    t.join();
    ASSERT_TRUE(first.as_object().contains("result")) << first;
    ASSERT_TRUE(second.as_object().contains("result")) << second;
    EXPECT_EQ(first.at("result").at("status").at("state"), "completed");
    EXPECT_EQ(second.at("result").at("status").at("state"), "completed");
    ASSERT_EQ(fake.request_count(), 2u);
    EXPECT_NE(json::serialize(fake.requests().back().body).find("done: one"), std::string::npos);
}

TEST(Queue, QueueRoutesAreAdminOnly) {
    FakeOpenAi fake;
    HectorServer server({.config_yaml = config_for(fake), .args = {"--auth-secret", "queue-test-secret"}});
    EXPECT_EQ(get(server.port(), "/admin/queue/stats").status, 401);
    EXPECT_EQ(get(server.port(), "/admin/queue/dlq", {{"Authorization", "Bearer wrong"}}).status, 401);
    EXPECT_EQ(get(server.port(), "/admin/queue/dlq?limit=abc", kAdmin).status, 400);
    EXPECT_EQ(request(server.port(), "POST", "/admin/queue/dlq/dlq-nope/requeue", "", kAdmin).status, 404);
    HectorServer no_admin({.config_yaml = config_for(fake)});
    EXPECT_EQ(get(no_admin.port(), "/admin/queue/stats").status, 404);
}

// Kill the process in the middle of background runs: after a restart on the same database every task finishes,
// exactly once.
TEST(Recovery, KillNineMidRunLosesNothing) {
    FakeOpenAi fake;
    answer_after(fake, 150ms);
    TempDir dir;
    const std::string config = config_for(fake);
    std::vector<std::string> ids;
    {
        HectorServer first({.config_yaml = config, .args = {"--auth-secret", "queue-test-secret"}, .cwd = dir.path()});
        for (int i = 0; i < 200; ++i)
            ids.push_back(send_background(first.port(), "worker", "job " + std::to_string(i)));
        ASSERT_TRUE(fake.wait_for_requests(40, 30s));
        first.process().signal(SIGKILL);
        first.process().wait(5s);
    }
    HectorServer second({.config_yaml = config, .args = {"--auth-secret", "queue-test-secret"}, .cwd = dir.path()});
    for (const auto& id : ids) ASSERT_EQ(wait_terminal(second.port(), "worker", id, 60s), "completed") << id;
    // Exactly once: each task ends with one answer in its history and its conversation.
    for (const auto& id : ids) {
        auto task = rpc(second.port(), "worker", "tasks/get", json::object{{"id", id}}).at("result");
        EXPECT_EQ(task.at("history").as_array().size(), 2u) << id;
        EXPECT_EQ(task.at("artifacts").as_array().size(), 1u) << id;
        const std::string context(task.at("contextId").as_string());
        auto session = admin_get(second.port(), "/admin/sessions/" + context);
        int answers = 0, questions = 0;
        for (const auto& e : session.at("events").as_array()) {
            const auto& msg = e.at("message");
            if (msg.is_null() || !msg.is_object() || !msg.as_object().contains("role")) continue;
            if (msg.at("role") == "agent") ++answers;
            if (msg.at("role") == "user") ++questions;
        }
        EXPECT_EQ(answers, 1) << context;
        EXPECT_EQ(questions, 1) << context;
    }
    auto stats = admin_get(second.port(), "/admin/queue/stats");
    EXPECT_EQ(stats.at("completed"), 200);
    EXPECT_EQ(stats.at("pending"), 0);
    EXPECT_EQ(stats.at("running"), 0);
}

/// Starts a streamed (interactive) run on a fresh instance in `dir`, waits until the model has the request, then
/// kills the instance with SIGKILL. Returns the task id.
std::string stream_then_kill(const std::string& config, const TempDir& dir, FakeOpenAi& fake) {
    HectorServer first({.config_yaml = config, .cwd = dir.path()});
    json::object m{{"role", "user"}, {"parts", json::array{json::object{{"kind", "text"}, {"text", "wait"}}}}};
    json::object req{
        {"jsonrpc", "2.0"}, {"id", 1}, {"method", "message/stream"}, {"params", json::object{{"message", m}}}};
    Connection c(first.port());
    c.send(format_request("POST", "/agents/worker", json::serialize(req), {}));
    c.read_headers();
    auto line = c.read_line();
    while (line && line->rfind("data: ", 0) != 0) line = c.read_line();
    EXPECT_TRUE(line);
    if (!line) return "";
    std::string id(json::parse(line->substr(6)).at("result").at("id").as_string());
    EXPECT_TRUE(fake.wait_for_requests(1, 10s));
    first.process().signal(SIGKILL);
    first.process().wait(5s);
    return id;
}

/// The first model call hangs (its instance is killed); later calls answer.
void hang_first_call(FakeOpenAi& fake) {
    auto calls = std::make_shared<std::atomic<int>>(0);
    fake.set_default([calls](const std::string&) {
        FakeOpenAi::Reply r;
        if (calls->fetch_add(1) == 0)
            r.hang = true;
        else
            r.text = "resumed answer";
        return r;
    });
}

std::string status_text(int port, const std::string& id) {
    auto task = rpc(port, "worker", "tasks/get", json::object{{"id", id}}).at("result");
    return json::serialize(task.at("status"));
}

TEST(Recovery, InteractiveRunsOfADeadProcessFailAsInterrupted) {
    FakeOpenAi fake;
    hang_first_call(fake);
    TempDir dir;
    const std::string config = config_for(fake);
    const auto id = stream_then_kill(config, dir, fake);
    ASSERT_FALSE(id.empty());
    HectorServer second({.config_yaml = config, .cwd = dir.path()});
    EXPECT_EQ(wait_terminal(second.port(), "worker", id, 30s), "failed");
    EXPECT_NE(status_text(second.port(), id).find("interrupted"), std::string::npos);
    EXPECT_EQ(fake.request_count(), 1u);
}

TEST(Recovery, AutoResumeRunsInterruptedInteractiveTasksAgain) {
    FakeOpenAi fake;
    hang_first_call(fake);
    TempDir dir;
    const std::string config =
        config_for(fake, "storage:\n  checkpoint:\n    enabled: true\n    recovery: {auto_resume: true}\n");
    const auto id = stream_then_kill(config, dir, fake);
    ASSERT_FALSE(id.empty());
    HectorServer second({.config_yaml = config, .cwd = dir.path()});
    EXPECT_EQ(wait_terminal(second.port(), "worker", id, 30s), "completed");
    auto task = rpc(second.port(), "worker", "tasks/get", json::object{{"id", id}}).at("result");
    EXPECT_NE(json::serialize(task.at("artifacts")).find("resumed answer"), std::string::npos) << task;
    EXPECT_EQ(task.at("history").as_array().size(), 2u) << task;  // the question once, one answer
}

TEST(Recovery, AutoResumeGivesUpOnRunsOlderThanTheRecoveryTimeout) {
    FakeOpenAi fake;
    hang_first_call(fake);
    TempDir dir;
    const std::string config =
        config_for(fake, "storage:\n  checkpoint:\n    enabled: true\n    recovery: {auto_resume: true, timeout: 1}\n");
    const auto id = stream_then_kill(config, dir, fake);
    ASSERT_FALSE(id.empty());
    std::this_thread::sleep_for(1500ms);  // the run's last save is now older than recovery.timeout
    HectorServer second({.config_yaml = config, .cwd = dir.path()});
    EXPECT_EQ(wait_terminal(second.port(), "worker", id, 30s), "failed");
    EXPECT_NE(status_text(second.port(), id).find("checkpoint expired"), std::string::npos);
    EXPECT_EQ(fake.request_count(), 1u);
}

}  // namespace
}  // namespace hector::test
