// How YAML becomes the typed model: duplicate keys, aliases, empty choices, lists given as one value.

#include <gtest/gtest.h>

#include "config_test_util.hpp"

namespace hector::config {
namespace {

using testing::all_diagnostics;
using testing::find_error;
using testing::has_error;
using testing::has_warning;
using testing::kLlm;
using testing::load;

TEST(YamlReader, DuplicateKeysAreErrorsAndBothCopiesAreChecked) {
    Loaded l = load("agents:\n  a: {}\nagents:\n  b: {colour: red}\n");
    EXPECT_TRUE(has_error(l, "agents: duplicate key (first defined at line 1)")) << all_diagnostics(l);
    // The second copy is still read, so its typos show in the same run.
    EXPECT_TRUE(has_warning(l, "agents.b.colour: unknown key")) << all_diagnostics(l);

    Loaded in_map = load("llms:\n  a: {provider: openai}\n  a: {provider: gemini, tempo: 1}\n");
    EXPECT_TRUE(has_error(in_map, "llms.a: duplicate key (first defined at line 2)")) << all_diagnostics(in_map);
    EXPECT_TRUE(has_warning(in_map, "llms.a.tempo: unknown key"));

    Loaded field = load("databases:\n  main:\n    driver: sqlite\n    database: a.db\n    database: b.db\n");
    EXPECT_TRUE(has_error(field, "databases.main.database: duplicate key (first defined at line 4)"))
        << all_diagnostics(field);
}

TEST(YamlReader, AliasNextToItsKeyIsIgnoredWithAWarning) {
    Loaded l = load("databases:\n  main: {driver: postgres, database: hector, user: a, username: b}\n");
    ASSERT_TRUE(l.ok()) << all_diagnostics(l);
    EXPECT_EQ(l.config.databases.find("main")->username, "b");
    EXPECT_TRUE(has_warning(l, "databases.main.user: ignored: \"username\" is also set"));

    Loaded alias = load("databases:\n  main: {driver: sqlite, path: x.db, max_open_conns: 7}\n");
    ASSERT_TRUE(alias.ok()) << all_diagnostics(alias);
    EXPECT_EQ(alias.config.databases.find("main")->database, "x.db");
    EXPECT_EQ(alias.config.databases.find("main")->max_conns, 7);
}

TEST(YamlReader, EmptyChoiceKeepsTheDefault) {
    Loaded l = load(std::string(kLlm) + "agents:\n  a:\n    visibility:\n    type: ''\n");
    ASSERT_TRUE(l.ok()) << all_diagnostics(l);
    EXPECT_EQ(l.config.agents.find("a")->visibility, "public");
    EXPECT_EQ(l.config.agents.find("a")->type, "llm");
}

TEST(YamlReader, OneValueWhereAListIsExpected) {
    Loaded l = load(std::string(kLlm) + "agents: {a: {trigger: {type: webhook, methods: PUT}}}\n");
    ASSERT_TRUE(l.ok()) << all_diagnostics(l);
    EXPECT_EQ(l.config.agents.find("a")->trigger->methods, std::vector<std::string>{"PUT"});
    EXPECT_TRUE(has_error(load("agents: {a: {skills: oops}}"), "agents.a.skills: expected a list"));
}

TEST(YamlReader, TypeErrorsNameThePath) {
    EXPECT_TRUE(has_error(load("server: {auth: {audience: {clientId: x}}}"),
                          "server.auth.audience: expected a string, got a mapping"));
    EXPECT_TRUE(has_error(load("agents: {a: {streaming: maybe}}"), "agents.a.streaming: expected true or false"));
    EXPECT_TRUE(has_error(load("queue: {task_timeout: soon}"), "queue.task_timeout: expected a duration"));
    EXPECT_TRUE(
        has_error(load("document_stores: {d: {chunking: {size: 10}}}"), "document_stores.d.source: is required"));
    EXPECT_TRUE(has_error(load("agents: {a: {agents: [x]}}"), "agents.a.agents: expected a mapping"));
}

TEST(YamlReader, InlineAgentsAreReadLikeTopLevelOnes) {
    Loaded l =
        load(std::string(kLlm) + "agents:\n  root:\n    agents:\n      child: {visibility: hidden, colour: 1}\n");
    EXPECT_TRUE(has_error(l, "agents.root.agents.child.visibility: must be one of public")) << all_diagnostics(l);
    EXPECT_TRUE(has_warning(l, "agents.root.agents.child.colour: unknown key"));
}

}  // namespace
}  // namespace hector::config
