#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <mutex>

#include "unit/tools/tool_harness.hpp"

namespace hector::tools::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class BashTest : public ::testing::Test {
  protected:
    std::unique_ptr<Tool> tool_with(config::ToolConfig c) { return make("bash", c); }
    ToolResult run(Tool& tool, const std::string& command) {
        return harness.call(tool, json::object{{"command", command}});
    }

    TempDir dir;
    Harness harness;
};

TEST_F(BashTest, RunsInTheWorkingDirectoryWithAMinimalEnvironment) {
    auto tool = tool_with(config_in(dir.path()));
    EXPECT_TRUE(tool->approval_by_default());
    ::setenv("HECTOR_TEST_SECRET", "do-not-leak", 1);
    auto r = run(*tool, "pwd; env | sort; echo oops >&2; exit 3");
    ::unsetenv("HECTOR_TEST_SECRET");
    EXPECT_TRUE(r.is_error);  // a non-zero exit
    auto o = parse_object(r.content);
    EXPECT_EQ(o.at("exit_code"), 3);
    const std::string out(o.at("stdout").as_string());
    EXPECT_EQ(out.substr(0, out.find('\n')), dir.path().string());
    EXPECT_NE(out.find("PATH=/usr/local/bin:/usr/bin:/bin\n"), std::string::npos) << out;
    EXPECT_NE(out.find("TERM=dumb\n"), std::string::npos);
    EXPECT_NE(out.find("LANG=C.UTF-8\n"), std::string::npos);
    EXPECT_EQ(out.find("HECTOR_TEST_SECRET"), std::string::npos);
    EXPECT_EQ(o.at("stderr"), "oops\n");

    auto ok = run(*tool, "echo hi");
    EXPECT_FALSE(ok.is_error);
    EXPECT_EQ(parse_object(ok.content).at("stdout"), "hi\n");
    EXPECT_EQ(parse_object(ok.content).at("exit_code"), 0);
}

TEST_F(BashTest, StdinIsEmptyAndNoDescriptorLeaks) {
    auto tool = tool_with(config_in(dir.path()));
    auto r = run(*tool, "cat; ls /proc/self/fd | wc -l");
    ASSERT_FALSE(r.is_error) << r.content;
    // 0, 1, 2 and the descriptor ls opens for the listing.
    EXPECT_EQ(parse_object(r.content).at("stdout"), "4\n");
}

TEST_F(BashTest, AllowListRunsOnlyAllowedCommandsAndNothingElse) {
    auto c = config_in(dir.path());
    c.allowed_commands = {"ls", "echo"};
    c.deny_by_default = true;
    auto tool = tool_with(c);
    dir.write("x", "keep me\n");
    auto ls = run(*tool, "ls");
    ASSERT_FALSE(ls.is_error) << ls.content;
    EXPECT_EQ(parse_object(ls.content).at("stdout"), "x\n");
    auto echo = run(*tool, "echo hi");
    ASSERT_FALSE(echo.is_error) << echo.content;
    EXPECT_EQ(parse_object(echo.content).at("stdout"), "hi\n");
    // No shell: metacharacters are refused, and would not be interpreted anyway.
    const std::string marker = (dir.path() / "marker").string();
    for (const std::string& line : std::vector<std::string>{
             "cat x", "ls; rm x", "ls && rm x", "ls || rm x", "ls | rm x", "ls $(rm x)", "ls `rm x`",
             "echo hi; touch " + marker, "echo $(touch " + marker + ")", "echo `touch " + marker + "`", "rm x"}) {
        auto r = run(*tool, line);
        EXPECT_TRUE(r.is_error) << line;
        EXPECT_EQ(r.content.find("exit_code"), std::string::npos) << line << ": " << r.content;  // nothing ran
    }
    EXPECT_EQ(run(*tool, "cat x").content, "command \"cat\" is not allowed");
    EXPECT_EQ(dir.read("x"), "keep me\n");
    EXPECT_FALSE(dir.exists("marker"));
    // Arguments are not expanded by a shell, and paths must stay inside.
    auto literal = run(*tool, "echo '*' \"two words\"");
    EXPECT_EQ(parse_object(literal.content).at("stdout"), "* two words\n");
    EXPECT_TRUE(run(*tool, "ls /etc").is_error);
    EXPECT_TRUE(run(*tool, "ls ..").is_error);
}

