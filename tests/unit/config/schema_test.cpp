#include "hector/config/schema.hpp"

#include <gtest/gtest.h>

#include "hector/common/json.hpp"

namespace hector::config {
namespace {

TEST(Schema, IsDraft07WithTheTopLevelSections) {
    const auto& s = json_schema().as_object();
    EXPECT_EQ(s.at("$schema"), "http://json-schema.org/draft-07/schema#");
    EXPECT_EQ(s.at("title"), "Hector Configuration Schema");
    const auto& props = s.at("properties").as_object();
    for (auto key : {"version", "llms", "agents", "tools", "server", "storage", "queue", "rate_limiting",
                     "observability", "logger", "guardrails", "document_stores"})
        EXPECT_TRUE(props.contains(key)) << key;
    EXPECT_EQ(s.at("additionalProperties"), false);
}

TEST(Schema, CarriesEnumsRangesAndDefaults) {
    const auto& agent =
        json_schema().at("properties").at("agents").at("additionalProperties").at("properties").as_object();
    const auto& vis = agent.at("visibility").as_object();
    EXPECT_EQ(vis.at("default"), "public");
    EXPECT_NE(to_json(vis.at("anyOf")).find("\"enum\":[\"public\",\"internal\",\"private\",\"\"]"), std::string::npos)
        << to_json(vis);
    const auto& llm = json_schema().at("properties").at("llms").at("additionalProperties").at("properties").as_object();
    EXPECT_EQ(llm.at("max_tokens").at("default"), 4096);
    EXPECT_NE(to_json(llm.at("temperature")).find("\"maximum\":2"), std::string::npos);
}

TEST(Schema, InlineAgentsReferToTheAgentDefinition) {
    const auto& agents = json_schema().at("properties").at("agents");
    const auto& inline_agents = agents.at("additionalProperties").at("properties").at("agents");
    EXPECT_EQ(inline_agents.at("additionalProperties").at("$ref"), "#/properties/agents/additionalProperties");
    EXPECT_EQ(inline_agents.at("propertyNames"), agents.at("propertyNames"));
}

TEST(Schema, RequiredFieldsAndLoaderLeniency) {
    const auto& props = json_schema().at("properties").as_object();
    const auto& store = props.at("document_stores").at("additionalProperties").as_object();
    EXPECT_EQ(to_json(store.at("required")), R"(["source"])");
    // `version: 2` is a number in YAML; the loader accepts it, so the schema does too.
    EXPECT_NE(to_json(props.at("version")).find(R"("enum":["2",2,""])"), std::string::npos)
        << to_json(props.at("version"));
    // Durations and choices may be ${VAR} references, substituted when the config loads.
    const auto& queue = props.at("queue").at("properties").as_object();
    EXPECT_NE(to_json(queue.at("task_timeout")).find(R"(\\$\\{)"), std::string::npos)
        << to_json(queue.at("task_timeout"));
    EXPECT_EQ(queue.at("task_timeout").at("default"), "5m");
}

TEST(Schema, TextFormsParse) {
    EXPECT_TRUE(parse_json(json_schema_text(true)).ok());
    EXPECT_TRUE(parse_json(json_schema_text(false)).ok());
    EXPECT_EQ(json_schema_text(true).find('\n'), json_schema_text(true).size() - 1);
}

}  // namespace
}  // namespace hector::config
