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
    EXPECT_NE(to_json(vis.at("enum")).find("internal"), std::string::npos);
    const auto& llm = json_schema().at("properties").at("llms").at("additionalProperties").at("properties").as_object();
    EXPECT_EQ(llm.at("max_tokens").at("default"), 4096);
    EXPECT_NE(to_json(llm.at("temperature")).find("\"maximum\":2"), std::string::npos);
}

TEST(Schema, TextFormsParse) {
    EXPECT_TRUE(parse_json(json_schema_text(true)).ok());
    EXPECT_TRUE(parse_json(json_schema_text(false)).ok());
    EXPECT_EQ(json_schema_text(true).find('\n'), json_schema_text(true).size() - 1);
}

}  // namespace
}  // namespace hector::config
