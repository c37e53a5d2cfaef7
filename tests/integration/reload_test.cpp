// Hot reload (platform.md §1.9) against the real binary: --watch and SIGHUP, invalid files, swaps under load and
// with runs in flight, sections that need a restart, .env changes (DECISIONS 32), schedules from a reloaded config.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <regex>
#include <thread>

#include "support/fake_openai.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

namespace hector::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

constexpr auto kWait = 15s;  // bound of every wait for a reload (the debounce is 250 ms)

/// Polls `done` every 50 ms until it holds or `timeout` passes.
template <class F>
bool eventually(F done, std::chrono::milliseconds timeout = kWait) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(50ms);
    }
    return done();
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

/// Replaces a file the way editors do: a new file renamed over the old one.
void replace_file(const std::string& path, const std::string& content) {
    const std::string tmp = path + ".tmp~";
    std::ofstream(tmp, std::ios::binary) << content;
    fs::rename(tmp, path);
}

/// Rewrites a file in place (truncate and write).
void rewrite_file(const std::string& path, const std::string& content) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

std::vector<std::string> agent_names(int port) {
    std::vector<std::string> names;
    auto r = get(port, "/agents");
    if (r.status != 200) return names;
    const auto body = json::parse(r.body);
    for (const auto& a : body.at("agents").as_array()) names.emplace_back(a.at("name").as_string());
    return names;
}

bool has_agent(int port, const std::string& name) {
    const auto names = agent_names(port);
    return std::find(names.begin(), names.end(), name) != names.end();
}

json::value send(int port, const std::string& agent, const std::string& text) {
    json::object message{{"role", "user"}, {"parts", json::array{json::object{{"kind", "text"}, {"text", text}}}}};
    json::object req{
        {"jsonrpc", "2.0"}, {"id", 1}, {"method", "message/send"}, {"params", json::object{{"message", message}}}};
    auto r = post_json(port, "/agents/" + agent, json::serialize(req));
    if (r.status != 200) return json::object{{"http_status", r.status}, {"body", r.body}};
    return json::parse(r.body);
}

/// The answer text of a completed blocking send, or a description of what came back instead.
std::string answer(const json::value& response) {
    const auto* result = response.as_object().if_contains("result");
    if (!result) return "no result: " + json::serialize(response);
    if (result->at("status").at("state") != "completed") return "not completed: " + json::serialize(*result);
    return std::string(result->at("status").at("message").at("parts").at(0).at("text").as_string());
}

std::string system_prompt(const FakeOpenAi::Request& r) {
    for (const auto& m : r.body.at("messages").as_array())
        if (m.at("role") == "system") return std::string(m.at("content").as_string());
    return {};
}

/// A server on a config file that the test edits; `reloads()` counts the successful reloads in its log.
class Reload : public ::testing::Test {
  protected:
    void start(const std::string& yaml, std::vector<std::string> args = {"--watch"},
               std::map<std::string, std::string> env = {}) {
        server_ = std::make_unique<HectorServer>(
            HectorServer::Options{.config_yaml = yaml, .args = std::move(args), .env = std::move(env)});
        path_ = server_->cwd() + "/config.yaml";
    }
    int port() const { return server_->port(); }
    std::string output() const { return server_->process().output(); }
    std::size_t reloads() const { return count_of(output(), "config reloaded from"); }
    std::size_t refusals() const { return count_of(output(), "still serving the previous config"); }
    bool wait_reloads(std::size_t n) const {
        return eventually([&] { return reloads() >= n; });
    }

    std::unique_ptr<HectorServer> server_;
    std::string path_;
};

constexpr const char* kEcho = R"(
llms:
  default: {provider: echo}
agents:
  alpha: {description: First}
)";

TEST_F(Reload, WatchedEditAddsAnAgent) {
    start(kEcho);
    ASSERT_EQ(agent_names(port()), std::vector<std::string>{"alpha"});
    replace_file(path_, std::string(kEcho) + "  beta: {description: Second}\n");
    ASSERT_TRUE(eventually([&] { return has_agent(port(), "beta"); })) << output();
    EXPECT_NE(output().find("agents added: beta"), std::string::npos) << output();
    EXPECT_EQ(answer(send(port(), "beta", "hi")), "Echo: hi");
    // Removing it takes it away again, while the other keeps serving.
    rewrite_file(path_, kEcho);
    ASSERT_TRUE(eventually([&] { return !has_agent(port(), "beta"); })) << output();
    EXPECT_EQ(get(port(), "/agents/beta").status, 404);
    EXPECT_EQ(answer(send(port(), "alpha", "still here")), "Echo: still here");
}

