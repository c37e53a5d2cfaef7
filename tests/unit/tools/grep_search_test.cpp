#include <gtest/gtest.h>

#include <chrono>

#include "hector/tools/detail/glob.hpp"
#include "unit/tools/tool_harness.hpp"

namespace hector::tools::testing {
namespace {

namespace json = boost::json;

class GrepSearchTest : public ::testing::Test {
  protected:
    GrepSearchTest() : tool(make("grep_search", config_in(dir.path()))) {
        dir.write("src/main.cpp", "int main() {\n    return helper();\n}\n");
        dir.write("src/helper.h", "int helper();\n");
        dir.write("src/ui/view.tsx", "export const helper = 1;\n");
        dir.write("docs/readme.md", "Call helper() to help.\n");
        dir.write(".git/objects/x", "helper in git internals\n");
    }
    ToolResult search(json::object args) { return harness.call(*tool, args); }

    TempDir dir;
    TempDir outside;
    Harness harness;
    std::unique_ptr<Tool> tool;
};

TEST_F(GrepSearchTest, ReturnsFileLineTextInPathOrder) {
    EXPECT_FALSE(tool->approval_by_default());
    auto r = search({{"pattern", "helper"}});
    ASSERT_FALSE(r.is_error) << r.content;
    EXPECT_EQ(r.content,
              "docs/readme.md:1:Call helper() to help.\n"
              "src/helper.h:1:int helper();\n"
              "src/main.cpp:2:    return helper();\n"
              "src/ui/view.tsx:1:export const helper = 1;\n");
}

TEST_F(GrepSearchTest, IncludeGlobsOnNamesAndPaths) {
    auto cpp = search({{"pattern", "helper"}, {"include", "*.{cpp,h}"}});
    EXPECT_EQ(cpp.content, "src/helper.h:1:int helper();\nsrc/main.cpp:2:    return helper();\n");
    auto deep = search({{"pattern", "helper"}, {"include", "src/**/*.tsx"}});
    EXPECT_EQ(deep.content, "src/ui/view.tsx:1:export const helper = 1;\n");
    auto top = search({{"pattern", "helper"}, {"include", "src/*"}});  // '*' stays in one directory
    EXPECT_EQ(top.content, "src/helper.h:1:int helper();\nsrc/main.cpp:2:    return helper();\n");
    auto sub = search({{"pattern", "helper"}, {"path", "src/ui"}});
    EXPECT_EQ(sub.content, "src/ui/view.tsx:1:export const helper = 1;\n");
}

TEST_F(GrepSearchTest, MaxResultsAndNoMatches) {
    auto one = search({{"pattern", "helper"}, {"max_results", 1}});
    EXPECT_EQ(one.content, "docs/readme.md:1:Call helper() to help.\n[stopped at max_results=1]\n");
    auto none = search({{"pattern", "nothing_matches_this"}});
    EXPECT_FALSE(none.is_error);
    EXPECT_NE(none.content.find("No matches"), std::string::npos);
    auto bad = search({{"pattern", "helper"}, {"max_results", "ten"}});
    EXPECT_TRUE(bad.is_error);
    EXPECT_NE(bad.content.find("\"max_results\""), std::string::npos);
}

TEST_F(GrepSearchTest, SkipsBinaryHugeAndSymlinkedFiles) {
    dir.write("data.bin", std::string("helper\0binary", 13));
    dir.write("huge.log", std::string(5 * 1024 * 1024, 'x') + "\nhelper\n");
    outside.write("secret.txt", "helper secret\n");
    fs::create_symlink(outside.path() / "secret.txt", dir.path() / "link.txt");
    fs::create_directory_symlink(outside.path(), dir.path() / "linkdir");
    auto r = search({{"pattern", "helper"}});
    ASSERT_FALSE(r.is_error);
    EXPECT_EQ(r.content.find("data.bin"), std::string::npos);
    EXPECT_EQ(r.content.find("huge.log"), std::string::npos);
    EXPECT_EQ(r.content.find("secret"), std::string::npos) << r.content;
    EXPECT_NE(r.content.find("1 file(s) over 4 MiB were skipped"), std::string::npos) << r.content;
}

TEST_F(GrepSearchTest, PathEscapesAreRefused) {
    outside.write("secret.txt", "helper secret\n");
    fs::create_directory_symlink(outside.path(), dir.path() / "linkdir");
    for (const std::string& p :
         {std::string(".."), outside.path().string(), std::string("linkdir"), std::string("src/../../")}) {
        auto r = search({{"pattern", "helper"}, {"path", p}});
        EXPECT_TRUE(r.is_error) << p;
        EXPECT_EQ(r.content.find("secret"), std::string::npos) << p;
    }
}

TEST_F(GrepSearchTest, PathologicalPatternsRunInLinearTime) {
    dir.write("evil.txt", std::string(200000, 'a') + "!\n");
    const auto start = std::chrono::steady_clock::now();
    auto r1 = search({{"pattern", "(a+)+$"}, {"include", "evil.txt"}});
    auto r2 = search({{"pattern", "(a|aa)*b"}, {"include", "evil.txt"}});
    auto r3 = search({{"pattern", "^(a*)*$"}, {"include", "evil.txt"}});
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_FALSE(r1.is_error);
    EXPECT_NE(r1.content.find("No matches"), std::string::npos);  // the line ends with '!'
    EXPECT_NE(r2.content.find("No matches"), std::string::npos);
    EXPECT_NE(r3.content.find("No matches"), std::string::npos);
    EXPECT_LT(elapsed, std::chrono::seconds(3));
    auto invalid = search({{"pattern", "(unclosed"}});
    EXPECT_TRUE(invalid.is_error);
    EXPECT_NE(invalid.content.find("invalid pattern"), std::string::npos);
    auto backref = search({{"pattern", "(a)\\1"}});  // RE2 has no backreferences
    EXPECT_TRUE(backref.is_error);
}

TEST(GlobToRegex, Translations) {
    EXPECT_EQ(*detail::glob_to_regex("*.cpp"), "[^/]*\\.cpp");
    EXPECT_EQ(*detail::glob_to_regex("src/**/x?.{h,hpp}"), "src/(?:.*/)?x[^/]\\.(?:h|hpp)");
    EXPECT_EQ(*detail::glob_to_regex("[!a-c]*"), "[^a-c][^/]*");
    EXPECT_FALSE(detail::glob_to_regex("{a,b"));
    EXPECT_FALSE(detail::glob_to_regex("[abc"));
}

}  // namespace
}  // namespace hector::tools::testing