TEST_F(BashTest, DenyListWithoutAllowListIsABestEffortFilter) {
    auto c = config_in(dir.path());
    c.denied_commands = {"rm"};
    auto tool = tool_with(c);
    dir.write("x", "keep me\n");
    for (const char* line : {"rm x", "ls; rm x", "ls && rm x", "false || rm x", "ls | xargs rm", "echo $(rm x)",
                             "echo `rm x`", "/bin/rm x"}) {
        auto r = run(*tool, line);
        EXPECT_TRUE(r.is_error) << line;
        EXPECT_EQ(r.content, "command \"rm\" is not allowed") << line;
    }
    EXPECT_EQ(dir.read("x"), "keep me\n");
    auto piped = run(*tool, "cat x | wc -l");
    ASSERT_FALSE(piped.is_error) << piped.content;
    EXPECT_EQ(parse_object(piped.content).at("stdout"), "1\n");
}

TEST_F(BashTest, HugeOutputIsTruncatedWithAMarkerWithoutBlockingTheChild) {
    auto tool = tool_with(config_in(dir.path()));
    ToolContext ctx = harness.context();
    ctx.max_output_bytes = 64 * 1024;
    std::atomic<std::size_t> streamed{0};
    ctx.progress = [&](std::string_view chunk) { streamed += chunk.size(); };
    const auto start = Clock::now();
    auto r = harness.call(*tool, json::object{{"command", "yes | head -c 10000000; echo done >&2"}}, ctx);
    const auto elapsed = Clock::now() - start;
    ASSERT_FALSE(r.is_error) << r.content.substr(0, 300);
    auto o = parse_object(r.content);
    const std::string out(o.at("stdout").as_string());
    EXPECT_EQ(out.substr(0, 6), "y\ny\ny\n");
    EXPECT_TRUE(out.ends_with("…[truncated " + std::to_string(10000000 - 64 * 1024) + " chars]"))
        << out.substr(out.size() - 80);
    EXPECT_EQ(o.at("stderr"), "done\n");         // the child ran to its end
    EXPECT_EQ(streamed.load(), 64u * 1024 + 5);  // progress is bounded like the capture (+ "done\n" on stderr)
    EXPECT_LT(elapsed, 10s);
}

TEST_F(BashTest, TimeoutKillsTheProcessGroupAfterTheLimit) {
    auto c = config_in(dir.path());
    c.max_execution_time = std::chrono::milliseconds(1000);
    auto tool = tool_with(c);
    const auto start = Clock::now();
    auto r = run(*tool, "sleep 5");
    const auto elapsed = Clock::now() - start;
    EXPECT_TRUE(r.is_error);
    auto o = parse_object(r.content);
    EXPECT_NE(std::string(o.at("error").as_string()).find("timed out after 1 s"), std::string::npos) << r.content;
    EXPECT_GE(elapsed, 900ms);
    EXPECT_LT(elapsed, 2500ms);

    // The call's own timeout argument can only shorten the limit.
    const auto start2 = Clock::now();
    auto r2 = harness.call(*tool, json::object{{"command", "sleep 5"}, {"timeout", 0.3}});
    EXPECT_TRUE(r2.is_error);
    EXPECT_LT(Clock::now() - start2, 1500ms);
    auto bad = harness.call(*tool, json::object{{"command", "true"}, {"timeout", "soon"}});
    EXPECT_TRUE(bad.is_error);
    EXPECT_NE(bad.content.find("\"timeout\""), std::string::npos);
}

