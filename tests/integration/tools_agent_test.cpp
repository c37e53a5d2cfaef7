// The tool-calling loop end to end: tool round trips, human approval (approve, deny, supersede), tool-call
// cancel, progress streaming, iteration caps, truncation and instruction placeholders — the real binary against
// the fake OpenAI server.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <thread>

#include "support/fake_openai.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/sse_client.hpp"

namespace hector::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string config_for(const FakeOpenAi& fake, const std::string& workdir) {
    return R"(
llms:
  gpt:
    provider: openai
    model: gpt-4o
    api_key: sk-test
    base_url: )" +
           fake.base_url() +
           R"(
    max_tool_output_length: 2000
tools:
  shell:
    type: command
    working_directory: )" +
           workdir +
           R"(
    require_approval: false
  guarded:
    type: function
    handler: bash
    working_directory: )" +
           workdir +
           R"(
    approval_prompt: "Execute: {command}?"
  todos:
    type: function
    handler: todo_write
agents:
  worker:
    llm: gpt
    tools: [shell, todos]
  careful:
    llm: gpt
    tools: [guarded]
  capped:
    llm: gpt
    tools: [shell]
    reasoning: {max_iterations: 3}
  templated:
    llm: gpt
    tools: []
    instruction: "Hello {user_name?}. Todo count: {todos?}."
  strict:
    llm: gpt
    tools: []
    instruction: "You need {mandatory}."
)";
}

FakeOpenAi::Reply tool_reply(std::string id, std::string name, std::string arguments) {
    FakeOpenAi::Reply r;
    r.tool_calls.push_back({std::move(id), std::move(name), std::move(arguments)});
    return r;
}

FakeOpenAi::Reply text_reply(std::string text) {
    FakeOpenAi::Reply r;
    r.text = std::move(text);
    return r;
}

class ToolsAgent : public ::testing::Test {
  protected:
    void SetUp() override {
        server_ =
            std::make_unique<HectorServer>(HectorServer::Options{.config_yaml = config_for(fake_, workdir_.path())});
    }
    json::value call(const std::string& agent, const std::string& method, const json::value& params) {
        json::object req{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
        auto r = post_json(server_->port(), "/agents/" + agent, json::serialize(req));
        EXPECT_EQ(r.status, 200) << r.body;
        return json::parse(r.body);
    }
    json::value send(const std::string& agent, const std::string& text, const std::string& context = "",
                     bool blocking = true) {
        json::object m{{"role", "user"}, {"parts", json::array{json::object{{"kind", "text"}, {"text", text}}}}};
        if (!context.empty()) m["contextId"] = context;
        return call(agent, "message/send",
                    json::object{{"message", m}, {"configuration", json::object{{"blocking", blocking}}}});
    }
    json::value answer(const std::string& agent, const std::string& task_id, const std::string& context,
                       json::value part) {
        json::object m{{"role", "user"}, {"taskId", task_id}, {"contextId", context}, {"parts", json::array{part}}};
        return call(agent, "message/send", json::object{{"message", m}});
    }
    // The tool messages of the n-th request to the fake.
    std::vector<json::object> tool_messages(std::size_t request) {
        std::vector<json::object> out;
        auto reqs = fake_.requests();
        if (request >= reqs.size()) return out;
        for (const auto& m : reqs[request].body.at("messages").as_array())
            if (m.at("role") == "tool") out.push_back(m.as_object());
        return out;
    }
    static std::string text_of(const json::value& task) {
        return std::string(task.at("status").at("message").at("parts").at(0).at("text").as_string());
    }

    FakeOpenAi fake_;
    TempDir workdir_;
    std::unique_ptr<HectorServer> server_;
};

TEST_F(ToolsAgent, ToolRoundTripFeedsTheResultBackToTheModel) {
    fake_.enqueue(tool_reply("call_1", "shell", R"({"command":"echo from-the-tool"})"));
    fake_.enqueue(text_reply("the tool said hello"));
    auto r = send("worker", "run it");
    const auto& task = r.at("result");
    EXPECT_EQ(task.at("status").at("state"), "completed") << r;
    EXPECT_EQ(text_of(task), "the tool said hello");
    ASSERT_EQ(fake_.request_count(), 2u);
    // The first request declared the agent's tools.
    auto first_request = fake_.requests()[0];
    const auto& tools = first_request.body.at("tools").as_array();
    ASSERT_EQ(tools.size(), 2u);
    EXPECT_EQ(tools[0].at("function").at("name"), "shell");
    // The second carries the assistant's call and the tool's output.
    auto second_request = fake_.requests()[1];
    const auto& msgs = second_request.body.at("messages").as_array();

    bool saw_call = false;
    for (const auto& m : msgs)
        if (m.at("role") == "assistant" && m.as_object().contains("tool_calls"))
            saw_call = m.at("tool_calls").at(0).at("id") == "call_1";
    EXPECT_TRUE(saw_call);
    auto results = tool_messages(1);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].at("tool_call_id"), "call_1");
    EXPECT_NE(std::string(results[0].at("content").as_string()).find("from-the-tool"), std::string::npos);
}

