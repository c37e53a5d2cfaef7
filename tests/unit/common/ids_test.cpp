#include "hector/common/ids.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace hector {
namespace {

const std::regex kUuidV4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");

TEST(Ids, UuidsAreVersion4AndDistinct) {
    std::set<std::string> seen;
    for (int i = 0; i < 2000; ++i) {
        auto a = new_uuid();
        auto b = new_fast_uuid();
        EXPECT_TRUE(std::regex_match(a, kUuidV4)) << a;
        EXPECT_TRUE(std::regex_match(b, kUuidV4)) << b;
        EXPECT_TRUE(seen.insert(a).second) << a;
        EXPECT_TRUE(seen.insert(b).second) << b;
    }
}

TEST(Ids, RandomBytesHaveTheLengthAskedFor) {
    EXPECT_TRUE(random_bytes(0).empty());
    // Larger than one getrandom(2) call is guaranteed to return (256 bytes): the loop fills it all.
    const auto big = random_bytes(100000);
    ASSERT_EQ(big.size(), 100000u);
    std::set<char> values(big.begin(), big.end());
    EXPECT_GT(values.size(), 200u);  // not a constant fill
    EXPECT_NE(random_bytes(32), random_bytes(32));
}

TEST(Ids, AlphanumericIdsUseTheirAlphabet) {
    const auto id = new_alnum_id(64);
    ASSERT_EQ(id.size(), 64u);
    EXPECT_TRUE(std::regex_match(id, std::regex("^[a-z0-9]{64}$"))) << id;
}

}  // namespace
}  // namespace hector
