// The `hector` command line: subcommands, exit codes and zero-config generation.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/http_client.hpp"
#include "support/process.hpp"

namespace hector::test {
namespace {

namespace fs = std::filesystem;

struct Run {
    int code;
    std::string output;
};

Run run(const std::vector<std::string>& args, const std::string& cwd = "",
        std::map<std::string, std::string> env = {}) {
    Process::Options o{
        HECTOR_BINARY, args, cwd, std::move(env), {"OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY"}};
    Process p(o);
    auto code = p.wait(std::chrono::seconds(30));
    // Let the reader drain the pipe.
    for (int i = 0; i < 50 && p.output().empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return {code.value_or(-1), p.output()};
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(Cli, Version) {
    auto r = run({"version"});
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.output.find("Hector version "), std::string::npos);
}

TEST(Cli, UsageErrorsExitTwoNamingTheProblem) {
    auto r = run({"serve", "--port", "notaport"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.output.find("--port"), std::string::npos) << r.output;
    EXPECT_EQ(run({"frobnicate"}).code, 2);
    EXPECT_EQ(run({}).code, 2);
    EXPECT_EQ(run({"--help"}).code, 0);
}

TEST(Cli, StorageFlagsNeedABackendAndADsn) {
    TempDir dir;
    const auto config = dir.write("config.yaml", "llms:\n  default: {provider: echo}\nagents:\n  worker: {}\n");
    // An unknown backend is a usage error (2); a backend without what it needs is a config error (1).
    const std::vector<std::pair<std::vector<std::string>, int>> cases = {
        {{"--storage", "oracle"}, 2}, {{"--storage", "postgres"}, 1}, {{"--storage-db", "x.db"}, 1}};
    for (const auto& [extra, code] : cases) {
        std::vector<std::string> args{"-c", config, "serve", "--port", "0"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto r = run(args, dir.path());
        EXPECT_EQ(r.code, code) << r.output;
        EXPECT_NE(r.output.find("--storage"), std::string::npos) << r.output;
    }
}

TEST(Cli, SchemaPrintsDraft07Json) {
    auto r = run({"schema"});
    ASSERT_EQ(r.code, 0);
    auto v = boost::json::parse(r.output);
    EXPECT_EQ(v.at("$schema"), "http://json-schema.org/draft-07/schema#");
    auto compact = run({"schema", "-c"});
    ASSERT_EQ(compact.code, 0);
    EXPECT_EQ(compact.output.find('\n'), compact.output.size() - 1);
    EXPECT_EQ(boost::json::parse(compact.output), v);
}

TEST(Cli, ValidateReportsPathsAndExitCodes) {
    TempDir dir;
    auto good = dir.write("good.yaml", "llms: {d: {provider: echo}}\nagents: {a: {llm: d}}\n");
    auto bad = dir.write("bad.yaml", "llms: {d: {provider: echo}}\nagents: {a: {llm: gpt}}\n");
    auto ok = run({"validate", good});
    EXPECT_EQ(ok.code, 0) << ok.output;
    auto fail = run({"validate", bad});
    EXPECT_EQ(fail.code, 1);
    EXPECT_NE(fail.output.find("agents.a.llm: unknown llm \"gpt\""), std::string::npos) << fail.output;
    auto js = run({"validate", bad, "-f", "json"});
    EXPECT_EQ(js.code, 1);
    auto v = boost::json::parse(js.output).as_object();
    EXPECT_EQ(v.at("valid"), false);
    EXPECT_EQ(v.at("errors").as_array().at(0).at("path"), "agents.a.llm");
    auto printed = run({"validate", good, "-p"});
    EXPECT_EQ(printed.code, 0);
    EXPECT_NE(printed.output.find("max_tokens: 4096"), std::string::npos) << printed.output;
    auto missing = run({"validate", dir.path() + "/nope.yaml"});
    EXPECT_EQ(missing.code, 1);
    auto by_flag = run({"-c", bad, "validate"});
    EXPECT_EQ(by_flag.code, 1);
}

TEST(Cli, InfoListsAndDescribesAgents) {
    TempDir dir;
    auto cfg = dir.write(
        "c.yaml", "llms: {d: {provider: echo}}\nagents:\n  a: {llm: d, tools: [bash]}\n  b: {visibility: internal}\n");
    auto list = run({"-c", cfg, "info"});
    EXPECT_EQ(list.code, 0) << list.output;
    EXPECT_NE(list.output.find("internal"), std::string::npos);
    auto one = run({"-c", cfg, "info", "a"});
    EXPECT_EQ(one.code, 0);
    EXPECT_NE(one.output.find("bash"), std::string::npos);
    EXPECT_EQ(run({"-c", cfg, "info", "zzz"}).code, 1);
}

TEST(Cli, ServeRefusesAnInvalidConfigBeforeBinding) {
    TempDir dir;
    auto cfg = dir.write("c.yaml", "agents: {a: {llm: nope}}\n");
    auto r = run({"-c", cfg, "serve", "--port", "0"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.output.find("agents.a.llm"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("listening on"), std::string::npos);
}

TEST(ZeroConfig, KeyInEnvironmentWritesTheConfigOnceAndServesIt) {
    TempDir home;
    const std::string dir = home.path();
    HectorServer::Options o;
    o.env["OPENAI_API_KEY"] = "sk-test";
    o.cwd = dir;
    std::string first;
    {
        HectorServer server(o);
        first = slurp(dir + "/.hector/config.yaml");
        EXPECT_NE(first.find("provider: openai"), std::string::npos) << first;
        EXPECT_NE(first.find("gpt-4o"), std::string::npos);
        EXPECT_NE(first.find("${OPENAI_API_KEY}"), std::string::npos);
        EXPECT_EQ(first.find("sk-test"), std::string::npos);
        EXPECT_EQ(get(server.port(), "/agents/assistant").status, 200);
        EXPECT_EQ(server.stop(), 0);
    }
    // A second start in the same directory with other seeding flags leaves the file byte-identical.
    Process::Options p{HECTOR_BINARY,
                       {"serve", "--port", "0", "--host", "127.0.0.1", "--model", "gpt-4.1"},
                       dir,
                       {{"OPENAI_API_KEY", "sk-test"}, {"HOME", dir}},
                       {}};
    Process again(p);
    ASSERT_TRUE(again.wait_for_output("listening on", std::chrono::seconds(20))) << again.output();
    EXPECT_NE(again.output().find("seeding flags"), std::string::npos);
    again.signal();
    EXPECT_EQ(again.wait(std::chrono::seconds(20)), 0);
    EXPECT_EQ(slurp(dir + "/.hector/config.yaml"), first);
}

TEST(ZeroConfig, EphemeralWritesNothing) {
    HectorServer::Options o;
    o.env["OPENAI_API_KEY"] = "sk-x";
    o.args = {"--ephemeral"};
    HectorServer server(o);
    EXPECT_FALSE(fs::exists(server.dir().path() + "/.hector/config.yaml"));
    EXPECT_EQ(get(server.port(), "/agents/assistant").status, 200);
}

TEST(ZeroConfig, NoProviderServesEchoAndWritesNothing) {
    HectorServer server({});
    EXPECT_FALSE(fs::exists(server.dir().path() + "/.hector/config.yaml"));
    EXPECT_NE(server.process().output().find("OPENAI_API_KEY"), std::string::npos);
    EXPECT_EQ(get(server.port(), "/agents/assistant").status, 200);
}

TEST(ZeroConfig, ExplicitProviderWithoutKeyFailsNamingTheVariable) {
    TempDir dir;
    auto r = run({"serve", "--port", "0", "--provider", "gemini"}, dir.path(), {{"HOME", dir.path()}});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.output.find("GEMINI_API_KEY"), std::string::npos) << r.output;
}

TEST(ZeroConfig, SkillFileNamesTheAgent) {
    TempDir dir;
    dir.write("SKILL.md", "---\nname: Reviewer\ndescription: Reviews pull requests\n---\nYou review diffs.\n");
    Process::Options p{HECTOR_BINARY,
                       {"serve", "--port", "0", "--host", "127.0.0.1", "--ephemeral"},
                       dir.path(),
                       {{"HOME", dir.path()}, {"OLLAMA_HOST", "http://127.0.0.1:1"}},
                       {"OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY"}};
    Process server(p);
    ASSERT_TRUE(server.wait_for_output("listening on", std::chrono::seconds(20))) << server.output();
    auto out = server.output();
    auto port = std::stoi(out.substr(out.find("127.0.0.1:") + 10));
    auto card = boost::json::parse(get(port, "/agents/assistant").body);
    EXPECT_EQ(card.at("name"), "Reviewer");
    EXPECT_EQ(card.at("description"), "Reviews pull requests");
}

TEST(Shutdown, SigtermExitsCleanly) {
    HectorServer server({});
    EXPECT_EQ(get(server.port(), "/health").status, 200);
    EXPECT_EQ(server.stop(std::chrono::seconds(10)), 0);
    EXPECT_NE(server.process().output().find("stopped"), std::string::npos);
}

}  // namespace
}  // namespace hector::test
