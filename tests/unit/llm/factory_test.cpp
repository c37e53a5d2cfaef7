#include "hector/llm/factory.hpp"

#include <gtest/gtest.h>

#include "hector/net/http_client.hpp"

namespace hector::llm {
namespace {

config::LlmConfig entry(std::string provider, std::string api_key) {
    config::LlmConfig c;
    c.provider = std::move(provider);
    c.model = "m";
    c.api_key = std::move(api_key);
    return c;
}

TEST(MakeModel, BuildsEveryProvider) {
    net::HttpClient http;
    for (std::string provider : {"openai", "anthropic", "gemini", "ollama", "echo"}) {
        SCOPED_TRACE(provider);
        auto m = make_model("main", entry(provider, "key"), &http);
        ASSERT_TRUE(m.ok()) << m.error().message;
        EXPECT_EQ((*m)->provider(), provider);
        EXPECT_EQ((*m)->model_name(), "m");
    }
}

TEST(MakeModel, OllamaNeedsNoKeyAndTheOthersDo) {
    net::HttpClient http;
    EXPECT_TRUE(make_model("local", entry("ollama", ""), &http).ok());
    auto m = make_model("claude", entry("anthropic", ""), &http);
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.error().message.find("ANTHROPIC_API_KEY"), std::string::npos) << m.error().message;
    EXPECT_NE(m.error().message.find("llms.claude"), std::string::npos);
}

TEST(MakeModel, AnUnknownProviderIsNamed) {
    net::HttpClient http;
    auto m = make_model("x", entry("mistral", "k"), &http);
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.error().message.find("mistral"), std::string::npos);
}

}  // namespace
}  // namespace hector::llm
