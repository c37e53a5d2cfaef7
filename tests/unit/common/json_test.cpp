#include "hector/common/json.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <functional>

#include "hector/common/json_writer.hpp"
#include "hector/common/strings.hpp"

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

// ---- JsonWriter -------------------------------------------------------------------------------------------------

namespace hector {
namespace {

std::string written(const std::function<void(JsonWriter&)>& f) {
    JsonWriter w;
    f(w);
    return w.take();
}

TEST(JsonWriter, AppendsToItsTargetWhenFinishedOnce) {
    std::string out = "data: ";
    {
        JsonWriter w(out);
        w.begin_object().key("a").integer(1).end_object();
        EXPECT_EQ(out, "data: ");  // nothing appended before the end
        w.finish();
        EXPECT_EQ(out, R"(data: {"a":1})");
        w.finish();  // idempotent
    }
    EXPECT_EQ(out, R"(data: {"a":1})");  // nor again by the destructor
    {
        JsonWriter w(out);
        w.string("x");
    }  // the destructor finishes
    EXPECT_EQ(out, R"(data: {"a":1}"x")");
}

// Past the inline buffer the text moves to the heap, whatever call crosses the boundary.
TEST(JsonWriter, GrowsPastItsInlineBufferWithoutLosingText) {
    for (std::size_t size : {JsonWriter::kInline - 12, JsonWriter::kInline - 1, JsonWriter::kInline,
                             JsonWriter::kInline + 1, 3 * JsonWriter::kInline + 7}) {
        const std::string big(size, 'z');
        std::string escaped = big;
        escaped[size / 2] = '\n';
        auto text = written([&](JsonWriter& w) {
            w.begin_array();
            for (int i = 0; i < 3; ++i) w.string(big).string(escaped).integer(INT64_MIN);
            w.begin_object();
            for (std::size_t k = 0; k < size / 16; ++k) {
                const std::string name = "k" + std::to_string(k);
                w.key(name).integer(static_cast<std::int64_t>(k));
            }
            w.end_object().end_array();
        });
        auto back = parse_json(text);
        ASSERT_TRUE(back) << size;
        const auto& a = back->as_array();
        ASSERT_EQ(a.size(), 10u);
        EXPECT_EQ(std::string_view(a[0].as_string()), big);
        EXPECT_EQ(std::string_view(a[1].as_string()), escaped);
        EXPECT_EQ(a[2].as_int64(), INT64_MIN);
        EXPECT_EQ(std::string_view(a[6].as_string()), big);
        const auto& members = a[9].as_object();
        ASSERT_EQ(members.size(), size / 16);
        EXPECT_EQ(members.at("k" + std::to_string(size / 16 - 1)).as_int64(), static_cast<std::int64_t>(size / 16 - 1));
    }
}

TEST(JsonWriter, PutsCommasBetweenMembersAndElementsAtEveryDepth) {
    auto text = written([](JsonWriter& w) {
        w.begin_object();
        w.key("a").integer(-12);
        w.key("b").begin_array().boolean(true).null().begin_object().end_object().begin_array().end_array();
        w.end_array();
        w.key("c").begin_object().key("d").string("x").key("e").raw("[1,2]").end_object();
        w.end_object();
    });
    EXPECT_EQ(text, R"({"a":-12,"b":[true,null,{},[]],"c":{"d":"x","e":[1,2]}})");
    ASSERT_TRUE(parse_json(text));
}

TEST(JsonWriter, EscapesWhatBoostJsonEscapesAndParsesBackToTheSameString) {
    std::string all;
    for (int c = 1; c < 0x80; ++c) all.push_back(static_cast<char>(c));
    all += "\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80";  // é € 😀 stay as they are
    auto text = written([&](JsonWriter& w) { w.string(all); });
    EXPECT_EQ(text, json::serialize(json::value(json::string(all))));
    auto back = parse_json(text);
    ASSERT_TRUE(back);
    EXPECT_EQ(std::string_view(back->as_string()), all);
}

// The scan for bytes to escape goes by blocks of 16 and 8 with an overlapping last block: every byte that needs a
// look is found at every position of strings of every length around those block sizes.
TEST(JsonWriter, FindsBytesToEscapeAtEveryPositionAndLength) {
    const std::string specials[] = {"\"", "\\", std::string(1, '\0'), "\n", "\x1f", "\xC3\xA9", "\xff"};
    for (std::size_t len = 0; len <= 40; ++len) {
        const std::string plain(len, 'a');
        ASSERT_EQ(written([&](JsonWriter& w) { w.string(plain); }), "\"" + plain + "\"");
        for (std::size_t at = 0; at < len; ++at) {
            for (const auto& sp : specials) {
                std::string v = plain;
                v.replace(at, 1, sp);
                const auto text = written([&](JsonWriter& w) { w.string(v); });
                ASSERT_EQ(text, json::serialize(json::value(json::string(to_valid_utf8(v))))) << len << " " << at;
            }
        }
    }
}

TEST(JsonWriter, WritesInvalidUtf8AsReplacementCharacters) {
    // A stray continuation byte, an overlong '/', a surrogate, a sequence cut off by the end.
    const std::string bad = std::string("a\x80") + "b\xC0\xAF" + "c\xED\xA0\x80" + "d\xE2\x82";
    auto text = written([&](JsonWriter& w) { w.string(bad); });
    auto back = parse_json(text);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(std::string_view(back->as_string()), to_valid_utf8(bad));
    EXPECT_EQ(std::string_view(back->as_string()).find('\x80'), std::string_view::npos);
    EXPECT_TRUE(is_valid_utf8(std::string_view(back->as_string())));
}

TEST(JsonWriter, WritesValuesAsBoostJsonSerialisesThem) {
    json::value v =
        json::parse(R"({"k":[1,2.5,"s\n",{"n":null}],"big":18446744073709551615,"neg":-9223372036854775808})");
    auto text = written([&](JsonWriter& w) { w.begin_array().value(v).value(v.as_object()).end_array(); });
    EXPECT_EQ(text, "[" + json::serialize(v) + "," + json::serialize(v) + "]");
}

// A json::value built from raw bytes (tool output, a model's text) may hold strings that are not UTF-8; its text
// must still parse back, here and when a store writes it (hector::to_json).
TEST(JsonWriter, ValuesWithInvalidUtf8StringsStillMakeValidJson) {
    const std::string bad = std::string("x\xff\xfe y \xE2\x82");
    json::object o;
    o["text"] = bad;
    o["list"] = json::array{bad, 1, json::object{{bad, bad}}};
    o[bad] = true;
    const json::value v = o;
    EXPECT_FALSE(has_valid_utf8(v));
    const json::value fixed = with_valid_utf8(v);
    EXPECT_TRUE(has_valid_utf8(fixed));
    EXPECT_EQ(std::string_view(fixed.at("text").as_string()), to_valid_utf8(bad));
    EXPECT_TRUE(fixed.as_object().contains(to_valid_utf8(bad)));

    for (const auto& text : {to_json(v), written([&](JsonWriter& w) { w.value(v); }),
                             written([&](JsonWriter& w) { w.value(v.as_object()); })}) {
        auto back = parse_json(text);
        ASSERT_TRUE(back) << text;
        EXPECT_EQ(*back, fixed);
    }
    const json::value good = json::parse(R"({"a":"\u00e9t\u00e9","b":[1,"\n"]})");
    EXPECT_TRUE(has_valid_utf8(good));
    EXPECT_EQ(to_json(good), json::serialize(good));
}

TEST(JsonValueBuilder, BuildsWhatJsonWriterWrites) {
    const std::string bad = std::string("q\"\\\n\x01 \xff end");
    json::value nested = json::parse(R"({"n":[{"m":null}],"e":{}})");
    auto script = [&](auto& w) {
        w.begin_object();
        w.key("s").string(bad);
        w.key("i").integer(-42);
        w.key("b").boolean(false);
        w.key("z").null();
        w.key("raw").raw(R"([1,{"x":"y"}])");
        w.key("v").value(nested);
        w.key("o").value(nested.as_object());
        w.key("a").begin_array();
        w.begin_object().end_object();
        w.begin_array().string("").integer(0).end_array();
        w.string(bad);
        w.end_array();
        w.key("empty").begin_object().end_object();
        w.end_object();
    };
    const auto text = written([&](JsonWriter& w) { script(w); });
    JsonValueBuilder b;
    script(b);
    const json::value built = b.take();
    auto parsed = parse_json(text);
    ASSERT_TRUE(parsed) << text;
    EXPECT_EQ(*parsed, built) << text << "\n" << to_json(built);
    EXPECT_EQ(std::string_view(built.at("s").as_string()), to_valid_utf8(bad));

    JsonValueBuilder scalar;
    scalar.string("alone");
    EXPECT_EQ(scalar.take(), json::value("alone"));
    EXPECT_TRUE(JsonValueBuilder().take().is_null());
}

}  // namespace
}  // namespace hector
