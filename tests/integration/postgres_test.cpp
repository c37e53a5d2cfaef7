// Several instances on one PostgreSQL database, and the crash test on PostgreSQL. Skipped (with a message) when
// HECTOR_TEST_PG_DSN is not set; scripts/test starts a throwaway cluster and sets it.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <boost/json.hpp>

#include <csignal>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "support/fake_openai.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/sse_client.hpp"

namespace hector::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// A fresh schema per test, so runs never see each other's rows.
std::string fresh_dsn() {
    const char* base = std::getenv("HECTOR_TEST_PG_DSN");
    if (!base || !*base) return {};
    std::random_device rd;
    std::string schema = "it_" + std::to_string(rd() % 100000000);
    PGconn* c = PQconnectdb(base);
    if (PQstatus(c) != CONNECTION_OK) {
        PQfinish(c);
        return {};
    }
    PGresult* r = PQexec(c, ("CREATE SCHEMA " + schema).c_str());
    PQclear(r);
    PQfinish(c);
    std::string dsn = base;
    dsn += (dsn.find('?') == std::string::npos ? "?" : "&");
    dsn += "options=-c%20search_path%3D" + schema;
    return dsn;
}

std::string config_for(const FakeOpenAi& fake, const std::string& dsn, const std::string& instance) {
    return R"(
llms:
  gpt:
    provider: openai
    model: gpt-4o
    api_key: k
    base_url: )" +
           fake.base_url() +
           R"(
    max_retries: 0
    headers: {X-Instance: )" +
           instance +
           R"(}
agents:
  worker: {llm: gpt}
databases:
  main: {driver: postgres, dsn: ")" +
           dsn +
           R"("}
storage:
  tasks: {backend: sql, database: main}
  sessions: {backend: sql, database: main}
queue: {workers: 6, lease_timeout: 2s, retry_backoff: 50ms}
)";
}

json::value rpc(int port, const std::string& method, const json::value& params) {
    json::object req{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    auto r = post_json(port, "/agents/worker", json::serialize(req));
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body);
}

std::string send_background(int port, const std::string& text) {
    json::object m{{"role", "user"}, {"parts", json::array{json::object{{"kind", "text"}, {"text", text}}}}};
    return std::string(
        rpc(port, "message/send", json::object{{"message", m}, {"configuration", json::object{{"blocking", false}}}})
            .at("result")
            .at("id")
            .as_string());
}

// A user's text message in the conversation `context_id`.
json::object message_in(const std::string& text, const std::string& context_id) {
    return json::object{{"role", "user"},
                        {"contextId", context_id},
                        {"parts", json::array{json::object{{"kind", "text"}, {"text", text}}}}};
}

std::string send_background_in(int port, const std::string& text, const std::string& context_id) {
    return std::string(rpc(port, "message/send",
                           json::object{{"message", message_in(text, context_id)},
                                        {"configuration", json::object{{"blocking", false}}}})
                           .at("result")
                           .at("id")
                           .as_string());
}

// The fake answers "done: first" after 1.5 s and any other message after 10 ms.
void first_answers_slowly(FakeOpenAi& fake) {
    fake.set_default([](const std::string& text) {
        FakeOpenAi::Reply r;
        r.text = "done: " + text;
        r.delay = text == "first" ? 1500ms : 10ms;
        return r;
    });
}

std::string state_of(int port, const std::string& id) {
    return std::string(
        rpc(port, "tasks/get", json::object{{"id", id}}).at("result").at("status").at("state").as_string());
}

std::string wait_terminal(int port, const std::string& id, std::chrono::milliseconds limit = 60s) {
    auto until = std::chrono::steady_clock::now() + limit;
    std::string s;
    while (std::chrono::steady_clock::now() < until) {
        s = state_of(port, id);
        if (s == "completed" || s == "failed" || s == "canceled") return s;
        std::this_thread::sleep_for(50ms);
    }
    return s;
}

