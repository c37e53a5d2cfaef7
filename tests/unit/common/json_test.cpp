#include "hector/common/json.hpp"

#include <gtest/gtest.h>

namespace hector {
namespace {

TEST(Json, DepthLimitRefusesHostileNesting) {
    std::string ok = std::string(60, '[') + std::string(60, ']');
    EXPECT_TRUE(parse_json(ok, 64).ok());
    std::string deep = std::string(100, '[') + std::string(100, ']');
    auto r = parse_json(deep, 64);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::parse_error);
    EXPECT_NE(r.error().message.find("64"), std::string::npos);
}

TEST(Json, RefusesInvalidUtf8AndTrailingData) {
    EXPECT_FALSE(parse_json("\"\xff\"").ok());
    EXPECT_FALSE(parse_json("{} {}").ok());
    EXPECT_FALSE(parse_json("").ok());
}

TEST(Json, TolerantAccessors) {
    auto v = parse_json(R"({"a":"x","n":3,"d":2.0,"b":true,"o":{},"l":[]})");
    ASSERT_TRUE(v.ok());
    const auto& o = v->as_object();
    EXPECT_EQ(get_string(o, "a"), "x");
    EXPECT_FALSE(get_string(o, "n"));
    EXPECT_EQ(get_int(o, "n"), 3);
    EXPECT_EQ(get_int(o, "d"), 2);
    EXPECT_EQ(get_bool(o, "b"), true);
    EXPECT_TRUE(get_object(o, "o"));
    EXPECT_TRUE(get_array(o, "l"));
    EXPECT_FALSE(get_object(o, "missing"));
}

}  // namespace
}  // namespace hector
