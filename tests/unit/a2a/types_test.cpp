#include "hector/a2a/types.hpp"

#include <gtest/gtest.h>

namespace hector::a2a {
namespace {

TEST(TaskStateNames, CanonicalNamesRoundTrip) {
    for (auto s :
         {TaskState::submitted, TaskState::working, TaskState::input_required, TaskState::completed,
          TaskState::canceled, TaskState::failed, TaskState::rejected, TaskState::auth_required, TaskState::unknown}) {
        EXPECT_EQ(parse_state(to_string(s)), s) << to_string(s);
    }
    EXPECT_EQ(to_string(TaskState::input_required), "input-required");
    EXPECT_EQ(to_string(TaskState::canceled), "canceled");
    EXPECT_EQ(to_string(TaskState::auth_required), "auth-required");
}

TEST(TaskStateNames, AliasesFromDocsAndProto) {
    struct Case {
        const char* text;
        std::optional<TaskState> want;
    };
    const Case cases[] = {
        {"cancelled", TaskState::canceled},
        {"input_required", TaskState::input_required},
        {"auth_required", TaskState::auth_required},
        {"pending", TaskState::submitted},
        {"running", TaskState::working},
        {"TASK_STATE_SUBMITTED", TaskState::submitted},
        {"TASK_STATE_WORKING", TaskState::working},
        {"TASK_STATE_INPUT_REQUIRED", TaskState::input_required},
        {"TASK_STATE_COMPLETED", TaskState::completed},
        {"TASK_STATE_CANCELLED", TaskState::canceled},
        {"TASK_STATE_FAILED", TaskState::failed},
        {"TASK_STATE_REJECTED", TaskState::rejected},
        {"TASK_STATE_AUTH_REQUIRED", TaskState::auth_required},
        {"TASK_STATE_UNSPECIFIED", TaskState::unknown},
        {"Completed", TaskState::completed},
        {"", std::nullopt},
        {"done", std::nullopt},
        {"input required", std::nullopt},
        {"TASK_STATE_", std::nullopt},
    };
    for (const auto& c : cases) EXPECT_EQ(parse_state(c.text), c.want) << c.text;
    EXPECT_FALSE(parse_state(std::string(100000, 'a')));
}

TEST(TaskStateNames, TerminalAndInterrupted) {
    EXPECT_TRUE(is_terminal(TaskState::completed));
    EXPECT_TRUE(is_terminal(TaskState::canceled));
    EXPECT_TRUE(is_terminal(TaskState::failed));
    EXPECT_TRUE(is_terminal(TaskState::rejected));
    for (auto s : {TaskState::submitted, TaskState::working, TaskState::input_required, TaskState::auth_required,
                   TaskState::unknown})
        EXPECT_FALSE(is_terminal(s)) << to_string(s);
    EXPECT_TRUE(is_interrupted(TaskState::input_required));
    EXPECT_TRUE(is_interrupted(TaskState::auth_required));
    EXPECT_FALSE(is_interrupted(TaskState::working));
    EXPECT_FALSE(is_interrupted(TaskState::completed));
}

TEST(MessageText, JoinsTextPartsOnly) {
    Message m;
    EXPECT_EQ(m.text(), "");
    m.parts.push_back(Part::make_text("one"));
    Part data;
    data.kind = Part::Kind::data;
    m.parts.push_back(data);
    m.parts.push_back(Part::make_text("two"));
    EXPECT_EQ(m.text(), "one\ntwo");
}

}  // namespace
}  // namespace hector::a2a
