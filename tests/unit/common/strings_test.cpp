#include "hector/common/strings.hpp"

#include <gtest/gtest.h>

namespace hector {
namespace {

TEST(Strings, Utf8Validation) {
    EXPECT_TRUE(is_valid_utf8("plain"));
    EXPECT_TRUE(is_valid_utf8("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80"));
    EXPECT_FALSE(is_valid_utf8("\xff"));
    EXPECT_FALSE(is_valid_utf8("\xc3"));              // truncated
    EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong
    EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
    EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
}

TEST(Strings, PercentDecoding) {
    std::string out;
    EXPECT_TRUE(percent_decode("a%2Fb%20c", out));
    EXPECT_EQ(out, "a/b c");
    EXPECT_TRUE(percent_decode("a+b", out, true));
    EXPECT_EQ(out, "a b");
    EXPECT_FALSE(percent_decode("%", out));
    EXPECT_FALSE(percent_decode("%4", out));
    EXPECT_FALSE(percent_decode("%zz", out));
}

TEST(Strings, IdsArePrintableAndBounded) {
    EXPECT_TRUE(is_printable_ascii_id("task-1", 256));
    EXPECT_FALSE(is_printable_ascii_id("", 256));
    EXPECT_FALSE(is_printable_ascii_id(std::string(257, 'a'), 256));
    EXPECT_FALSE(is_printable_ascii_id("a\nb", 256));
}

TEST(Strings, SplitTrimJoin) {
    EXPECT_EQ(split_trimmed(" a, b ,,c ", ','), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(join({"a", "b"}, ", "), "a, b");
    EXPECT_TRUE(iequals("Content-Type", "content-type"));
}

}  // namespace
}  // namespace hector