TEST_F(ToolsAgent, ToolFailuresAreResultsForTheModelNotTaskFailures) {
    fake_.enqueue(tool_reply("call_x", "no_such_tool", "{}"));
    fake_.enqueue(tool_reply("call_y", "shell", "not json"));
    fake_.enqueue(text_reply("recovered"));
    auto r = send("worker", "try");
    EXPECT_EQ(r.at("result").at("status").at("state"), "completed");
    auto first = tool_messages(1);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_NE(std::string(first[0].at("content").as_string()).find("not available"), std::string::npos);
    auto second = tool_messages(2);
    ASSERT_EQ(second.size(), 2u);
    EXPECT_NE(std::string(second[1].at("content").as_string()).find("JSON"), std::string::npos);
}

TEST_F(ToolsAgent, SeveralCallsInOneTurnAllGetResults) {
    FakeOpenAi::Reply two;
    two.tool_calls = {{"c1", "shell", R"({"command":"echo one"})"}, {"c2", "shell", R"({"command":"echo two"})"}};
    fake_.enqueue(two);
    fake_.enqueue(text_reply("both done"));
    auto r = send("worker", "two things");
    EXPECT_EQ(r.at("result").at("status").at("state"), "completed");
    auto results = tool_messages(1);
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0].at("tool_call_id"), "c1");
    EXPECT_NE(std::string(results[0].at("content").as_string()).find("one"), std::string::npos);
    EXPECT_EQ(results[1].at("tool_call_id"), "c2");
    EXPECT_NE(std::string(results[1].at("content").as_string()).find("two"), std::string::npos);
}

TEST_F(ToolsAgent, ApprovalPausesThenRunsTheCallWhenApproved) {
    fake_.enqueue(tool_reply("call_a", "guarded", R"({"command":"echo approved-output"})"));
    fake_.enqueue(text_reply("finished after approval"));
    auto r = send("careful", "do the risky thing", "ctx-approve");
    const auto& task = r.at("result");
    ASSERT_EQ(task.at("status").at("state"), "input-required") << r;
    EXPECT_EQ(text_of(task), "Execute: echo approved-output?");
    const auto& pending = task.at("metadata").at("pending_tool_calls").as_array();
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].at("tool_call_id"), "call_a");
    EXPECT_EQ(pending[0].at("tool_name"), "guarded");
    const std::string task_id(task.at("id").as_string());
    EXPECT_EQ(fake_.request_count(), 1u);  // the call did not run
    auto get = call("careful", "tasks/get", json::object{{"id", task_id}});
    EXPECT_EQ(get.at("result").at("status").at("state"), "input-required");

    auto resumed = answer("careful", task_id, "ctx-approve",
                          json::object{{"kind", "data"}, {"data", json::object{{"approved", true}}}});
    EXPECT_EQ(resumed.at("result").at("status").at("state"), "completed") << resumed;
    EXPECT_EQ(resumed.at("result").at("id").as_string(), task_id);
    auto results = tool_messages(1);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_NE(std::string(results[0].at("content").as_string()).find("approved-output"), std::string::npos);
}

