#include <gtest/gtest.h>

#include "unit/tools/tool_harness.hpp"

namespace hector::tools::testing {
namespace {

namespace json = boost::json;

class TodoWriteTest : public ::testing::Test {
  protected:
    TodoWriteTest() : tool(make("todo_write", config_in(dir.path()))) {}
    ToolResult write(json::value todos) { return harness.call(*tool, json::object{{"todos", todos}}); }
    TempDir dir;
    Harness harness;
    std::unique_ptr<Tool> tool;
};

TEST_F(TodoWriteTest, ReplacesTheListThroughTheStateDelta) {
    EXPECT_FALSE(tool->approval_by_default());
    auto r = write(json::array{{{"id", "1"}, {"content", "Read the spec"}, {"status", "completed"}},
                               {{"id", 2}, {"content", "Write code"}, {"status", "in_progress"}},
                               {{"id", "3"}, {"content", "Test"}, {"status", "pending"}}});
    ASSERT_FALSE(r.is_error) << r.content;
    EXPECT_EQ(r.content,
              "Todo list updated: 3 item(s), 1 completed, 1 in progress, 1 pending.\n"
              "[x] 1. Read the spec\n[~] 2. Write code\n[ ] 3. Test\n");
    const auto& todos = r.state_delta.at("todos").as_array();
    ASSERT_EQ(todos.size(), 3u);
    EXPECT_EQ(todos[1].at("id"), "2");  // numbers become strings
    EXPECT_EQ(todos[1].at("status"), "in_progress");
    auto cleared = write(json::array{});
    ASSERT_FALSE(cleared.is_error);
    EXPECT_TRUE(cleared.state_delta.at("todos").as_array().empty());
}

TEST_F(TodoWriteTest, InvalidItemsAreErrorResultsWithoutAStateChange) {
    struct Case {
        json::value todos;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {json::value("not a list"), "\"todos\" must be an array"},
        {json::array{"text"}, "todos[0] must be an object"},
        {json::array{{{"id", "1"}, {"content", "x"}, {"status", "done"}}}, "todos[0].status must be"},
        {json::array{{{"id", "1"}, {"content", ""}, {"status", "pending"}}}, "todos[0].content must be"},
        {json::array{{{"content", "x"}, {"status", "pending"}}}, "todos[0].id must be"},
        {json::array{{{"id", "1"}, {"content", "a"}, {"status", "pending"}},
                     {{"id", "1"}, {"content", "b"}, {"status", "pending"}}},
         "todos[1].id \"1\" is used twice"},
    };
    for (const auto& c : cases) {
        auto r = write(c.todos);
        EXPECT_TRUE(r.is_error) << c.expected;
        EXPECT_NE(r.content.find(c.expected), std::string::npos) << r.content;
        EXPECT_TRUE(r.state_delta.empty());
    }
    auto missing = harness.call(*tool, json::object{});
    EXPECT_TRUE(missing.is_error);
    EXPECT_NE(missing.content.find("\"todos\""), std::string::npos);
}

}  // namespace
}  // namespace hector::tools::testing
