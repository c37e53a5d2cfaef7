#include "hector/config/env.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace hector::config {
namespace {

TEST(Env, ExpandsVariablesDefaultsAndDollars) {
    auto env = Environment::fixed({{"A", "1"}, {"EMPTY", ""}});
    std::vector<std::string> missing;
    EXPECT_EQ(expand_env("x${A}y", env, missing), "x1y");
    EXPECT_EQ(expand_env("${B:foo}", env, missing), "foo");
    EXPECT_EQ(expand_env("${B:}", env, missing), "");
    EXPECT_EQ(expand_env("${EMPTY:fallback}", env, missing), "");
    EXPECT_EQ(expand_env("cost $$5", env, missing), "cost $5");
    EXPECT_TRUE(missing.empty());
    EXPECT_EQ(expand_env("${NOPE}", env, missing), "");
    EXPECT_EQ(missing, std::vector<std::string>{"NOPE"});
}

TEST(Env, DotenvParsing) {
    auto vars = parse_dotenv("# comment\nA=1\nexport B = two words # note\nC=\"q\\\"uoted\\n\"\nD='single # kept'\n\n");
    ASSERT_TRUE(vars.ok());
    EXPECT_EQ(vars->at("A"), "1");
    EXPECT_EQ(vars->at("B"), "two words");
    EXPECT_EQ(vars->at("C"), "q\"uoted\n");
    EXPECT_EQ(vars->at("D"), "single # kept");
    auto bad = parse_dotenv("A=1\nnot a line\n");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("line 2"), std::string::npos);
    EXPECT_FALSE(parse_dotenv("X=\"open").ok());
}

TEST(Env, ProcessEnvironmentWinsOverDotenv) {
    auto dir = std::filesystem::temp_directory_path() / "hector-env-test";
    std::filesystem::create_directories(dir);
    auto file = (dir / ".env").string();
    std::ofstream(file) << "HECTOR_TEST_ENV_A=2\nHECTOR_TEST_ENV_B=from-file\n";
    setenv("HECTOR_TEST_ENV_A", "1", 1);
    auto env = Environment::process();
    ASSERT_TRUE(env.load_dotenv(file).ok());
    EXPECT_EQ(env.get("HECTOR_TEST_ENV_A"), "1");
    EXPECT_EQ(env.get("HECTOR_TEST_ENV_B"), "from-file");
    EXPECT_EQ(std::getenv("HECTOR_TEST_ENV_B"), nullptr);  // the process environment is never modified
    unsetenv("HECTOR_TEST_ENV_A");
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hector::config