TEST_F(Reload, ChangedInstructionAndLlmShowInTheNextRun) {
    FakeOpenAi fake;
    const auto config = [&](const std::string& instruction, const std::string& llm) {
        return "llms:\n  gpt: {provider: openai, model: gpt-4o-mini, api_key: sk-test, base_url: " + fake.base_url() +
               "}\n  echo: {provider: echo}\nagents:\n  alpha:\n    llm: " + llm + "\n    instruction: " + instruction +
               "\nserver:\n  outbound: {allow_private_networks: true}\n";
    };
    start(config("Answer like a pirate.", "gpt"));
    EXPECT_EQ(answer(send(port(), "alpha", "one")), "fake: one");
    ASSERT_EQ(fake.request_count(), 1u);
    EXPECT_NE(system_prompt(fake.requests()[0]).find("Answer like a pirate."), std::string::npos);

    replace_file(path_, config("Answer like a poet.", "gpt"));
    ASSERT_TRUE(wait_reloads(1)) << output();
    EXPECT_NE(output().find("agents changed: alpha"), std::string::npos) << output();
    EXPECT_EQ(answer(send(port(), "alpha", "two")), "fake: two");
    ASSERT_EQ(fake.request_count(), 2u);
    const auto prompt = system_prompt(fake.requests()[1]);
    EXPECT_NE(prompt.find("Answer like a poet."), std::string::npos) << prompt;
    EXPECT_EQ(prompt.find("pirate"), std::string::npos) << prompt;

    replace_file(path_, config("Answer like a poet.", "echo"));
    ASSERT_TRUE(wait_reloads(2)) << output();
    EXPECT_EQ(answer(send(port(), "alpha", "three")), "Echo: three");
    EXPECT_EQ(fake.request_count(), 2u);
}

TEST_F(Reload, InvalidFileKeepsTheOldConfigUntilFixed) {
    start(kEcho);
    // Broken YAML, then a dangling reference: each is logged with what is wrong, and nothing changes.
    replace_file(path_, "llms: [\n");
    ASSERT_TRUE(eventually([&] { return refusals() >= 1; })) << output();
    EXPECT_NE(output().find("YAML syntax error"), std::string::npos) << output();
    replace_file(path_, std::string(kEcho) + "  beta: {llm: missing}\n");
    ASSERT_TRUE(eventually([&] { return refusals() >= 2; })) << output();
    EXPECT_NE(output().find("agents.beta.llm: unknown llm \"missing\""), std::string::npos) << output();
    EXPECT_EQ(reloads(), 0u);
    EXPECT_EQ(agent_names(port()), std::vector<std::string>{"alpha"});
    EXPECT_EQ(answer(send(port(), "alpha", "hi")), "Echo: hi");
    // Fixed: the next save applies.
    replace_file(path_, std::string(kEcho) + "  beta: {llm: default}\n");
    ASSERT_TRUE(eventually([&] { return has_agent(port(), "beta"); })) << output();
    ASSERT_TRUE(eventually([&] { return reloads() >= 1; })) << output();  // logged just after the swap
    EXPECT_EQ(reloads(), 1u);
}

TEST_F(Reload, SighupReloadsWithoutWatch) {
    start(kEcho, {});
    EXPECT_EQ(output().find("watching"), std::string::npos);
    replace_file(path_, std::string(kEcho) + "  beta: {}\n");
    // Without --watch an edit alone changes nothing; SIGHUP applies it.
    server_->process().signal(SIGHUP);
    ASSERT_TRUE(eventually([&] { return has_agent(port(), "beta"); })) << output();
    EXPECT_NE(output().find("SIGHUP: reloading"), std::string::npos) << output();
    EXPECT_TRUE(server_->process().running());
}

TEST_F(Reload, SighupOnAGeneratedConfigSaysThereIsNoFile) {
    // No key and no Ollama: the offline echo config, held in memory.
    HectorServer server({});
    server.process().signal(SIGHUP);
    ASSERT_TRUE(server.process().wait_for_output("there is no file to reload", kWait)) << server.process().output();
    EXPECT_EQ(get(server.port(), "/agents/assistant").status, 200);
    EXPECT_TRUE(server.process().running());
}

TEST_F(Reload, SwapsUnderLoadFailNoRequest) {
    start(kEcho);
    std::atomic<bool> done{false};
    std::atomic<int> sent{0};
    std::vector<std::string> failures;
    std::thread client([&] {
        for (int i = 0; !done; ++i) {
            const std::string text = "load " + std::to_string(i);
            auto got = answer(send(port(), "alpha", text));
            ++sent;
            if (got != "Echo: " + text) failures.push_back(got);
        }
    });
    for (int i = 1; i <= 5; ++i) {
        replace_file(path_, std::string(kEcho) + "  extra" + std::to_string(i) + ": {}\n");
        ASSERT_TRUE(wait_reloads(static_cast<std::size_t>(i))) << output();
    }
    const int before = sent.load();
    eventually([&] { return sent.load() > before + 5; }, 10s);  // a few more requests on the last runtime
    done = true;
    client.join();
    EXPECT_GT(sent.load(), 10);
    EXPECT_TRUE(failures.empty()) << failures.size() << " failed, first: " << failures.front();
    EXPECT_TRUE(has_agent(port(), "extra5"));
}

