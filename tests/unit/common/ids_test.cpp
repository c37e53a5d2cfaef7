#include "hector/common/ids.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <set>
#include <thread>

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

TEST(Ids, OrderedUuidsAreVersion7CarryTheirTimeAndSortByIt) {
    const std::regex v7("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    const auto before =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    const auto first = new_ordered_uuid();
    // The first 48 bits are the Unix time in milliseconds.
    const auto hex = first.substr(0, 8) + first.substr(9, 4);
    const auto ms = static_cast<std::int64_t>(std::stoull(hex, nullptr, 16));
    EXPECT_GE(ms, before);
    EXPECT_LE(ms, before + 1000);
    std::set<std::string> seen{first};
    for (int i = 0; i < 2000; ++i) {
        auto id = new_ordered_uuid();
        EXPECT_TRUE(std::regex_match(id, v7)) << id;
        EXPECT_TRUE(seen.insert(id).second) << id;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const auto later = new_ordered_uuid();
    EXPECT_LT(first, later);  // text order is time order across milliseconds
    EXPECT_LT(*seen.rbegin(), later);
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
