#include "hector/config/zero_config.hpp"

#include <gtest/gtest.h>

#include "hector/config/loader.hpp"

namespace hector::config {
namespace {

auto never = [] { return false; };

TEST(ZeroConfig, OpenAiKeyInEnvironment) {
    auto env = Environment::fixed({{"OPENAI_API_KEY", "sk-x"}});
    auto z = generate_zero_config({}, env, never, nullptr);
    ASSERT_TRUE(z.ok()) << z.error().message;
    EXPECT_FALSE(z->echo_fallback);
    EXPECT_NE(z->yaml.find("${OPENAI_API_KEY}"), std::string::npos);  // never the key itself
    EXPECT_EQ(z->yaml.find("sk-x"), std::string::npos);
    auto l = load_config_text(z->yaml, env);
    ASSERT_TRUE(l.ok()) << l.diagnostics.summary();
    EXPECT_EQ(l.config.llms.find("default")->model, "gpt-4o");
    EXPECT_TRUE(l.config.agents.contains("assistant"));
}

TEST(ZeroConfig, NoKeyNoOllamaFallsBackToEcho) {
    bool asked = false;
    auto z = generate_zero_config(
        {}, Environment::fixed({}), [&] { return asked = true, false; }, nullptr);
    ASSERT_TRUE(z.ok());
    EXPECT_TRUE(asked);
    EXPECT_TRUE(z->echo_fallback);
    EXPECT_EQ(z->provider, "echo");
    EXPECT_FALSE(z->warnings.empty());
    EXPECT_TRUE(load_config_text(z->yaml, Environment::fixed({})).ok());
}

TEST(ZeroConfig, ReachableOllamaIsUsed) {
    auto z = generate_zero_config(
        {}, Environment::fixed({}), [] { return true; }, nullptr);
    ASSERT_TRUE(z.ok());
    EXPECT_EQ(z->provider, "ollama");
    EXPECT_FALSE(z->echo_fallback);
}

TEST(ZeroConfig, ExplicitProviderWithoutKeyIsAnErrorNamingTheVariable) {
    SeedOptions seed;
    seed.provider = "anthropic";
    auto z = generate_zero_config(seed, Environment::fixed({}), never, nullptr);
    ASSERT_FALSE(z.ok());
    EXPECT_NE(z.error().message.find("ANTHROPIC_API_KEY"), std::string::npos);
    SeedOptions by_model;
    by_model.model = "claude-sonnet-4";
    EXPECT_FALSE(generate_zero_config(by_model, Environment::fixed({}), never, nullptr).ok());
}

TEST(ZeroConfig, FlagsSeedTheFile) {
    SeedOptions seed;
    seed.model = "gpt-4o-mini";
    seed.api_key = "literal-key";
    seed.temperature = 0.2;
    seed.instruction = "Be brief.";
    seed.role = "You are terse.";
    seed.tools = "bash,grep_search";
    seed.approve_tools = false;
    seed.stream = false;
    auto z = generate_zero_config(seed, Environment::fixed({}), never, nullptr);
    ASSERT_TRUE(z.ok()) << z.error().message;
    auto l = load_config_text(z->yaml, Environment::fixed({}));
    ASSERT_TRUE(l.ok()) << l.diagnostics.summary() << "\n" << z->yaml;
    const auto& llm = *l.config.llms.find("default");
    EXPECT_EQ(llm.provider, "openai");
    EXPECT_EQ(llm.api_key, "literal-key");
    EXPECT_DOUBLE_EQ(*llm.temperature, 0.2);
    const auto& a = *l.config.agents.find("assistant");
    EXPECT_EQ(a.instruction, "Be brief.");
    EXPECT_EQ(a.prompt.role, "You are terse.");
    EXPECT_FALSE(a.streaming);
    ASSERT_TRUE(a.tools);
    EXPECT_EQ(*a.tools, (std::vector<std::string>{"bash", "grep_search"}));
    EXPECT_EQ(l.config.tools.find("bash")->require_approval, false);
}

TEST(ZeroConfig, SkillFileShapesTheAgent) {
    auto skill = parse_skill_file(
        "---\nname: Reviewer\ndescription: Reviews code\nallowed-tools: Read Grep Bash(git:*) "
        "Teleport\n---\n\nYou review diffs.\n");
    ASSERT_TRUE(skill.ok()) << skill.error().message;
    EXPECT_EQ(skill->name, "Reviewer");
    EXPECT_EQ(skill->instruction, "You review diffs.");
    EXPECT_EQ(skill->tools, (std::vector<std::string>{"text_editor", "grep_search", "bash"}));
    ASSERT_EQ(skill->warnings.size(), 1u);
    auto z = generate_zero_config({}, Environment::fixed({}), never, &*skill);
    ASSERT_TRUE(z.ok());
    auto l = load_config_text(z->yaml, Environment::fixed({}));
    ASSERT_TRUE(l.ok()) << l.diagnostics.summary();
    EXPECT_EQ(l.config.agents.find("assistant")->name, "Reviewer");
    EXPECT_EQ(l.config.agents.find("assistant")->instruction, "You review diffs.");
}

}  // namespace
}  // namespace hector::config