class Postgres : public ::testing::Test {
  protected:
    void SetUp() override {
        dsn_ = fresh_dsn();
        if (dsn_.empty()) GTEST_SKIP() << "HECTOR_TEST_PG_DSN is not set (scripts/test starts a PostgreSQL for this)";
        fake_.set_default([](const std::string& text) {
            FakeOpenAi::Reply r;
            r.text = "done: " + text;
            r.delay = 100ms;
            if (text.rfind("slow", 0) == 0) {
                r.text.clear();
                for (int i = 0; i < 100; ++i) r.chunks.push_back("x");
                r.text = std::string(100, 'x');
                r.chunk_delay = 100ms;
            }
            return r;
        });
    }
    std::string dsn_;
    FakeOpenAi fake_;
};

TEST_F(Postgres, TwoInstancesShareTheQueueTasksAndEvents) {
    HectorServer a({.config_yaml = config_for(fake_, dsn_, "a")});
    HectorServer b({.config_yaml = config_for(fake_, dsn_, "b")});
    std::vector<std::string> ids;
    for (int i = 0; i < 40; ++i) ids.push_back(send_background(a.port(), "job " + std::to_string(i)));
    for (const auto& id : ids) ASSERT_EQ(wait_terminal(b.port(), id), "completed") << id;  // read on the other one
    std::set<std::string> instances;
    for (const auto& r : fake_.requests()) instances.insert(r.headers.at("x-instance"));
    EXPECT_EQ(instances, (std::set<std::string>{"a", "b"}));  // both instances' workers took jobs sent to A

    // A cancel on B reaches a run on A (DECISIONS 23) and aborts its LLM request.
    json::object m{{"role", "user"}, {"parts", json::array{json::object{{"kind", "text"}, {"text", "slow one"}}}}};
    json::object req{
        {"jsonrpc", "2.0"}, {"id", 1}, {"method", "message/stream"}, {"params", json::object{{"message", m}}}};
    auto stream = open_sse(a.port(), "/agents/worker", json::serialize(req));
    auto first = stream.reader->next();
    ASSERT_TRUE(first);
    const std::string running(json::parse(first->data).at("result").at("id").as_string());

    // Meanwhile B follows it live from the stored log.
    json::object resub{
        {"jsonrpc", "2.0"}, {"id", 2}, {"method", "tasks/resubscribe"}, {"params", json::object{{"id", running}}}};
    auto follower = open_sse(b.port(), "/agents/worker", json::serialize(resub));
    auto snapshot = follower.reader->next();
    ASSERT_TRUE(snapshot);
    bool saw_artifact = false;
    for (int i = 0; i < 50 && !saw_artifact; ++i) {
        auto e = follower.reader->next();
        ASSERT_TRUE(e);
        saw_artifact = json::parse(e->data).at("result").at("kind") == "artifact-update";
    }
    EXPECT_TRUE(saw_artifact);

    auto canceled = rpc(b.port(), "tasks/cancel", json::object{{"id", running}});
    EXPECT_EQ(canceled.at("result").at("status").at("state"), "canceled");
    EXPECT_TRUE(fake_.wait_for_disconnect(5s));
    auto rest = stream.reader->rest();
    ASSERT_FALSE(rest.empty());
    EXPECT_EQ(json::parse(rest.back().data).at("result").at("status").at("state"), "canceled");
    auto followed = follower.reader->rest();
    ASSERT_FALSE(followed.empty());
    EXPECT_EQ(json::parse(followed.back().data).at("result").at("final"), true);
    EXPECT_EQ(state_of(a.port(), running), "canceled");
}

