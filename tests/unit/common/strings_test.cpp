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

TEST(Strings, Utf8ValidationFindsABadByteAtAnyOffsetOfALongString) {
    // The ASCII run is checked 8 bytes at a time: a bad byte must be seen at every position in and after a word.
    for (std::size_t at = 0; at < 40; ++at) {
        std::string s(40, 'a');
        s[at] = '\xff';
        EXPECT_FALSE(is_valid_utf8(s)) << at;
        EXPECT_EQ(to_valid_utf8(s), std::string(40, 'a').replace(at, 1, "\xEF\xBF\xBD")) << at;
        s.replace(at, 1, "\xc3\xa9");
        EXPECT_TRUE(is_valid_utf8(s)) << at;
        EXPECT_EQ(to_valid_utf8(s), s) << at;
    }
}

TEST(Strings, Utf8SequenceLengthTellsACutOffSequenceFromABadOne) {
    EXPECT_EQ(utf8_sequence_length("a", 0), 1);
    EXPECT_EQ(utf8_sequence_length("\xe2\x82\xac", 0), 3);
    EXPECT_EQ(utf8_sequence_length("\xe2\x82", 0), -1);
    EXPECT_EQ(utf8_sequence_length("\xe2\x41\x41", 0), 0);
    EXPECT_EQ(utf8_sequence_length("\x80", 0), 0);
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
