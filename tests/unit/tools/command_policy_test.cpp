#include "hector/tools/detail/command_policy.hpp"

#include <gtest/gtest.h>

#include "unit/tools/tool_harness.hpp"

namespace hector::tools::detail {
namespace {

using Words = std::vector<std::string>;

TEST(ShellWords, QuotesAndBackslashes) {
    EXPECT_EQ(*split_shell_words("ls -la  src"), (Words{"ls", "-la", "src"}));
    EXPECT_EQ(*split_shell_words("echo 'a b' \"c d\" e\\ f"), (Words{"echo", "a b", "c d", "e f"}));
    EXPECT_EQ(*split_shell_words("echo a\"b\"'c'"), (Words{"echo", "abc"}));
    EXPECT_EQ(*split_shell_words("echo '' \"\""), (Words{"echo", "", ""}));
    EXPECT_EQ(*split_shell_words("echo \"q\\\"uote\\\\ \\n\""), (Words{"echo", "q\"uote\\ \\n"}));
    EXPECT_EQ(*split_shell_words("echo 'no \\escape'"), (Words{"echo", "no \\escape"}));
    EXPECT_FALSE(split_shell_words("echo 'open"));
    EXPECT_FALSE(split_shell_words("echo \"open"));
    EXPECT_FALSE(split_shell_words("echo trailing\\"));
}

TEST(CommandExecutables, SegmentsWrappersAndSubstitutions) {
    EXPECT_EQ(command_executables("ls -la"), (Words{"ls"}));
    EXPECT_EQ(command_executables("ls; rm x && cat y || echo z | wc -l & sleep 1"),
              (Words{"ls", "rm", "cat", "echo", "wc", "sleep"}));
    EXPECT_EQ(command_executables("echo $(rm -rf x) `id`"), (Words{"echo", "rm", "id"}));
    EXPECT_EQ(command_executables("echo \"$(rm x)\" 'literal; rm y'"), (Words{"echo", "rm"}));
    EXPECT_EQ(command_executables("FOO=1 /usr/bin/rm x"), (Words{"rm"}));
    // After a wrapper every word counts, since its options may take values.
    EXPECT_EQ(command_executables("sudo -u root env A=b nohup rm x"),
              (Words{"sudo", "root", "env", "nohup", "rm", "x"}));
    EXPECT_EQ(command_executables("timeout 5 rm x"), (Words{"timeout", "rm", "x"}));
    EXPECT_EQ(command_executables("sh -c 'rm -rf /'"), (Words{"sh", "rm"}));
    EXPECT_EQ(command_executables("sudo bash -c 'rm -rf /'"), (Words{"sudo", "bash", "rm"}));
    EXPECT_EQ(command_executables("eval \"rm x\""), (Words{"eval", "rm"}));
    EXPECT_EQ(command_executables("find . -name x -exec rm {} \\;"), (Words{"find", "rm"}));
    EXPECT_EQ(command_executables("if true; then rm x; fi"), (Words{"true", "rm"}));
    EXPECT_EQ(command_executables("\\rm x"), (Words{"rm"}));
    EXPECT_EQ(command_executables("cat <in >out 2>&1"), (Words{"cat"}));
    EXPECT_EQ(command_executables("ls\nrm x"), (Words{"ls", "rm"}));
}

class PlanTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto ws = Workspace::open(dir.path().string());
        ASSERT_TRUE(ws);
        workspace.emplace(std::move(*ws));
    }
    testing::TempDir dir;
    std::optional<Workspace> workspace;
};

TEST_F(PlanTest, StrictPolicyRunsAllowedCommandsWithoutAShell) {
    CommandPolicy policy{{"ls", "echo"}, {}, true};
    auto ls = plan_command("ls -la", policy, *workspace);
    ASSERT_TRUE(ls) << ls.error().message;
    EXPECT_TRUE(ls->executable.ends_with("/ls"));
    EXPECT_EQ(ls->argv, (Words{"ls", "-la"}));
    auto echo = plan_command("echo 'hi there'", policy, *workspace);
    ASSERT_TRUE(echo);
    EXPECT_EQ(echo->argv, (Words{"echo", "hi there"}));
}

TEST_F(PlanTest, StrictPolicyRefusals) {
    CommandPolicy policy{{"ls", "echo"}, {"echo"}, true};
    auto cat = plan_command("cat x", policy, *workspace);
    ASSERT_FALSE(cat);
    EXPECT_EQ(cat.error().code, Errc::forbidden);
    EXPECT_EQ(cat.error().message, "command \"cat\" is not allowed");
    EXPECT_EQ(plan_command("echo hi", policy, *workspace).error().message,
              "command \"echo\" is not allowed");  // deny wins
    for (const char* line : {"ls; rm x", "ls && rm x", "ls || rm x", "ls | rm x", "ls $(rm x)", "ls `rm x`", "ls > x",
                             "ls < x", "ls & rm x", "ls {a,b}", "ls\nrm x", "ls ${HOME}", "ls 'a;b'"}) {
        auto r = plan_command(line, policy, *workspace);
        ASSERT_FALSE(r) << line;
        EXPECT_EQ(r.error().code, Errc::forbidden) << line;
    }
    EXPECT_FALSE(plan_command("/bin/ls", policy, *workspace));
    EXPECT_FALSE(plan_command("./ls", policy, *workspace));
    for (const char* line : {"ls /etc", "ls ../", "ls --directory=/etc", "ls a/../../b"}) {
        auto r = plan_command(line, policy, *workspace);
        ASSERT_FALSE(r) << line;
        EXPECT_NE(r.error().message.find("argument"), std::string::npos) << r.error().message;
    }
    EXPECT_TRUE(plan_command("ls -la sub/dir", policy, *workspace));
    CommandPolicy nothing{{}, {}, true};
    EXPECT_FALSE(plan_command("ls", nothing, *workspace));  // deny_by_default with an empty allow list
}

TEST_F(PlanTest, ShellPolicyUsesTheDenyListBestEffort) {
    CommandPolicy policy{{}, {"rm"}, false};
    auto ok = plan_command("ls | wc -l; echo done", policy, *workspace);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->executable, "/bin/sh");
    EXPECT_EQ(ok->argv, (Words{"sh", "-c", "ls | wc -l; echo done"}));
    for (const char* line : {"rm x", "ls; rm x", "ls && /bin/rm x", "echo $(rm x)", "echo `rm x`", "ls | xargs rm"}) {
        auto r = plan_command(line, policy, *workspace);
        ASSERT_FALSE(r) << line;
        EXPECT_EQ(r.error().message, "command \"rm\" is not allowed") << line;
    }
    EXPECT_FALSE(plan_command("   ", policy, *workspace));
}

}  // namespace
}  // namespace hector::tools::detail