// With polling stretched to a minute, only notifications (LISTEN/NOTIFY) can carry changes between the instances
// in time: a job queued on a full instance starts at once on the idle one, a follower on B gets the events of A's
// run as they are stored, and a cancel made on B stops A's run.
TEST_F(Postgres, NotificationsCarryWorkEventsAndCancelsBetweenInstances) {
    const std::map<std::string, std::string> slow_polls{{"HECTOR_TEST_POLL_INTERVAL_MS", "60000"}};
    auto config = [&](const std::string& instance, int workers) {
        auto c = config_for(fake_, dsn_, instance);
        c.replace(c.find("workers: 6"), 10, "workers: " + std::to_string(workers));
        return c;
    };
    HectorServer a({.config_yaml = config("a", 1), .env = slow_polls});
    HectorServer b({.config_yaml = config("b", 2), .env = slow_polls});
    std::this_thread::sleep_for(300ms);  // both dispatchers found nothing; their next look is a minute away

    // A's only worker takes the slow job; the next job sent to A can only start on B, woken by a notification.
    const auto slow = send_background(a.port(), "slow job");
    ASSERT_TRUE(fake_.wait_for_requests(1, 5s));
    const auto quick = send_background(a.port(), "quick job");
    EXPECT_EQ(wait_terminal(a.port(), quick, 5s), "completed");
    std::set<std::string> ran_on;
    for (const auto& r : fake_.requests())
        if (json::serialize(r.body).find("quick job") != std::string::npos) ran_on.insert(r.headers.at("x-instance"));
    EXPECT_EQ(ran_on, (std::set<std::string>{"b"}));

    // B follows the slow job: after the stored events of the start, new ones keep coming as A stores them.
    json::object resub{
        {"jsonrpc", "2.0"}, {"id", 2}, {"method", "tasks/resubscribe"}, {"params", json::object{{"id", slow}}}};
    auto follower = open_sse(b.port(), "/agents/worker", json::serialize(resub), {}, 5s);
    ASSERT_TRUE(follower.reader->next());  // the snapshot
    int artifacts = 0;
    for (int i = 0; i < 200 && artifacts < 15; ++i) {
        auto e = follower.reader->next();
        ASSERT_TRUE(e) << "no event within 5 s after " << artifacts << " artifact updates";
        if (json::parse(e->data).at("result").at("kind") == "artifact-update") ++artifacts;
    }
    EXPECT_GE(artifacts, 15);

    // A cancel on B: A's watch would look only in a minute; the notification stops the run and its LLM request.
    auto canceled = rpc(b.port(), "tasks/cancel", json::object{{"id", slow}});
    EXPECT_EQ(canceled.at("result").at("status").at("state"), "canceled");
    EXPECT_TRUE(fake_.wait_for_disconnect(5s));
    EXPECT_EQ(state_of(a.port(), slow), "canceled");
}

// DECISIONS 20 across instances: a conversation runs one job at a time wherever its messages were sent. The
// second message, sent to B while A still runs the first, starts only after the first has answered, and its model
// sees that answer.
TEST_F(Postgres, AConversationRunsOneJobAtATimeAcrossInstances) {
    first_answers_slowly(fake_);
    HectorServer a({.config_yaml = config_for(fake_, dsn_, "a")});
    HectorServer b({.config_yaml = config_for(fake_, dsn_, "b")});
    const auto first = send_background_in(a.port(), "first", "conv-1");
    ASSERT_TRUE(fake_.wait_for_requests(1, 5s));  // "first" is running
    const auto second = send_background_in(b.port(), "second", "conv-1");
    const auto other = send_background_in(b.port(), "other", "conv-2");  // another conversation does not wait
    EXPECT_EQ(wait_terminal(b.port(), other, 5s), "completed");
    EXPECT_EQ(state_of(b.port(), first), "working");
    EXPECT_EQ(state_of(b.port(), second), "submitted");

    EXPECT_EQ(wait_terminal(b.port(), second, 10s), "completed");
    EXPECT_EQ(state_of(a.port(), first), "completed");
    bool saw_second = false;
    for (const auto& r : fake_.requests()) {
        const auto body = json::serialize(r.body);
        if (body.find("\"second\"") == std::string::npos) continue;
        saw_second = true;
        EXPECT_NE(body.find("done: first"), std::string::npos) << "the second run did not see the first's answer";
    }
    EXPECT_TRUE(saw_second);
}

