// JSON Schema → Gemini's schema subset, as a table of input → expected output.
#include "hector/llm/gemini/gemini_schema.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace hector::llm {
namespace {

namespace json = boost::json;

struct Case {
    const char* name;
    const char* input;
    const char* expected;
};

const Case kCases[] = {
    {"types are upper-cased and descriptions kept",
     R"({"type":"object","description":"d","properties":{"n":{"type":"integer","minimum":1}}})",
     R"({"type":"OBJECT","description":"d","properties":{"n":{"type":"INTEGER","minimum":1}}})"},
    {"unsupported keywords are dropped",
     R"({"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","additionalProperties":false,
        "properties":{"a":{"type":"number","exclusiveMinimum":0,"multipleOf":2}},"patternProperties":{"x":{}}})",
     R"({"type":"OBJECT","properties":{"a":{"type":"NUMBER"}}})"},
    {"required keeps declared properties only",
     R"({"type":"object","properties":{"a":{"type":"string"}},"required":["a","ghost"]})",
     R"({"type":"OBJECT","properties":{"a":{"type":"STRING"}},"required":["a"]})"},
    {"a type list with null is nullable", R"({"type":["string","null"]})", R"({"type":"STRING","nullable":true})"},
    {"a type list of several types becomes anyOf", R"({"type":["string","integer"]})",
     R"({"anyOf":[{"type":"STRING"},{"type":"INTEGER"}]})"},
    {"anyOf with null collapses to a nullable schema", R"({"anyOf":[{"type":"integer"},{"type":"null"}]})",
     R"({"type":"INTEGER","nullable":true})"},
    {"oneOf becomes anyOf", R"({"oneOf":[{"type":"string"},{"type":"boolean"}]})",
     R"({"anyOf":[{"type":"STRING"},{"type":"BOOLEAN"}]})"},
    {"const becomes a one-value enum", R"({"const":"fixed"})", R"({"type":"STRING","enum":["fixed"]})"},
    {"string enums are kept", R"({"type":"string","enum":["a","b"]})", R"({"type":"STRING","enum":["a","b"]})"},
    {"number enums are dropped", R"({"type":"integer","enum":[1,2]})", R"({"type":"INTEGER"})"},
    {"formats Gemini supports are kept", R"({"type":"string","format":"date-time"})",
     R"({"type":"STRING","format":"date-time"})"},
    {"other formats are dropped", R"({"type":"string","format":"uri"})", R"({"type":"STRING"})"},
    {"array items are translated, a tuple uses its first item", R"({"type":"array","items":[{"type":"string"}]})",
     R"({"type":"ARRAY","items":{"type":"STRING"}})"},
    {"a missing type is inferred", R"({"properties":{"a":{"items":{"type":"string"}}}})",
     R"({"properties":{"a":{"items":{"type":"STRING"},"type":"ARRAY"}},"type":"OBJECT"})"},
    {"local refs are inlined, their siblings win",
     R"({"type":"object","properties":{"p":{"$ref":"#/$defs/Point","description":"where"}},
        "$defs":{"Point":{"type":"object","description":"a point","properties":{"x":{"type":"number"}}}}})",
     R"({"type":"OBJECT","properties":{"p":{"type":"OBJECT","description":"where",
        "properties":{"x":{"type":"NUMBER"}}}}})"},
    {"a recursive ref is cut off",
     R"({"$ref":"#/definitions/Node","definitions":{"Node":{"type":"object",
        "properties":{"next":{"$ref":"#/definitions/Node"}}}}})",
     R"({"type":"OBJECT","properties":{"next":{"type":"OBJECT"}}})"},
    {"allOf is merged",
     R"({"allOf":[{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]},
                 {"properties":{"b":{"type":"string"}},"required":["b"]}]})",
     R"({"type":"OBJECT","properties":{"a":{"type":"STRING"},"b":{"type":"STRING"}},"required":["a","b"]})"},
};

TEST(GeminiSchema, TranslatesJsonSchemaToTheSubsetGeminiAccepts) {
    for (const auto& c : kCases) {
        SCOPED_TRACE(c.name);
        auto out = to_gemini_schema(json::parse(c.input));
        auto expected = json::parse(c.expected).as_object();
        // Compare as objects: key order is irrelevant.
        EXPECT_EQ(out, expected) << json::serialize(out);
    }
}

TEST(GeminiSchema, ToolsWithoutArgumentsDeclareNoParameters) {
    EXPECT_FALSE(gemini_parameters(json::parse(R"({"type":"object","properties":{}})")));
    EXPECT_FALSE(gemini_parameters(json::value(nullptr)));
    auto p = gemini_parameters(json::parse(R"({"properties":{"q":{"type":"string"}}})"));
    ASSERT_TRUE(p);
    EXPECT_EQ(p->at("type"), "OBJECT");
}

}  // namespace
}  // namespace hector::llm
