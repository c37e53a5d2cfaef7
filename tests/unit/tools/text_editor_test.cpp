#include <gtest/gtest.h>

#include "unit/tools/tool_harness.hpp"

namespace hector::tools::testing {
namespace {

namespace json = boost::json;

class TextEditorTest : public ::testing::Test {
  protected:
    TextEditorTest() : tool(make("text_editor", config_in(dir.path()))) {}
    ToolResult run(json::object args) { return harness.call(*tool, args); }

    TempDir dir;
    TempDir outside;
    Harness harness;
    std::unique_ptr<Tool> tool;
};

TEST_F(TextEditorTest, NeedsApprovalAndDescribesItself) {
    EXPECT_EQ(tool->name(), "text_editor");
    EXPECT_TRUE(tool->approval_by_default());
    EXPECT_EQ(tool->parameters().at("type"), "object");
    EXPECT_TRUE(tool->parameters().at("properties").as_object().contains("view_range"));
}

TEST_F(TextEditorTest, CreateViewReplaceInsertUndoRoundTrip) {
    auto created = run({{"command", "create"}, {"path", "src/notes.txt"}, {"file_text", "one\ntwo\nthree\n"}});
    ASSERT_FALSE(created.is_error) << created.content;
    EXPECT_EQ(dir.read("src/notes.txt"), "one\ntwo\nthree\n");

    auto view = run({{"command", "view"}, {"path", "src/notes.txt"}});
    ASSERT_FALSE(view.is_error) << view.content;
    EXPECT_EQ(view.content, "     1\tone\n     2\ttwo\n     3\tthree\n");

    auto replaced = run({{"command", "str_replace"}, {"path", "src/notes.txt"}, {"old_str", "two"}, {"new_str", "2"}});
    ASSERT_FALSE(replaced.is_error) << replaced.content;
    EXPECT_EQ(dir.read("src/notes.txt"), "one\n2\nthree\n");
    EXPECT_NE(replaced.content.find("     2\t2"), std::string::npos) << replaced.content;

    auto inserted =
        run({{"command", "insert"}, {"path", "src/notes.txt"}, {"insert_line", 1}, {"new_str", "one and a half"}});
    ASSERT_FALSE(inserted.is_error) << inserted.content;
    EXPECT_EQ(dir.read("src/notes.txt"), "one\none and a half\n2\nthree\n");

    auto top = run({{"command", "insert"}, {"path", "src/notes.txt"}, {"insert_line", 0}, {"new_str", "zero\n"}});
    ASSERT_FALSE(top.is_error) << top.content;
    EXPECT_EQ(dir.read("src/notes.txt"), "zero\none\none and a half\n2\nthree\n");

    // Undo walks back one edit at a time, then removes the file create made.
    ASSERT_FALSE(run({{"command", "undo_edit"}, {"path", "src/notes.txt"}}).is_error);
    EXPECT_EQ(dir.read("src/notes.txt"), "one\none and a half\n2\nthree\n");
    ASSERT_FALSE(run({{"command", "undo_edit"}, {"path", "src/notes.txt"}}).is_error);
    EXPECT_EQ(dir.read("src/notes.txt"), "one\n2\nthree\n");
    ASSERT_FALSE(run({{"command", "undo_edit"}, {"path", "src/notes.txt"}}).is_error);
    EXPECT_EQ(dir.read("src/notes.txt"), "one\ntwo\nthree\n");
    ASSERT_FALSE(run({{"command", "undo_edit"}, {"path", "src/notes.txt"}}).is_error);
    EXPECT_FALSE(dir.exists("src/notes.txt"));
    auto nothing = run({{"command", "undo_edit"}, {"path", "src/notes.txt"}});
    EXPECT_TRUE(nothing.is_error);
    EXPECT_NE(nothing.content.find("no edit"), std::string::npos);
}

TEST_F(TextEditorTest, CreateOverwritesAndUndoRestoresThePreviousContent) {
    dir.write("a.txt", "original\n");
    auto r = run({{"command", "create"}, {"path", "a.txt"}, {"file_text", "new\n"}});
    ASSERT_FALSE(r.is_error) << r.content;
    EXPECT_NE(r.content.find("Overwrote"), std::string::npos);
    EXPECT_EQ(dir.read("a.txt"), "new\n");
    ASSERT_FALSE(run({{"command", "undo_edit"}, {"path", "a.txt"}}).is_error);
    EXPECT_EQ(dir.read("a.txt"), "original\n");
}

TEST_F(TextEditorTest, StrReplaceNeedsExactlyOneMatch) {
    dir.write("a.txt", "x = 1\ny = 1\n");
    auto none = run({{"command", "str_replace"}, {"path", "a.txt"}, {"old_str", "z = 1"}, {"new_str", "z = 2"}});
    EXPECT_TRUE(none.is_error);
    EXPECT_NE(none.content.find("0 matches"), std::string::npos) << none.content;
    auto two = run({{"command", "str_replace"}, {"path", "a.txt"}, {"old_str", "= 1"}, {"new_str", "= 2"}});
    EXPECT_TRUE(two.is_error);
    EXPECT_NE(two.content.find("occurs 2 times"), std::string::npos) << two.content;
    EXPECT_NE(two.content.find("lines 1, 2"), std::string::npos) << two.content;
    EXPECT_EQ(dir.read("a.txt"), "x = 1\ny = 1\n");  // untouched
    auto nothing_to_undo = run({{"command", "undo_edit"}, {"path", "a.txt"}});
    EXPECT_TRUE(nothing_to_undo.is_error);
}

TEST_F(TextEditorTest, ViewRangeAndLargeFiles) {
    std::string text;
    for (int i = 1; i <= 3000; ++i) text += "line " + std::to_string(i) + "\n";
    dir.write("big.txt", text);
    auto part = run({{"command", "view"}, {"path", "big.txt"}, {"view_range", json::array{2999, -1}}});
    ASSERT_FALSE(part.is_error) << part.content;
    EXPECT_EQ(part.content, "  2999\tline 2999\n  3000\tline 3000\n");
    auto whole = run({{"command", "view"}, {"path", "big.txt"}});
    ASSERT_FALSE(whole.is_error);
    EXPECT_NE(whole.content.find("  2000\tline 2000\n"), std::string::npos);
    EXPECT_EQ(whole.content.find("line 2001\n"), std::string::npos);
    EXPECT_NE(whole.content.find("showing lines 1-2000 of 3000"), std::string::npos);
    auto bad = run({{"command", "view"}, {"path", "big.txt"}, {"view_range", json::array{0, 5}}});
    EXPECT_TRUE(bad.is_error);
    auto wrong_type = run({{"command", "view"}, {"path", "big.txt"}, {"view_range", "1-5"}});
    EXPECT_TRUE(wrong_type.is_error);
    EXPECT_NE(wrong_type.content.find("view_range"), std::string::npos);

    dir.write("huge.txt", std::string(11 * 1024 * 1024, 'x'));
    auto huge = run({{"command", "view"}, {"path", "huge.txt"}});
    EXPECT_TRUE(huge.is_error);
    EXPECT_NE(huge.content.find("more than the limit"), std::string::npos) << huge.content;
}

TEST_F(TextEditorTest, BinaryFilesAreRefused) {
    dir.write("image.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
    for (const char* command : {"view", "str_replace", "insert"}) {
        auto r = run(
            {{"command", command}, {"path", "image.png"}, {"old_str", "PNG"}, {"new_str", "x"}, {"insert_line", 0}});
        EXPECT_TRUE(r.is_error) << command;
        EXPECT_NE(r.content.find("binary"), std::string::npos) << r.content;
    }
}

TEST_F(TextEditorTest, DirectoryListing) {
    dir.write("src/main.cpp", "int main() {}\n");
    dir.write("src/deep/er/hidden.cpp", "");
    dir.write(".git/config", "");
    dir.write("README.md", "hi\n");
    auto r = run({{"command", "view"}, {"path", "."}});
    ASSERT_FALSE(r.is_error) << r.content;
    EXPECT_NE(r.content.find("README.md\n"), std::string::npos) << r.content;
    EXPECT_NE(r.content.find("src/\n"), std::string::npos);
    EXPECT_NE(r.content.find("src/main.cpp\n"), std::string::npos);
    EXPECT_NE(r.content.find("src/deep/\n"), std::string::npos);
    EXPECT_EQ(r.content.find("src/deep/er"), std::string::npos);  // two levels only
    EXPECT_EQ(r.content.find(".git"), std::string::npos);
}

TEST_F(TextEditorTest, PathEscapesAreRefusedAndNothingOutsideChanges) {
    outside.write("secret.txt", "secret\n");
    fs::create_symlink(outside.path() / "secret.txt", dir.path() / "link.txt");
    fs::create_directory_symlink(outside.path(), dir.path() / "linkdir");
    const std::string abs_outside = (outside.path() / "secret.txt").string();
    for (const std::string& p : {std::string("../secret.txt"), abs_outside, std::string("link.txt"),
                                 std::string("linkdir/secret.txt"), std::string("linkdir/new.txt")}) {
        auto view = run({{"command", "view"}, {"path", p}});
        EXPECT_TRUE(view.is_error) << p;
        EXPECT_EQ(view.content.find("secret\n"), std::string::npos) << p;
        auto create = run({{"command", "create"}, {"path", p}, {"file_text", "pwned\n"}});
        EXPECT_TRUE(create.is_error) << p;
        auto replace = run({{"command", "str_replace"}, {"path", p}, {"old_str", "secret"}, {"new_str", "pwned"}});
        EXPECT_TRUE(replace.is_error) << p;
    }
    EXPECT_EQ(outside.read("secret.txt"), "secret\n");
    EXPECT_FALSE(fs::exists(outside.path() / "new.txt"));
}

TEST_F(TextEditorTest, BadArgumentsAreErrorResultsNamingTheArgument) {
    auto missing = run({{"command", "view"}});
    EXPECT_TRUE(missing.is_error);
    EXPECT_NE(missing.content.find("\"path\""), std::string::npos);
    auto wrong = run({{"command", "view"}, {"path", 42}});
    EXPECT_TRUE(wrong.is_error);
    EXPECT_NE(wrong.content.find("\"path\" must be a string"), std::string::npos);
    auto unknown = run({{"command", "delete"}, {"path", "a"}});
    EXPECT_TRUE(unknown.is_error);
    EXPECT_NE(unknown.content.find("unknown command"), std::string::npos);
    dir.write("a.txt", "a\n");
    auto line = run({{"command", "insert"}, {"path", "a.txt"}, {"insert_line", "one"}, {"new_str", "x"}});
    EXPECT_TRUE(line.is_error);
    EXPECT_NE(line.content.find("\"insert_line\" must be an integer"), std::string::npos);
    auto beyond = run({{"command", "insert"}, {"path", "a.txt"}, {"insert_line", 5}, {"new_str", "x"}});
    EXPECT_TRUE(beyond.is_error);
}

}  // namespace
}  // namespace hector::tools::testing
