#include <gtest/gtest.h>

#include "unit/tools/tool_harness.hpp"

namespace hector::tools::testing {
namespace {

TEST(MakeBuiltin, BuildsEveryBuiltinWithItsApprovalDefault) {
    TempDir dir;
    const std::pair<const char*, bool> expected[] = {
        {"text_editor", true}, {"apply_patch", true}, {"grep_search", false}, {"bash", true},
        {"web_search", false}, {"web_fetch", false},  {"web_request", true},  {"todo_write", false}};
    for (const auto& [name, approval] : expected) {
        auto tool = make_builtin(name, config_in(dir.path()));
        ASSERT_TRUE(tool) << name << ": " << tool.error().message;
        EXPECT_EQ((*tool)->name(), name);
        EXPECT_EQ((*tool)->approval_by_default(), approval) << name;
        EXPECT_FALSE((*tool)->description().empty());
        ASSERT_TRUE((*tool)->parameters().is_object()) << name;
        EXPECT_EQ((*tool)->parameters().at("type"), "object") << name;
        EXPECT_TRUE((*tool)->parameters().as_object().contains("required")) << name;
    }
}

TEST(MakeBuiltin, UnknownHandlersAndMissingDirectoriesFail) {
    TempDir dir;
    auto unknown = make_builtin("rm_rf", config_in(dir.path()));
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("unknown built-in tool \"rm_rf\""), std::string::npos);
    for (const char* name : {"text_editor", "apply_patch", "grep_search", "bash"}) {
        auto tool = make_builtin(name, config_in(dir.path() / "does-not-exist"));
        ASSERT_FALSE(tool) << name;
        EXPECT_NE(tool.error().message.find("working_directory"), std::string::npos) << tool.error().message;
    }
}

TEST(MakeBuiltin, TheConfigCanOverrideDescriptionAndSchema) {
    TempDir dir;
    auto c = config_in(dir.path());
    c.description = "Search our code base.";
    c.parameters.value = boost::json::parse(R"({"type":"object","properties":{"pattern":{"type":"string"}}})");
    auto tool = make("grep_search", c);
    EXPECT_EQ(tool->description(), "Search our code base.");
    EXPECT_EQ(tool->parameters(), c.parameters.value);
}

TEST(TruncateOutput, CutsOnACharacterBoundaryWithAMarker) {
    EXPECT_EQ(truncate_output("short", 10), "short");
    EXPECT_EQ(truncate_output("abcdef", 3), "abc…[truncated 3 chars]");
    EXPECT_EQ(truncate_output("a\xC3\xA9z", 2), "a…[truncated 3 chars]");
}

}  // namespace
}  // namespace hector::tools::testing
