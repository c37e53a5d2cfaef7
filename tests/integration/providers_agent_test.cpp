// One tool script, four providers: the same agent, driven by each provider's fake in its own wire format, runs the
// same tool and ends with the same answer; thinking never leaks into it.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/fake_anthropic.hpp"
#include "support/fake_gemini.hpp"
#include "support/fake_ollama.hpp"
#include "support/fake_openai.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

namespace hector::test {
namespace {

namespace json = boost::json;

constexpr const char* kAnswer = "The tool printed 42.";

std::string config(const std::string& provider, const std::string& base_url, const std::string& workdir) {
    return "llms:\n  m:\n    provider: " + provider +
           "\n    model: test-model\n    api_key: k\n    base_url: " + base_url +
           "\n    thinking: {enabled: true, budget_tokens: 2048}\n    max_tokens: 8192\n"
           "tools:\n  shell: {type: command, working_directory: " +
           workdir +
           ", require_approval: false}\n"
           "agents:\n  solver: {llm: m, tools: [shell]}\n";
}

json::value run_agent(const std::string& yaml) {
    HectorServer server({.config_yaml = yaml});
    json::object req{
        {"jsonrpc", "2.0"},
        {"id", 1},
        {"method", "message/send"},
        {"params",
         json::object{
             {"message", json::object{{"role", "user"},
                                      {"parts", json::array{json::object{{"kind", "text"},
                                                                         {"text", "what does the tool say?"}}}}}}}}};
    auto r = post_json(server.port(), "/agents/solver", json::serialize(req));
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).at("result");
}

std::string answer_of(const json::value& task) {
    return std::string(task.at("artifacts").at(0).at("parts").at(0).at("text").as_string());
}

template <class Fake>
void script(Fake& fake) {
    FakeReply call;
    call.thinking = "I should run the tool first.";
    call.tool_calls.push_back({"call_1", "shell", R"({"command":"echo 42"})"});
    fake.enqueue(call);
    FakeReply done;
    done.thinking = "The output was 42.";
    done.text = kAnswer;
    fake.enqueue(done);
}

// The second request carried the tool's output back, in whatever shape the provider uses.
template <class Fake>
void expect_tool_output_sent(const Fake& fake) {
    auto reqs = fake.requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_NE(json::serialize(reqs[1].body).find("42"), std::string::npos);
}

TEST(ProvidersAgree, OpenAi) {
    TempDir work;
    FakeOpenAi fake;
    fake.enqueue({.tool_calls = {{"call_1", "shell", R"({"command":"echo 42"})"}}});
    fake.enqueue({.text = kAnswer});
    auto task = run_agent(config("openai", fake.base_url(), work.path()));
    EXPECT_EQ(task.at("status").at("state"), "completed") << task;
    EXPECT_EQ(answer_of(task), kAnswer);
    auto reqs = fake.requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_NE(json::serialize(reqs[1].body).find("42"), std::string::npos);
}

TEST(ProvidersAgree, Anthropic) {
    TempDir work;
    FakeAnthropic fake;
    script(fake);
    auto task = run_agent(config("anthropic", fake.base_url(), work.path()));
    EXPECT_EQ(task.at("status").at("state"), "completed") << task;
    EXPECT_EQ(answer_of(task), kAnswer);
    expect_tool_output_sent(fake);
}

TEST(ProvidersAgree, Gemini) {
    TempDir work;
    FakeGemini fake;
    script(fake);
    auto task = run_agent(config("gemini", fake.base_url(), work.path()));
    EXPECT_EQ(task.at("status").at("state"), "completed") << task;
    EXPECT_EQ(answer_of(task), kAnswer);
    expect_tool_output_sent(fake);
}

TEST(ProvidersAgree, Ollama) {
    TempDir work;
    FakeOllama fake;
    script(fake);
    auto task = run_agent(config("ollama", fake.base_url(), work.path()));
    EXPECT_EQ(task.at("status").at("state"), "completed") << task;
    EXPECT_EQ(answer_of(task), kAnswer);
    expect_tool_output_sent(fake);
}

}  // namespace
}  // namespace hector::test
