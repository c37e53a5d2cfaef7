#include "hector/common/encoding.hpp"

#include <gtest/gtest.h>

namespace hector {
namespace {

TEST(Encoding, Base64RoundTripsEveryLength) {
    std::string bytes;
    for (int i = 0; i < 70; ++i) {
        EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes) << i;
        EXPECT_EQ(base64_decode(base64url_encode(bytes)), bytes) << i;
        bytes.push_back(static_cast<char>(i * 37));
    }
}

TEST(Encoding, KnownVectors) {
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
    EXPECT_EQ(hex_encode("\x01\xab"), "01ab");
    EXPECT_EQ(hex_decode("01AB"), std::string("\x01\xab"));
}

TEST(Encoding, RejectsGarbage) {
    EXPECT_FALSE(base64_decode("a$bc"));
    EXPECT_FALSE(base64_decode("a"));
    EXPECT_FALSE(hex_decode("abc"));
    EXPECT_FALSE(hex_decode("zz"));
}

}  // namespace
}  // namespace hector
