#include "hector/tools/detail/text.hpp"

#include <gtest/gtest.h>

namespace hector::tools::detail {
namespace {

// Chunked process output keeps a sequence cut by the chunk's end for the next chunk, and only that.
TEST(ToolText, CompletePrefixHoldsBackOnlyASequenceCutByTheEnd) {
    EXPECT_EQ(complete_utf8_prefix("abc"), 3u);
    EXPECT_EQ(complete_utf8_prefix("ab\xE2\x82"), 2u);      // € cut after two of its three bytes
    EXPECT_EQ(complete_utf8_prefix("ab\xF0\x9F\x98"), 2u);  // 😀 cut after three of four
    EXPECT_EQ(complete_utf8_prefix("ab\xE2\x82\xAC"), 5u);  // whole
    EXPECT_EQ(complete_utf8_prefix("ab\xFF"), 3u);          // invalid, not cut: nothing to wait for
    EXPECT_EQ(complete_utf8_prefix(""), 0u);
}

TEST(ToolText, InvalidBytesBecomeReplacementCharacters) {
    EXPECT_EQ(to_valid_utf8("ok \xE2\x82\xAC"), "ok \xE2\x82\xAC");
    EXPECT_EQ(to_valid_utf8("a\xFF"
                            "b"),
              "a\xEF\xBF\xBD"
              "b");
    EXPECT_EQ(to_valid_utf8("tail\xE2\x82"), "tail\xEF\xBF\xBD\xEF\xBF\xBD");  // each byte of a cut sequence
}

}  // namespace
}  // namespace hector::tools::detail
