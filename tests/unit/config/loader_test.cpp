#include "hector/config/loader.hpp"

#include <gtest/gtest.h>

namespace hector::config {
namespace {

Loaded load(std::string_view yaml, std::map<std::string, std::string> vars = {}) {
    return load_config_text(yaml, Environment::fixed(std::move(vars)));
}

bool has_error(const Loaded& l, std::string_view text) {
    for (const auto& e : l.diagnostics.errors)
        if (e.text().find(text) != std::string::npos) return true;
    return false;
}

TEST(Loader, MinimalConfigGetsDefaults) {
    auto l = load(R"(
llms:
  default:
    provider: openai
    api_key: ${KEY}
agents:
  assistant: {}
)",
                  {{"KEY", "sk-test"}});
    ASSERT_TRUE(l.ok()) << l.diagnostics.summary();
    const auto& llm = *l.config.llms.find("default");
    EXPECT_EQ(llm.model, "gpt-4o");
    EXPECT_EQ(llm.base_url, "https://api.openai.com/v1");
    EXPECT_EQ(llm.api_key, "sk-test");
    EXPECT_EQ(llm.max_tokens, 4096);
    const auto& agent = *l.config.agents.find("assistant");
    EXPECT_EQ(agent.llm, "default");
    EXPECT_EQ(agent.name, "assistant");
    EXPECT_TRUE(agent.streaming);
    EXPECT_FALSE(agent.tools.has_value());
    EXPECT_EQ(l.config.server.port, 8080);
}

TEST(Loader, EnvSubstitutionIsTyped) {
    auto l = load("server:\n  port: ${PORT}\n  host: ${HOST:127.0.0.1}\n", {{"PORT", "9090"}});
    ASSERT_TRUE(l.ok()) << l.diagnostics.summary();
    EXPECT_EQ(l.config.server.port, 9090);
    EXPECT_EQ(l.config.server.host, "127.0.0.1");
}

TEST(Loader, UnsetVariableIsAnErrorNamingIt) {
    auto l = load("llms:\n  a:\n    api_key: ${MISSING_KEY}\n");
    ASSERT_FALSE(l.ok());
    EXPECT_TRUE(has_error(l, "llms.a.api_key: environment variable MISSING_KEY is not set"));
}

TEST(Loader, ErrorsNameTheirPath) {
    auto l = load(R"(
llms:
  default: {provider: openai, api_key: k}
agents:
  a:
    llm: x
    visibility: secret
  b:
    llm: default
    reasoning: {max_iterations: 0}
    tools: [nope]
server:
  port: eighty
)");
    EXPECT_TRUE(has_error(l, "server.port: expected an integer")) << l.diagnostics.summary();
    // Type errors stop before cross-field validation; fix them and look again.
    auto l2 = load(R"(
llms:
  default: {provider: openai, api_key: k}
agents:
  a:
    llm: x
  b:
    llm: default
    tools: [nope]
)");
    EXPECT_TRUE(has_error(l2, "agents.a.llm: unknown llm \"x\"")) << l2.diagnostics.summary();
    EXPECT_TRUE(has_error(l2, "agents.b.tools[0]: unknown tool \"nope\""));
    auto l3 = load("agents:\n  a:\n    visibility: secret\n    reasoning: {max_iterations: 0}\n");
    EXPECT_TRUE(has_error(l3, "agents.a.visibility: must be one of public, internal, private"));
    EXPECT_TRUE(has_error(l3, "agents.a.reasoning.max_iterations: must be at least 1"));
}

TEST(Loader, YamlSyntaxErrorsCarryLineAndColumn) {
    auto l = load("agents:\n  a: [unclosed\n");
    ASSERT_FALSE(l.ok());
    EXPECT_NE(l.diagnostics.errors[0].message.find("line "), std::string::npos);
    EXPECT_NE(l.diagnostics.errors[0].message.find("column "), std::string::npos);
}

TEST(Loader, UnknownKeysWarn) {
    auto l = load("llms:\n  d: {provider: openai, api_key: k, colour: blue}\nagents:\n  a: {}\nmystery: 1\n");
    ASSERT_TRUE(l.ok()) << l.diagnostics.summary();
    std::vector<std::string> paths;
    for (const auto& w : l.diagnostics.warnings) paths.push_back(w.path + ":" + w.message);
    EXPECT_NE(std::find(paths.begin(), paths.end(), "llms.d.colour:unknown key"), paths.end());
    EXPECT_NE(std::find(paths.begin(), paths.end(), "mystery:unknown key"), paths.end());
}

TEST(Loader, CyclesAreReportedWithTheirPath) {
    auto l = load(R"(
llms: {d: {provider: openai, api_key: k}}
agents:
  a: {sub_agents: [b]}
  b: {sub_agents: [a]}
)");
    EXPECT_TRUE(has_error(l, "circular agent reference detected: a → b → a")) << l.diagnostics.summary();
}

TEST(Loader, AbsentAndEmptyToolListsDiffer) {
    auto l = load("llms: {d: {provider: openai, api_key: k}}\nagents:\n  a: {}\n  b: {tools: []}\n");
    ASSERT_TRUE(l.ok()) << l.diagnostics.summary();
    EXPECT_FALSE(l.config.agents.find("a")->tools.has_value());
    ASSERT_TRUE(l.config.agents.find("b")->tools.has_value());
    EXPECT_TRUE(l.config.agents.find("b")->tools->empty());
}

TEST(Loader, MapOrderIsKept) {
    auto l = load("llms: {d: {provider: openai, api_key: k}}\nagents:\n  zeta: {}\n  alpha: {}\n  mid: {}\n");
    ASSERT_TRUE(l.ok());
    std::vector<std::string> ids;
    for (const auto& [id, a] : l.config.agents) ids.push_back(id);
    EXPECT_EQ(ids, (std::vector<std::string>{"zeta", "alpha", "mid"}));
}

TEST(Loader, ProviderInferredFromModel) {
    auto l = load("llms:\n  c: {model: claude-sonnet-4, api_key: k}\n  g: {model: gemini-2.5-flash, api_key: k}\n");
    ASSERT_TRUE(l.ok()) << l.diagnostics.summary();
    EXPECT_EQ(l.config.llms.find("c")->provider, "anthropic");
    EXPECT_EQ(l.config.llms.find("g")->provider, "gemini");
}

TEST(Loader, HostileInputNeverThrows) {
    for (std::string_view text :
         {"- a\n- b\n", "a: &x [*x]\n", "{{{{", "agents: 5\n", "agents:\n  a:\n    tools: {x: 1}\n",
          "llms:\n  ? [a]\n  : 1\n", "agents:\n  a: &x\n    agents:\n      b: *x\n"}) {
        auto l = load(text);
        EXPECT_FALSE(l.ok()) << text;
    }
}

}  // namespace
}  // namespace hector::config
