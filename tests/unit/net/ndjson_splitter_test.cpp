#include "hector/net/ndjson_splitter.hpp"

#include <gtest/gtest.h>

namespace hector::net {
namespace {

struct Split {
    std::vector<std::string> lines;
    Status status;
    std::optional<std::string> last;
};

Split split(const std::string& input, const std::vector<std::size_t>& cuts,
            std::size_t max = NdjsonSplitter::kDefaultMaxLineBytes) {
    NdjsonSplitter splitter(max);
    Split out;
    std::size_t from = 0;
    auto feed = [&](std::size_t to) {
        if (!out.status) return;
        out.status = splitter.feed(std::string_view(input).substr(from, to - from), out.lines);
        from = to;
    };
    for (std::size_t cut : cuts) feed(cut);
    feed(input.size());
    out.last = splitter.finish();
    return out;
}

std::vector<std::vector<std::size_t>> chunkings(std::size_t n) {
    std::vector<std::vector<std::size_t>> all = {{}};
    std::vector<std::size_t> bytes;
    for (std::size_t i = 1; i < n; ++i) {
        all.push_back({i});
        bytes.push_back(i);
    }
    all.push_back(bytes);
    return all;
}

TEST(NdjsonSplitterTest, LfAndCrlfAtEveryChunking) {
    const std::vector<std::string> expected = {R"({"a":1})", R"({"b":"x y"})", R"({"done":true})"};
    for (const std::string ending : {"\n", "\r\n"}) {
        std::string input;
        for (const auto& line : expected) input += line + ending;
        for (const auto& cuts : chunkings(input.size())) {
            const Split s = split(input, cuts);
            ASSERT_TRUE(s.status.ok());
            EXPECT_EQ(s.lines, expected) << (ending == "\n" ? "LF" : "CRLF") << ", " << cuts.size() << " cuts";
            EXPECT_FALSE(s.last);
        }
    }
}

TEST(NdjsonSplitterTest, BlankLinesAreSkippedAndALoneCrStays) {
    const std::string input = "\n\n{\"a\":1}\n  \n\r\n\t\r\n{\"b\":\r2}\n";
    const std::vector<std::string> expected = {"{\"a\":1}", "{\"b\":\r2}"};
    for (const auto& cuts : chunkings(input.size())) EXPECT_EQ(split(input, cuts).lines, expected);
}

TEST(NdjsonSplitterTest, FinishReturnsAnUnterminatedLastLine) {
    for (const auto& cuts : chunkings(15)) {
        const Split s = split("{\"a\":1}\n{\"b\":2}", cuts);
        EXPECT_EQ(s.lines, std::vector<std::string>{"{\"a\":1}"});
        EXPECT_EQ(s.last, "{\"b\":2}");
    }
    EXPECT_EQ(split("{\"a\":1}\r", {}).last, "{\"a\":1}");
    EXPECT_FALSE(split("{\"a\":1}\n   ", {}).last);
}

TEST(NdjsonSplitterTest, LinesAtTheLimitPass) {
    const std::string line(16, 'x');
    for (const std::string ending : {"\n", "\r\n"}) {
        const std::string input = line + ending + line + ending;
        for (const auto& cuts : chunkings(input.size())) {
            const Split s = split(input, cuts, 16);
            ASSERT_TRUE(s.status.ok()) << cuts.size() << " cuts";
            EXPECT_EQ(s.lines, (std::vector<std::string>{line, line}));
        }
    }
    EXPECT_EQ(split(line, {}, 16).last, line);
}

TEST(NdjsonSplitterTest, LongerLinesAreRefusedAtEveryChunking) {
    const std::string input = "{\"ok\":1}\n" + std::string(17, 'y') + "\n{\"never\":1}\n";
    for (const auto& cuts : chunkings(input.size())) {
        const Split s = split(input, cuts, 16);
        ASSERT_FALSE(s.status.ok()) << cuts.size() << " cuts";
        EXPECT_EQ(s.status.error().code, Errc::payload_too_large);
        EXPECT_EQ(s.lines, std::vector<std::string>{"{\"ok\":1}"});
        EXPECT_FALSE(s.last);
    }
}

TEST(NdjsonSplitterTest, ALineThatNeverEndsIsRefused) {
    NdjsonSplitter splitter(1024);
    std::vector<std::string> lines;
    Status status;
    int fed = 0;
    while (status.ok() && fed < 1000) {
        status = splitter.feed(std::string(100, 'n'), lines);
        ++fed;
    }
    ASSERT_FALSE(status.ok());
    EXPECT_LE(fed, 11);
    EXPECT_FALSE(splitter.feed("{}\n", lines).ok());
    EXPECT_TRUE(lines.empty());
}

}  // namespace
}  // namespace hector::net
