#include "hector/common/sparse_object.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <string>

#include "hector/a2a/codec.hpp"
#include "hector/a2a/types.hpp"
#include "hector/common/json.hpp"

namespace hector {
namespace {

TEST(SparseObject, AnEmptyOneReadsAsAnEmptyObject) {
    const SparseObject o;
    EXPECT_TRUE(o.empty());
    EXPECT_EQ(o.size(), 0u);
    EXPECT_EQ(o.if_contains("k"), nullptr);
    EXPECT_FALSE(o.contains("k"));
    EXPECT_EQ(o.begin(), o.end());
    const json::object& as_object = o;
    EXPECT_TRUE(as_object.empty());
    EXPECT_EQ(to_json(o), "{}");
}

TEST(SparseObject, WritesAllocateAndReadBack) {
    SparseObject o;
    o["a"] = 1;
    o.emplace("b", "two");
    EXPECT_EQ(o.size(), 2u);
    ASSERT_NE(o.if_contains("a"), nullptr);
    EXPECT_EQ(o.if_contains("a")->as_int64(), 1);
    EXPECT_EQ(to_json(o), R"({"a":1,"b":"two"})");
    EXPECT_EQ(o.erase("a"), 1u);
    EXPECT_EQ(o.erase("missing"), 0u);
    EXPECT_EQ(to_json(o), R"({"b":"two"})");
    std::size_t n = 0;
    for (const auto& kv : o) {
        EXPECT_EQ(kv.key(), "b");
        ++n;
    }
    EXPECT_EQ(n, 1u);
    o.clear();
    EXPECT_TRUE(o.empty());
    EXPECT_EQ(o.erase("b"), 0u);
}

TEST(SparseObject, CopiesAreDeepAndEmptiesStayEmpty) {
    SparseObject a{{"k", "v"}, {"n", 2}};
    SparseObject b = a;
    b["k"] = "changed";
    EXPECT_EQ(a.if_contains("k")->as_string(), "v");
    EXPECT_EQ(b.if_contains("k")->as_string(), "changed");
    EXPECT_FALSE(a == b);
    SparseObject c;
    c = a;
    EXPECT_TRUE(c == a);
    EXPECT_TRUE((c == json::object{{"k", "v"}, {"n", 2}}));
    c = SparseObject{};  // assigning an empty one empties it
    EXPECT_TRUE(c.empty());
    c = json::object{};  // so does an empty object
    EXPECT_TRUE(c.empty());
    SparseObject moved = std::move(a);
    EXPECT_EQ(moved.size(), 2u);
    auto taken = moved.take();
    EXPECT_EQ(taken.size(), 2u);
    EXPECT_TRUE(moved.empty());
    EXPECT_TRUE((SparseObject{} == SparseObject{}));
    EXPECT_TRUE((SparseObject{} == json::object{}));
}

TEST(SparseObject, MetadataAndDataRoundTripThroughTheCodec) {
    auto parsed = parse_json(R"({"kind":"data","data":{"x":[1,{"y":null}]},"metadata":{"m":"é"}})");
    ASSERT_TRUE(parsed);
    auto part = a2a::parse_part(*parsed, "part");
    ASSERT_TRUE(part) << part.error().message;
    EXPECT_EQ(to_json(part->data), R"({"x":[1,{"y":null}]})");
    EXPECT_EQ(to_json(part->metadata), R"({"m":"é"})");
    a2a::Message m;
    m.message_id = "m1";
    m.parts.push_back(*part);
    m.parts.push_back(a2a::Part::make_text("hi"));  // no metadata: the member is left out
    EXPECT_EQ(
        a2a::to_text(m),
        R"({"kind":"message","messageId":"m1","role":"user","parts":[{"kind":"data","type":"data","data":{"x":[1,{"y":null}]},)"
        R"("metadata":{"m":"é"}},{"kind":"text","type":"text","text":"hi"}]})");
    // An empty metadata object on the wire reads as none.
    auto empty = parse_json(R"({"kind":"text","text":"t","metadata":{}})");
    auto text = a2a::parse_part(*empty, "part");
    ASSERT_TRUE(text);
    EXPECT_TRUE(text->metadata.empty());
}

}  // namespace
}  // namespace hector
