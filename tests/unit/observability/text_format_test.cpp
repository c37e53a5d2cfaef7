// The pieces of the Prometheus text format: escaping and number spelling.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "hector/observability/text_format.hpp"

namespace hector::observability::text {
namespace {

TEST(TextFormat, LabelValuesEscapeBackslashQuoteAndNewline) {
    EXPECT_EQ(escape_label_value("plain"), "plain");
    EXPECT_EQ(escape_label_value(R"(a\b)"), R"(a\\b)");
    EXPECT_EQ(escape_label_value(R"(say "hi")"), R"(say \"hi\")");
    EXPECT_EQ(escape_label_value("two\nlines"), R"(two\nlines)");
    EXPECT_EQ(escape_label_value("tab\tstays"), "tab\tstays");
}

TEST(TextFormat, HelpEscapesBackslashAndNewlineButNotQuotes) {
    EXPECT_EQ(escape_help(R"(a "quoted" \ text)"), R"(a "quoted" \\ text)");
    EXPECT_EQ(escape_help("line\nbreak"), R"(line\nbreak)");
}

TEST(TextFormat, ValuesAreIntegersWhenWholeAndShortestOtherwise) {
    EXPECT_EQ(format_value(0), "0");
    EXPECT_EQ(format_value(42), "42");
    EXPECT_EQ(format_value(-3), "-3");
    EXPECT_EQ(format_value(0.005), "0.005");
    EXPECT_EQ(format_value(2.5), "2.5");
    EXPECT_EQ(format_value(0.1 + 0.2), "0.30000000000000004");
    EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
    EXPECT_EQ(format_value(std::nan("")), "NaN");
    EXPECT_EQ(format_value(1e300), "1e+300");
}

TEST(TextFormat, LabelsAreWrittenInOrderWithExtrasLast) {
    std::string out;
    append_labels(out, {"agent", "status"}, {"a\"b", "ok"}, {{"env", "prod"}});
    EXPECT_EQ(out, R"({agent="a\"b",status="ok",env="prod"})");
    std::string none;
    append_labels(none, {}, {}, {});
    EXPECT_EQ(none, "");
    std::string only_extra;
    append_labels(only_extra, {}, {}, {{"le", "+Inf"}});
    EXPECT_EQ(only_extra, R"({le="+Inf"})");
}

}  // namespace
}  // namespace hector::observability::text
