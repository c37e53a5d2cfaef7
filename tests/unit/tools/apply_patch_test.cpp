#include <gtest/gtest.h>

#include "hector/tools/detail/unified_diff.hpp"
#include "unit/tools/tool_harness.hpp"

namespace hector::tools::testing {
namespace {

namespace json = boost::json;

class ApplyPatchTest : public ::testing::Test {
  protected:
    ApplyPatchTest() : tool(make("apply_patch", config_in(dir.path()))) {}
    ToolResult apply(const std::string& patch) { return harness.call(*tool, json::object{{"patch", patch}}); }

    TempDir dir;
    TempDir outside;
    Harness harness;
    std::unique_ptr<Tool> tool;
};

TEST_F(ApplyPatchTest, NeedsApproval) {
    EXPECT_TRUE(tool->approval_by_default());
}

TEST_F(ApplyPatchTest, AppliesSeveralFilesWithCreateAndDelete) {
    dir.write("src/a.txt", "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n");
    dir.write("old.txt", "bye\n");
    const std::string patch =
        "diff --git a/src/a.txt b/src/a.txt\n"
        "index 1111111..2222222 100644\n"
        "--- a/src/a.txt\n"
        "+++ b/src/a.txt\n"
        "@@ -1,3 +1,3 @@\n"
        " one\n"
        "-two\n"
        "+TWO\n"
        " three\n"
        "@@ -8,3 +8,4 @@\n"
        " eight\n"
        " nine\n"
        " ten\n"
        "+eleven\n"
        "--- /dev/null\n"
        "+++ b/docs/new.md\n"
        "@@ -0,0 +1,2 @@\n"
        "+# New\n"
        "+text\n"
        "--- a/old.txt\n"
        "+++ /dev/null\n"
        "@@ -1 +0,0 @@\n"
        "-bye\n";
    auto r = apply(patch);
    ASSERT_FALSE(r.is_error) << r.content;
    EXPECT_EQ(dir.read("src/a.txt"), "one\nTWO\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\n");
    EXPECT_EQ(dir.read("docs/new.md"), "# New\ntext\n");
    EXPECT_FALSE(dir.exists("old.txt"));
    EXPECT_NE(r.content.find("M src/a.txt (2 hunks)"), std::string::npos) << r.content;
    EXPECT_NE(r.content.find("A docs/new.md"), std::string::npos);
    EXPECT_NE(r.content.find("D old.txt"), std::string::npos);
}

TEST_F(ApplyPatchTest, ToleratesShiftedLineNumbers) {
    dir.write("a.txt", "header\nheader2\nalpha\nbeta\ngamma\n");
    auto r = apply("--- a.txt\n+++ a.txt\n@@ -1,3 +1,3 @@\n alpha\n-beta\n+BETA\n gamma\n");
    ASSERT_FALSE(r.is_error) << r.content;
    EXPECT_EQ(dir.read("a.txt"), "header\nheader2\nalpha\nBETA\ngamma\n");
}

TEST_F(ApplyPatchTest, AllOrNothingWhenALaterHunkFails) {
    dir.write("a.txt", "one\ntwo\nthree\n");
    dir.write("b.txt", "red\ngreen\nblue\n");
    const std::string patch =
        "--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n"
        "--- /dev/null\n+++ b/c.txt\n@@ -0,0 +1 @@\n+created\n"
        "--- a/b.txt\n+++ b/b.txt\n@@ -1,3 +1,3 @@\n red\n-yellow\n+YELLOW\n blue\n";
    auto r = apply(patch);
    ASSERT_TRUE(r.is_error);
    EXPECT_NE(r.content.find("b.txt: hunk 1 (@@ -1,3 +1,3 @@) does not match"), std::string::npos) << r.content;
    EXPECT_NE(r.content.find("nothing was changed"), std::string::npos);
    EXPECT_EQ(dir.read("a.txt"), "one\ntwo\nthree\n");
    EXPECT_EQ(dir.read("b.txt"), "red\ngreen\nblue\n");
    EXPECT_FALSE(dir.exists("c.txt"));
}

TEST_F(ApplyPatchTest, NamesTheSecondHunkWhenItFails) {
    dir.write("a.txt", "1\n2\n3\n4\n5\n6\n7\n8\n");
    auto r = apply("--- a.txt\n+++ a.txt\n@@ -1,2 +1,2 @@\n-1\n+one\n 2\n@@ -6,2 +6,2 @@\n 6\n-nope\n+x\n");
    ASSERT_TRUE(r.is_error);
    EXPECT_NE(r.content.find("a.txt: hunk 2 (@@ -6,2 +6,2 @@)"), std::string::npos) << r.content;
    EXPECT_EQ(dir.read("a.txt"), "1\n2\n3\n4\n5\n6\n7\n8\n");
}

TEST_F(ApplyPatchTest, RefusesEscapesCreatingExistingFilesAndGarbage) {
    outside.write("victim.txt", "safe\n");
    fs::create_directory_symlink(outside.path(), dir.path() / "out");
    dir.write("exists.txt", "x\n");
    const std::string outside_abs = (outside.path() / "victim.txt").string();
    for (const std::string& target : {std::string("../victim.txt"), outside_abs, std::string("out/victim.txt")}) {
        auto r = apply("--- " + target + "\n+++ " + target + "\n@@ -1 +1 @@\n-safe\n+owned\n");
        EXPECT_TRUE(r.is_error) << target;
    }
    EXPECT_EQ(outside.read("victim.txt"), "safe\n");
    auto create = apply("--- /dev/null\n+++ b/exists.txt\n@@ -0,0 +1 @@\n+y\n");
    EXPECT_TRUE(create.is_error);
    EXPECT_NE(create.content.find("exists"), std::string::npos);
    auto garbage = apply("this is not a patch");
    EXPECT_TRUE(garbage.is_error);
    EXPECT_NE(garbage.content.find("no file sections"), std::string::npos);
    auto truncated = apply("--- a.txt\n+++ a.txt\n@@ -1,3 +1,3 @@\n one\n");
    EXPECT_TRUE(truncated.is_error);
    EXPECT_NE(truncated.content.find("truncated"), std::string::npos) << truncated.content;
    auto wrong_type = harness.call(*tool, json::object{{"patch", json::array{}}});
    EXPECT_TRUE(wrong_type.is_error);
    EXPECT_NE(wrong_type.content.find("\"patch\" must be a string"), std::string::npos);
}

TEST_F(ApplyPatchTest, BinaryTargetsAreRefused) {
    dir.write("bin.dat", std::string("a\0b\n", 4));
    auto r = apply("--- bin.dat\n+++ bin.dat\n@@ -1 +1 @@\n-a\n+b\n");
    EXPECT_TRUE(r.is_error);
    EXPECT_NE(r.content.find("binary"), std::string::npos);
}

TEST(UnifiedDiff, NoNewlineAtEndOfFile) {
    auto files = detail::parse_unified_diff(
        "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n");
    ASSERT_TRUE(files) << files.error().message;
    ASSERT_EQ(files->size(), 1u);
    EXPECT_EQ((*files)[0].path(), "x");
    auto out = detail::apply_file_patch(std::string("a\nb"), (*files)[0]);
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(**out, "a\nc");
    auto added_newline =
        detail::parse_unified_diff("--- x\n+++ x\n@@ -1 +1 @@\n-b\n\\ No newline at end of file\n+b\n");
    ASSERT_TRUE(added_newline);
    EXPECT_EQ(**detail::apply_file_patch(std::string("b"), (*added_newline)[0]), "b\n");
}

TEST(UnifiedDiff, ContextMatchesIgnoringTrailingWhitespaceOnlyAsAFallback) {
    auto files = detail::parse_unified_diff("--- x\n+++ x\n@@ -1,2 +1,2 @@\n keep\n-old\n+new\n");
    ASSERT_TRUE(files);
    auto out = detail::apply_file_patch(std::string("keep  \nold\n"), (*files)[0]);
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(**out, "keep  \nnew\n");  // the file's own context line is kept as it was
}

}  // namespace
}  // namespace hector::tools::testing
