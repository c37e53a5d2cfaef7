// The `hector` command line: subcommands, exit codes and zero-config generation.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
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

// The binary runs on tcmalloc (docs/adr/allocator.md) when built with it, and it is the process the caller started:
// no re-execution, its name and environment as given, so pgrep, killall and ps find it and the processes it starts
// inherit what the caller set.
TEST(Cli, ServeRunsAsStartedOnItsAllocator) {
    HectorServer s({.env = {{"GLIBC_TUNABLES", "glibc.malloc.mmap_max=65536"}}});
    const std::string pid = std::to_string(s.process().pid());
    EXPECT_EQ(slurp("/proc/" + pid + "/comm"), "hector\n");
    std::string env = slurp("/proc/" + pid + "/environ");
    std::replace(env.begin(), env.end(), '\0', '\n');
    EXPECT_NE(("\n" + env).find("\nGLIBC_TUNABLES=glibc.malloc.mmap_max=65536\n"), std::string::npos);
    const bool tcmalloc = slurp("/proc/" + pid + "/maps").find("libtcmalloc_minimal") != std::string::npos;
#ifdef HECTOR_WITH_TCMALLOC
    EXPECT_TRUE(tcmalloc);
#else
    EXPECT_FALSE(tcmalloc);
#endif
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

TEST(Cli, ValidateJsonShapeAndFormats) {
    TempDir dir;
    auto cfg = dir.write("c.yaml",
                         "llms: {d: {provider: echo}}\nagents: {a: {llm: d, tools: [off]}}\n"
                         "tools: {off: {type: function, handler: todo_write, enabled: false}}\n");
    auto js = run({"validate", cfg, "--format", "json", "--print-config"});
    ASSERT_EQ(js.code, 0) << js.output;
    auto v = boost::json::parse(js.output).as_object();
    EXPECT_EQ(v.at("valid"), true);
    EXPECT_TRUE(v.at("errors").as_array().empty());
    const auto& warning = v.at("warnings").as_array().at(0).as_object();
    EXPECT_EQ(warning.at("path"), "agents.a.tools[0]");
    EXPECT_FALSE(warning.at("message").as_string().empty());
    EXPECT_EQ(v.at("config").at("llms").at("d").at("max_tokens"), 4096);  // defaults applied
    auto verbose = run({"validate", cfg, "-f", "verbose"});
    EXPECT_EQ(verbose.code, 0);
    EXPECT_NE(verbose.output.find("warning: agents.a.tools[0]"), std::string::npos) << verbose.output;
    EXPECT_NE(verbose.output.find("1 agent(s)"), std::string::npos) << verbose.output;
    auto compact = run({"validate", cfg});
    EXPECT_EQ(compact.output.find("warning:"), std::string::npos) << compact.output;  // compact: valid is enough
    // Environment variables are substituted in the printed config.
    auto env_cfg = dir.write("e.yaml", "llms: {d: {provider: echo, model: \"${MODEL_FOR_TEST}\"}}\nagents: {a: {}}\n");
    auto printed = run({"validate", env_cfg, "-p"}, dir.path(), {{"MODEL_FOR_TEST", "from-env"}});
    EXPECT_EQ(printed.code, 0) << printed.output;
    EXPECT_NE(printed.output.find("model: from-env"), std::string::npos) << printed.output;
}

TEST(Cli, ValidateRefusesWhatServeRefuses) {
    TempDir dir;
    auto cfg = dir.write("c.yaml",
                         "llms: {gpt: {provider: openai, model: gpt-4o}}\nagents: {a: {llm: gpt}}\n"
                         "server: {trusted_proxies: [not-an-address]}\n");
    auto js = run({"validate", cfg, "-f", "json"}, dir.path(), {{"HOME", dir.path()}});
    EXPECT_EQ(js.code, 1) << js.output;
    auto v = boost::json::parse(js.output).as_object();
    EXPECT_EQ(v.at("valid"), false);
    std::vector<std::string> paths;
    for (const auto& e : v.at("errors").as_array()) paths.emplace_back(e.at("path").as_string());
    EXPECT_NE(std::find(paths.begin(), paths.end(), "llms.gpt"), paths.end()) << js.output;  // no OPENAI_API_KEY
    EXPECT_NE(std::find(paths.begin(), paths.end(), "server.trusted_proxies"), paths.end()) << js.output;
    auto served = run({"-c", cfg, "serve", "--port", "0", "--storage", "inmemory"}, dir.path(), {{"HOME", dir.path()}});
    EXPECT_EQ(served.code, 1) << served.output;
}

TEST(Cli, InfoListsEveryAgentWithItsColumns) {
    TempDir dir;
    auto cfg = dir.write("c.yaml",
                         "llms: {d: {provider: echo, model: m1}}\n"
                         "agents:\n"
                         "  writer: {name: Writer, llm: d, visibility: private}\n"
                         "  pipeline: {type: sequential, sub_agents: [writer]}\n");
    auto r = run({"-c", cfg, "info"});
    ASSERT_EQ(r.code, 0) << r.output;
    std::istringstream lines(r.output);
    std::string header, writer, pipeline;
    std::getline(lines, header);
    std::getline(lines, writer);
    std::getline(lines, pipeline);
    for (const auto* column : {"AGENT", "NAME", "TYPE", "VISIBILITY", "LLM"})
        EXPECT_NE(header.find(column), std::string::npos) << header;
    std::istringstream w(writer);
    std::vector<std::string> cells{std::istream_iterator<std::string>(w), std::istream_iterator<std::string>()};
    EXPECT_EQ(cells, (std::vector<std::string>{"writer", "Writer", "llm", "private", "d", "(echo/m1)"}));
    EXPECT_EQ(pipeline.find("pipeline"), 0u) << pipeline;
    EXPECT_NE(pipeline.find("sequential"), std::string::npos) << pipeline;
}

TEST(Cli, InfoResolvesWhatTheAgentGets) {
    TempDir dir;
    auto cfg = dir.write("c.yaml",
                         "llms: {d: {provider: echo}}\n"
                         "tools:\n"
                         "  notes: {type: function, handler: todo_write}\n"
                         "  off: {type: function, handler: web_fetch, enabled: false}\n"
                         "  hidden: {type: function, handler: grep_search, internal: true}\n"
                         "  remote: {type: mcp, url: http://127.0.0.1:1/mcp}\n"
                         "embedders: {e: {provider: ollama, model: nomic-embed-text}}\n"
                         "document_stores:\n  docs: {source: {type: directory, path: ./docs}}\n"
                         "agents:\n"
                         "  lead: {llm: d, tools: [notes, off, bash], agent_tools: [helper], document_stores: []}\n"
                         "  helper: {llm: d}\n"
                         "  flow: {type: sequential, sub_agents: [lead, helper]}\n");
    auto line = [](const std::string& out, const std::string& label) {
        auto at = out.find(label);
        if (at == std::string::npos) return std::string("<no " + label + " line>");
        return out.substr(at, out.find('\n', at) - at);
    };
    auto lead = run({"-c", cfg, "info", "lead"});
    ASSERT_EQ(lead.code, 0) << lead.output;
    EXPECT_EQ(line(lead.output, "Tools:"), "Tools:       notes, bash");  // the disabled tool is left out
    EXPECT_EQ(line(lead.output, "Agent tools:"), "Agent tools: helper");
    EXPECT_EQ(line(lead.output, "Doc stores:"), "Doc stores:  -");
    // Omitted lists: every enabled, non-internal tool and every document store.
    auto helper = run({"-c", cfg, "info", "--agent", "helper"});
    ASSERT_EQ(helper.code, 0) << helper.output;
    EXPECT_EQ(line(helper.output, "Tools:"), "Tools:       notes");
    EXPECT_NE(line(helper.output, "MCP:").find("remote"), std::string::npos) << helper.output;
    EXPECT_EQ(line(helper.output, "Doc stores:"), "Doc stores:  docs");
    // A workflow agent has sub-agents and no tools of its own.
    auto flow = run({"-c", cfg, "info", "flow"});
    ASSERT_EQ(flow.code, 0) << flow.output;
    EXPECT_EQ(line(flow.output, "Sub-agents:"), "Sub-agents:  lead, helper");
    EXPECT_EQ(line(flow.output, "Tools:"), "Tools:       -");
    auto unknown = run({"-c", cfg, "info", "nobody"});
    EXPECT_EQ(unknown.code, 1);
    EXPECT_NE(unknown.output.find("unknown agent \"nobody\""), std::string::npos) << unknown.output;
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