TEST_F(Reload, RunInFlightFinishesOnTheOldRuntime) {
    FakeOpenAi fake;
    FakeOpenAi::Reply slow;
    slow.text = "answer from the old runtime";
    slow.delay = 3s;
    fake.enqueue(slow);
    const std::string before =
        "llms:\n  gpt: {provider: openai, model: gpt-4o-mini, api_key: sk-test, base_url: " + fake.base_url() +
        "}\nagents:\n  alpha: {llm: gpt}\nserver:\n  outbound: {allow_private_networks: true}\n";
    start(before);
    auto in_flight = std::async(std::launch::async, [&] { return send(port(), "alpha", "slow question"); });
    ASSERT_TRUE(fake.wait_for_requests(1, kWait));
    // The agent moves to the echo model while its run waits for the provider.
    replace_file(path_, "llms:\n  echo: {provider: echo}\nagents:\n  alpha: {llm: echo}\n");
    ASSERT_TRUE(wait_reloads(1)) << output();
    EXPECT_EQ(answer(send(port(), "alpha", "quick")), "Echo: quick");
    ASSERT_EQ(in_flight.wait_for(kWait), std::future_status::ready);
    EXPECT_EQ(answer(in_flight.get()), "answer from the old runtime");
    EXPECT_EQ(fake.request_count(), 1u);
}

TEST_F(Reload, PortChangeWaitsForARestart) {
    // Started without --port, so the file's server section is what runs.
    TempDir dir;
    const std::string config = "server: {host: 127.0.0.1, port: 0}\n" + std::string(kEcho);
    const auto path = dir.write("config.yaml", config);
    Process server({HECTOR_BINARY,
                    {"-c", path, "serve", "--watch", "--storage", "inmemory"},
                    dir.path(),
                    {{"HOME", dir.path()}, {"OLLAMA_HOST", "http://127.0.0.1:1"}},
                    {"OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY"}});
    ASSERT_TRUE(server.wait_for_output("listening on", kWait)) << server.output();
    std::smatch m;
    const std::string out = server.output();
    ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(listening on http://[^\s:]+:(\d+))")));
    const int port = std::stoi(m[1]);

    // The port and a new custom webhook path need a restart; the agent added in the same edit does not.
    replace_file(path, "server: {host: 127.0.0.1, port: 1}\n" + std::string(kEcho) +
                           "  beta:\n    trigger: {type: webhook, path: /hooks/beta}\n");
    ASSERT_TRUE(server.wait_for_output("config reloaded from", kWait)) << server.output();
    EXPECT_NE(server.output().find("server.port changed, which takes effect at restart"), std::string::npos)
        << server.output();
    EXPECT_NE(server.output().find("webhook path /hooks/beta is new: its route takes effect at restart"),
              std::string::npos)
        << server.output();
    EXPECT_EQ(get(port, "/health").status, 200);
    EXPECT_TRUE(has_agent(port, "beta"));
    server.signal(SIGTERM);
    EXPECT_EQ(server.wait(20s), 0);
}

TEST_F(Reload, DotenvChangesApplyButTheProcessEnvironmentWins) {
    TempDir unused;
    const std::string yaml = R"(
llms:
  default: {provider: echo}
agents:
  alpha: {name: "${ALPHA_NAME}"}
  beta: {name: "${BETA_NAME}"}
)";
    // The .env sits beside the config file (the server's working directory).
    HectorServer::Options options{
        .config_yaml = yaml, .args = {"--watch"}, .env = {{"BETA_NAME", "from-process"}}, .cwd = unused.path()};
    std::ofstream(unused.path() + "/.env") << "ALPHA_NAME=first\nBETA_NAME=from-dotenv\n";
    server_ = std::make_unique<HectorServer>(options);
    ASSERT_EQ(agent_names(port()), (std::vector<std::string>{"first", "from-process"}));

    replace_file(unused.path() + "/.env", "ALPHA_NAME=second\nBETA_NAME=changed-dotenv\n");
    ASSERT_TRUE(wait_reloads(1)) << output();
    EXPECT_NE(output().find(".env changed"), std::string::npos) << output();
    EXPECT_EQ(agent_names(port()), (std::vector<std::string>{"second", "from-process"}));

    // A variable the config needs that is gone from the .env: refused, the old names stay.
    replace_file(unused.path() + "/.env", "BETA_NAME=x\n");
    ASSERT_TRUE(eventually([&] { return refusals() >= 1; })) << output();
    EXPECT_NE(output().find("ALPHA_NAME"), std::string::npos) << output();
    EXPECT_EQ(agent_names(port()), (std::vector<std::string>{"second", "from-process"}));
}

TEST_F(Reload, SchedulesRestartFromTheNewConfig) {
    // A cron minute passes in a second of real time.
    start(kEcho, {"--watch"}, {{"HECTOR_TEST_SCHEDULER_SPEEDUP", "60"}});
    replace_file(path_,
                 std::string(kEcho) +
                     "  ticker:\n    trigger: {type: schedule, cron: \"* * * * *\", input: tick after reload}\n");
    ASSERT_TRUE(wait_reloads(1)) << output();
    ASSERT_TRUE(server_->process().wait_for_output("agent ticker: scheduled run at", kWait)) << output();
    EXPECT_NE(output().find("agent ticker: schedule \"* * * * *\""), std::string::npos) << output();
}

}  // namespace
}  // namespace hector::test