TEST_F(BashTest, ATermIgnoringChildIsKilled) {
    auto c = config_in(dir.path());
    c.max_execution_time = std::chrono::milliseconds(300);
    auto tool = tool_with(c);
    const auto start = Clock::now();
    auto r = run(*tool, "trap '' TERM; sleep 10; sleep 10");
    EXPECT_TRUE(r.is_error);
    EXPECT_LT(Clock::now() - start, 2s);
    EXPECT_NE(r.content.find("timed out"), std::string::npos);
}

TEST_F(BashTest, CancelThroughTheCancellationSlotKillsTheGroupWithinASecond) {
    auto tool = tool_with(config_in(dir.path()));
    ToolContext ctx = harness.context();
    std::mutex mu;
    std::string seen;
    ctx.progress = [&](std::string_view chunk) {
        std::lock_guard lock(mu);
        seen.append(chunk);
    };
    CancellableCall call(harness, *tool, json::object{{"command", "echo $$; sleep 30 & sleep 30"}}, ctx);
    pid_t pgid = 0;
    ASSERT_TRUE(eventually([&] {
        std::lock_guard lock(mu);
        if (seen.find('\n') == std::string::npos) return false;
        pgid = static_cast<pid_t>(std::stol(seen));
        return true;
    }));
    ASSERT_TRUE(group_alive(pgid));
    const auto start = Clock::now();
    call.cancel();
    auto r = call.wait(1s);
    ASSERT_TRUE(r.has_value()) << "the call did not return within 1 s of the cancel";
    EXPECT_LT(Clock::now() - start, 1s);
    EXPECT_TRUE(r->is_error);
    EXPECT_NE(r->content.find("cancelled"), std::string::npos) << r->content;
    EXPECT_TRUE(eventually([&] { return !group_alive(pgid); }, 1s)) << "process group " << pgid << " survived";
}

TEST_F(BashTest, ProgressStreamsBeforeTheCommandEnds) {
    auto tool = tool_with(config_in(dir.path()));
    ToolContext ctx = harness.context();
    std::mutex mu;
    std::optional<Clock::time_point> first_at;
    std::string streamed;
    ctx.progress = [&](std::string_view chunk) {
        std::lock_guard lock(mu);
        if (!first_at) first_at = Clock::now();
        streamed.append(chunk);
    };
    auto r = harness.call(*tool, json::object{{"command", "echo first; sleep 0.6; echo second"}}, ctx);
    const auto ended = Clock::now();
    ASSERT_FALSE(r.is_error) << r.content;
    std::lock_guard lock(mu);
    ASSERT_TRUE(first_at.has_value());
    EXPECT_GE(ended - *first_at, 400ms);
    EXPECT_EQ(streamed, "first\nsecond\n");
}

TEST_F(BashTest, BackgroundLeftoversDoNotHoldTheCallAndAreKilled) {
    auto tool = tool_with(config_in(dir.path()));
    const auto start = Clock::now();
    auto r = run(*tool, "sleep 20 & echo started");
    EXPECT_LT(Clock::now() - start, 3s);
    ASSERT_FALSE(r.is_error) << r.content;
    EXPECT_EQ(parse_object(r.content).at("stdout"), "started\n");
}

TEST_F(BashTest, BadArgumentsAndMissingDirectory) {
    auto tool = tool_with(config_in(dir.path()));
    auto missing = harness.call(*tool, json::object{});
    EXPECT_TRUE(missing.is_error);
    EXPECT_NE(missing.content.find("\"command\""), std::string::npos);
    auto wrong = harness.call(*tool, json::object{{"command", json::array{"ls"}}});
    EXPECT_TRUE(wrong.is_error);
    EXPECT_NE(wrong.content.find("\"command\" must be a string"), std::string::npos);
    auto gone = make_builtin("bash", config_in(dir.path() / "missing"));
    EXPECT_FALSE(gone);
}

}  // namespace
}  // namespace hector::tools::testing
