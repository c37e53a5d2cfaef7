#include "hector/net/sse_parser.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace hector::net {
namespace {

using namespace std::string_literals;

struct Case {
    std::string name;
    std::string input;  // written with '\n' line endings; each test runs it with LF, CRLF and CR
    std::vector<SseEvent> events;
    bool partial = false;
};

std::vector<Case> cases() {
    return {
        {"single", "data: hello\n\n", {{"message", "hello", ""}}},
        {"multi-line data", "data: a\ndata: b\ndata:c\n\n", {{"message", "a\nb\nc", ""}}},
        {"type and id", "event: delta\nid: 7\ndata: {\"x\":1}\n\n", {{"delta", "{\"x\":1}", "7"}}},
        {"id persists", "id: 1\ndata: a\n\ndata: b\n\n", {{"message", "a", "1"}, {"message", "b", "1"}}},
        {"id reset", "id: 1\ndata: a\n\nid\ndata: b\n\n", {{"message", "a", "1"}, {"message", "b", ""}}},
        {"id with NUL ignored",
         "id: 1\ndata: a\n\nid: x\0y\ndata: b\n\n"s,
         {{"message", "a", "1"}, {"message", "b", "1"}}},
        {"comments", ": keep-alive\n\ndata: x\n: inside\n\n", {{"message", "x", ""}}},
        {"no data no event", "event: ping\n\ndata: y\n\n", {{"message", "y", ""}}},
        {"empty data", "data\n\ndata:\n\n", {{"message", "", ""}, {"message", "", ""}}},
        {"one space stripped", "data:  two\ndata:none\n\n", {{"message", " two\nnone", ""}}},
        {"unknown fields", "foo: bar\nData: no\ndata: z\n\n", {{"message", "z", ""}}},
        {"value with colons", "data: a: b: c\n\n", {{"message", "a: b: c", ""}}},
        {"blank lines between", "data: a\n\n\n\ndata: b\n\n", {{"message", "a", ""}, {"message", "b", ""}}},
        {"byte order mark",
         "\xEF\xBB\xBF"
         "data: bom\n\n",
         {{"message", "bom", ""}}},
        {"incomplete event dropped", "data: done\n\ndata: partial\n", {{"message", "done", ""}}, true},
        {"openai", "data: {\"c\":1}\n\ndata: [DONE]\n\n", {{"message", "{\"c\":1}", ""}, {"message", "[DONE]", ""}}},
        {"utf-8", "data: h\xC3\xA9llo \xE2\x82\xAC\n\n", {{"message", "h\xC3\xA9llo \xE2\x82\xAC", ""}}},
    };
}

std::string with_endings(const std::string& input, const std::string& ending) {
    std::string out;
    for (char c : input) {
        if (c == '\n')
            out += ending;
        else
            out += c;
    }
    return out;
}

struct Parsed {
    std::vector<SseEvent> events;
    Status status;
    bool partial = false;
    std::optional<std::chrono::milliseconds> retry;
};

/// Feeds `input` cut at the given offsets (ascending).
Parsed parse(const std::string& input, const std::vector<std::size_t>& cuts,
             std::size_t max = SseParser::kDefaultMaxEventBytes) {
    SseParser parser(max);
    Parsed out;
    std::size_t from = 0;
    auto feed = [&](std::size_t to) {
        if (!out.status) return;
        out.status = parser.feed(std::string_view(input).substr(from, to - from), out.events);
        from = to;
    };
    for (std::size_t cut : cuts) feed(cut);
    feed(input.size());
    out.partial = parser.has_partial_event();
    out.retry = parser.retry();
    return out;
}

std::vector<std::size_t> every_byte(std::size_t n) {
    std::vector<std::size_t> cuts;
    for (std::size_t i = 1; i < n; ++i) cuts.push_back(i);
    return cuts;
}

TEST(SseParserTest, EveryCaseEveryLineEndingEveryChunking) {
    for (const auto& c : cases()) {
        for (const std::string ending : {"\n", "\r\n", "\r"}) {
            const std::string input = with_endings(c.input, ending);
            const std::string label = c.name + " / ending " + (ending == "\n" ? "LF" : ending == "\r" ? "CR" : "CRLF");
            std::vector<std::vector<std::size_t>> chunkings = {{}, every_byte(input.size())};
            for (std::size_t i = 1; i < input.size(); ++i) chunkings.push_back({i});
            for (const auto& cuts : chunkings) {
                const Parsed p = parse(input, cuts);
                ASSERT_TRUE(p.status.ok()) << label;
                ASSERT_EQ(p.events, c.events) << label << ", " << cuts.size() << " cuts"
                                              << (cuts.size() == 1 ? " at " + std::to_string(cuts[0]) : "");
                EXPECT_EQ(p.partial, c.partial) << label;
            }
        }
    }
}

TEST(SseParserTest, MixedLineEndingsInOneStream) {
    const std::string input = "data: a\r\ndata: b\rdata: c\n\r\nevent: e\r\rdata: d\n\n";
    const std::vector<SseEvent> expected = {{"message", "a\nb\nc", ""}, {"message", "d", ""}};
    EXPECT_EQ(parse(input, {}).events, expected);
    EXPECT_EQ(parse(input, every_byte(input.size())).events, expected);
    for (std::size_t i = 1; i < input.size(); ++i) EXPECT_EQ(parse(input, {i}).events, expected) << "cut at " << i;
}

TEST(SseParserTest, CrAtTheEndOfAChunkThenLfIsOneLineEnding) {
    // "\r" + "\n" split across chunks must not count as two line endings (which would dispatch early).
    const std::string input = "data: a\r\ndata: b\r\n\r\n";
    const std::vector<SseEvent> expected = {{"message", "a\nb", ""}};
    EXPECT_EQ(parse(input, {8, 9, 17, 18, 19}).events, expected);
}

TEST(SseParserTest, RetryTakesDigitsOnly) {
    EXPECT_EQ(parse("retry: 1500\n\n", {}).retry, std::chrono::milliseconds(1500));
    EXPECT_EQ(parse("retry: 1500\nretry: 15x\nretry: -1\nretry:\n\n", {}).retry, std::chrono::milliseconds(1500));
    EXPECT_FALSE(parse("retry: 9999999999999999999\n\n", {}).retry);
    EXPECT_TRUE(parse("retry: 1500\n\n", {}).events.empty());
}

TEST(SseParserTest, EventsAtTheLimitPass) {
    const std::string data(1000, 'x');
    const std::string input = "data: " + data + "\n\n";
    const Parsed p = parse(input, {}, 1024);
    ASSERT_TRUE(p.status.ok());
    ASSERT_EQ(p.events.size(), 1u);
    EXPECT_EQ(p.events[0].data, data);
}

TEST(SseParserTest, TheLimitIsPerEventNotPerStream) {
    std::string input;
    for (int i = 0; i < 2000; ++i) input += "data: " + std::string(100, 'a' + i % 26) + "\n\n";
    const Parsed p = parse(input, {}, 1024);
    ASSERT_TRUE(p.status.ok());
    EXPECT_EQ(p.events.size(), 2000u);
}

TEST(SseParserTest, AnEventThatNeverEndsIsRefused) {
    // data lines forever, never a blank line
    SseParser parser(4096);
    std::vector<SseEvent> events;
    Status status;
    int fed = 0;
    while (status.ok() && fed < 1000) {
        status = parser.feed("data: " + std::string(100, 'z') + "\n", events);
        ++fed;
    }
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, Errc::payload_too_large);
    EXPECT_LE(fed, 45);
    EXPECT_TRUE(events.empty());
    // Once failed, the parser stays failed.
    EXPECT_FALSE(parser.feed("\n\ndata: x\n\n", events).ok());
    EXPECT_TRUE(events.empty());
}

TEST(SseParserTest, ALineThatNeverEndsIsRefused) {
    for (std::size_t chunk : {1u, 7u, 100u, 5000u}) {
        SseParser parser(4096);
        std::vector<SseEvent> events;
        const std::string line = "data: " + std::string(5000, 'q');
        Status status;
        for (std::size_t i = 0; i < line.size() && status.ok(); i += chunk)
            status = parser.feed(std::string_view(line).substr(i, chunk), events);
        ASSERT_FALSE(status.ok()) << "chunk " << chunk;
        EXPECT_EQ(status.error().code, Errc::payload_too_large);
    }
}

TEST(SseParserTest, AHugeCommentOrFieldIsRefusedToo) {
    SseParser parser(1024);
    std::vector<SseEvent> events;
    EXPECT_FALSE(parser.feed(": " + std::string(2000, 'c') + "\n", events).ok());
    SseParser other(1024);
    EXPECT_FALSE(other.feed("event: " + std::string(2000, 'e') + "\n\n", events).ok());
}

}  // namespace
}  // namespace hector::net