TEST_F(ToolsAgent, DenialIsReportedToTheModel) {
    fake_.enqueue(tool_reply("call_d", "guarded", R"({"command":"touch should-not-exist"})"));
    fake_.enqueue(text_reply("ok, I will not"));
    auto r = send("careful", "do it", "ctx-deny");
    const std::string task_id(r.at("result").at("id").as_string());
    auto resumed = answer("careful", task_id, "ctx-deny", json::object{{"kind", "text"}, {"text", "Deny"}});
    EXPECT_EQ(resumed.at("result").at("status").at("state"), "completed");
    auto results = tool_messages(1);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_NE(std::string(results[0].at("content").as_string()).find("denied"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(workdir_.path() + "/should-not-exist"));
}

TEST_F(ToolsAgent, AnAnswerThatIsNotAnApprovalIsRefused) {
    fake_.enqueue(tool_reply("call_q", "guarded", R"({"command":"echo x"})"));
    auto r = send("careful", "do it", "ctx-q");
    const std::string task_id(r.at("result").at("id").as_string());
    auto bad = answer("careful", task_id, "ctx-q", json::object{{"kind", "text"}, {"text", "maybe later"}});
    EXPECT_EQ(bad.at("error").at("code"), -32602);
    EXPECT_EQ(call("careful", "tasks/get", json::object{{"id", task_id}}).at("result").at("status").at("state"),
              "input-required");
}

TEST_F(ToolsAgent, ANewMessageSupersedesAWaitingApproval) {
    fake_.enqueue(tool_reply("call_s", "guarded", R"({"command":"echo never"})"));
    auto first = send("careful", "first", "ctx-super");
    const std::string first_id(first.at("result").at("id").as_string());
    ASSERT_EQ(first.at("result").at("status").at("state"), "input-required");
    fake_.enqueue(text_reply("second answer"));
    auto second = send("careful", "never mind, something else", "ctx-super");
    EXPECT_EQ(second.at("result").at("status").at("state"), "completed");
    EXPECT_EQ(call("careful", "tasks/get", json::object{{"id", first_id}}).at("result").at("status").at("state"),
              "canceled");
    // The pending call got a result, so the model sees a well-formed conversation.
    auto results = tool_messages(1);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].at("tool_call_id"), "call_s");
    EXPECT_NE(std::string(results[0].at("content").as_string()).find("superseded"), std::string::npos);
}

TEST_F(ToolsAgent, CancellingOneToolCallLetsTheTaskFinish) {
    fake_.enqueue(tool_reply("call_sleep", "shell", R"({"command":"sleep 30"})"));
    fake_.enqueue(text_reply("carried on"));
    auto r = send("worker", "sleep", "", false);
    const std::string task_id(r.at("result").at("id").as_string());
    bool cancelled = false;
    for (int i = 0; i < 100 && !cancelled; ++i) {
        auto c = post_json(server_->port(), "/tasks/" + task_id + "/toolCalls/call_sleep/cancel", "");
        ASSERT_EQ(c.status, 200) << c.body;
        auto body = json::parse(c.body);
        EXPECT_EQ(body.at("task_id").as_string(), task_id);
        EXPECT_EQ(body.at("call_id"), "call_sleep");
        cancelled = body.at("cancelled").as_bool();
        if (!cancelled) std::this_thread::sleep_for(50ms);
    }
    ASSERT_TRUE(cancelled);
    std::string state;
    for (int i = 0; i < 100 && state != "completed"; ++i) {
        state = std::string(call("worker", "tasks/get", json::object{{"id", task_id}})
                                .at("result")
                                .at("status")
                                .at("state")
                                .as_string());
        if (state != "completed") std::this_thread::sleep_for(50ms);
    }
    EXPECT_EQ(state, "completed");  // well before the 30 s sleep would have ended
    auto results = tool_messages(1);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_NE(std::string(results[0].at("content").as_string()).find("cancelled"), std::string::npos);
    // The alias path and the errors.
    auto again = post_json(server_->port(), "/api/tasks/" + task_id + "/toolCalls/call_sleep/cancel", "");
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(json::parse(again.body).at("cancelled"), false);
    EXPECT_EQ(post_json(server_->port(), "/tasks/no-such-task/toolCalls/x/cancel", "").status, 404);
    EXPECT_EQ(get(server_->port(), "/tasks/" + task_id + "/toolCalls/x/cancel").status, 405);
}