// The same for interactive runs: a blocking send to B while A still streams the conversation's previous answer
// waits for it (submitted meanwhile), then runs with that answer in its history.
TEST_F(Postgres, AnInteractiveRunWaitsForItsConversationAcrossInstances) {
    first_answers_slowly(fake_);
    HectorServer a({.config_yaml = config_for(fake_, dsn_, "a")});
    HectorServer b({.config_yaml = config_for(fake_, dsn_, "b")});
    auto message = [](const std::string& text) { return message_in(text, "conv-i"); };
    std::string first_id;
    std::thread first([&] {
        auto r = rpc(a.port(), "message/send", json::object{{"message", message("first")}});
        if (!r.as_object().contains("result")) {
            ADD_FAILURE() << r;
            return;
        }
        first_id = std::string(r.at("result").at("id").as_string());
        EXPECT_EQ(r.at("result").at("status").at("state"), "completed") << r;
    });
    if (!fake_.wait_for_requests(1, 5s)) {
        first.join();
        FAIL() << "the first run did not reach the model";
    }
    auto second = rpc(b.port(), "message/send", json::object{{"message", message("second")}});
    first.join();
    ASSERT_TRUE(second.as_object().contains("result")) << second;
    EXPECT_EQ(second.at("result").at("status").at("state"), "completed") << second;
    ASSERT_FALSE(first_id.empty());
    EXPECT_EQ(state_of(b.port(), first_id), "completed");
    ASSERT_EQ(fake_.request_count(), 2u);
    const auto body = json::serialize(fake_.requests().back().body);
    EXPECT_NE(body.find("\"second\""), std::string::npos);
    EXPECT_NE(body.find("done: first"), std::string::npos) << "the second run did not see the first's answer";
}

TEST_F(Postgres, KillNineMidRunLosesNothing) {
    std::vector<std::string> ids;
    {
        HectorServer first({.config_yaml = config_for(fake_, dsn_, "first")});
        for (int i = 0; i < 200; ++i) ids.push_back(send_background(first.port(), "job " + std::to_string(i)));
        ASSERT_TRUE(fake_.wait_for_requests(30, 30s));
        first.process().signal(SIGKILL);
        first.process().wait(5s);
    }
    HectorServer second({.config_yaml = config_for(fake_, dsn_, "second")});
    for (const auto& id : ids) ASSERT_EQ(wait_terminal(second.port(), id, 120s), "completed") << id;
    for (const auto& id : ids) {
        auto task = rpc(second.port(), "tasks/get", json::object{{"id", id}}).at("result");
        EXPECT_EQ(task.at("history").as_array().size(), 2u) << id;  // one question, one answer: completed once
    }
}

}  // namespace
}  // namespace hector::test

namespace hector::test {
namespace {

// The --storage shortcut moves a config file's tasks and sessions onto PostgreSQL: what one instance stored, a
// second one started with the same flags (and its own working directory) serves.
TEST_F(Postgres, TheStorageFlagsPutAConfigFilesTasksOnPostgres) {
    const std::string config = "llms:\n  default: {provider: echo}\nagents:\n  worker: {}\n";
    const std::vector<std::string> flags = {"--storage", "postgres", "--storage-db", dsn_};
    TempDir first_dir, second_dir;
    std::string id;
    {
        HectorServer first({.config_yaml = config, .args = flags, .cwd = first_dir.path()});
        json::object m{{"role", "user"}, {"parts", json::array{json::object{{"kind", "text"}, {"text", "kept"}}}}};
        auto r = rpc(first.port(), "message/send", json::object{{"message", m}});
        id = std::string(r.at("result").at("id").as_string());
        EXPECT_EQ(r.at("result").at("status").at("state"), "completed");
    }
    HectorServer second({.config_yaml = config, .args = flags, .cwd = second_dir.path()});
    auto got = rpc(second.port(), "tasks/get", json::object{{"id", id}});
    ASSERT_TRUE(got.as_object().contains("result")) << got;
    EXPECT_EQ(got.at("result").at("status").at("state"), "completed");
}

}  // namespace
}  // namespace hector::test