TEST_F(ToolsAgent, ToolProgressStreamsAsStatusUpdatesWithTheCallId) {
    fake_.enqueue(tool_reply("call_p", "shell", R"({"command":"echo line-one; sleep 0.2; echo line-two"})"));
    fake_.enqueue(text_reply("streamed"));
    json::object m{{"role", "user"}, {"parts", json::array{json::object{{"kind", "text"}, {"text", "go"}}}}};
    json::object req{
        {"jsonrpc", "2.0"}, {"id", 1}, {"method", "message/stream"}, {"params", json::object{{"message", m}}}};
    auto s = open_sse(server_->port(), "/agents/worker", json::serialize(req));
    std::string progress;
    for (const auto& e : s.reader->rest()) {
        auto r = json::parse(e.data).at("result");
        if (r.at("kind") != "status-update" || !r.at("status").as_object().contains("message")) continue;
        const auto& msg = r.at("status").at("message");
        if (!msg.as_object().contains("metadata") || msg.at("metadata").at("type") != "tool_progress") continue;
        EXPECT_EQ(msg.at("metadata").at("tool_call_id"), "call_p");
        EXPECT_EQ(r.at("final"), false);
        progress += std::string(msg.at("parts").at(0).at("text").as_string());
    }
    EXPECT_NE(progress.find("line-one"), std::string::npos) << progress;
}

TEST_F(ToolsAgent, MaxIterationsCapsTheLoop) {
    fake_.set_default([](const std::string&) { return tool_reply("loop", "shell", R"({"command":"true"})"); });
    auto r = send("capped", "forever");
    EXPECT_EQ(r.at("result").at("status").at("state"), "completed");
    EXPECT_EQ(fake_.request_count(), 3u);
}

TEST_F(ToolsAgent, LongToolOutputIsTruncatedForTheModel) {
    fake_.enqueue(tool_reply("call_big", "shell", R"({"command":"head -c 50000 /dev/zero | tr '\\0' a"})"));
    fake_.enqueue(text_reply("ok"));
    send("worker", "big");
    auto results = tool_messages(1);
    ASSERT_EQ(results.size(), 1u);
    std::string content(results[0].at("content").as_string());
    EXPECT_LE(content.size(), 2100u);
    EXPECT_NE(content.find("truncated"), std::string::npos);
}

TEST_F(ToolsAgent, InstructionPlaceholdersAndTodoState) {
    fake_.enqueue(
        tool_reply("call_t", "todos", R"({"todos":[{"id":"1","content":"write tests","status":"pending"}]})"));
    fake_.enqueue(text_reply("noted"));
    send("worker", "plan", "ctx-state");
    send("templated", "hi", "ctx-state");
    auto reqs = fake_.requests();
    std::string system(reqs.back().body.at("messages").at(0).at("content").as_string());
    EXPECT_EQ(system.find("Hello ."), 0u) << system;                     // the optional user_name is empty
    EXPECT_NE(system.find("write tests"), std::string::npos) << system;  // {todos?} rendered from session state
    auto strict = send("strict", "hi");
    EXPECT_EQ(strict.at("result").at("status").at("state"), "failed");
    EXPECT_NE(text_of(strict.at("result")).find("missing state key \"mandatory\""), std::string::npos);
}

}  // namespace
}  // namespace hector::test
