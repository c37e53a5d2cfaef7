#include "hector/common/out_of_line.hpp"

#include <gtest/gtest.h>

#include <string>

#include "hector/a2a/types.hpp"

namespace hector {
namespace {

struct Pair {
    std::string a;
    std::string b;
};

TEST(OutOfLine, ReadingAnEmptyOneGivesTheDefaultWithoutAllocating) {
    const OutOfLine<Pair> v;
    EXPECT_FALSE(v.has_value());
    EXPECT_TRUE(v->a.empty());
    EXPECT_TRUE(v.get().b.empty());
    EXPECT_FALSE(v.has_value());
}

TEST(OutOfLine, CopiesAreValuesNotSharedReferences) {
    OutOfLine<Pair> v;
    v->a = "one";
    EXPECT_TRUE(v.has_value());
    OutOfLine<Pair> copy = v;
    copy->a = "two";
    EXPECT_EQ(v->a, "one");
    EXPECT_EQ(copy->a, "two");
    OutOfLine<Pair> assigned;
    assigned = copy;
    assigned->b = "three";
    EXPECT_EQ(copy->b, "");
    EXPECT_EQ(assigned->a, "two");
    assigned = OutOfLine<Pair>{};  // an empty one assigned empties it
    EXPECT_FALSE(assigned.has_value());
    OutOfLine<Pair> moved = std::move(v);
    EXPECT_EQ(moved->a, "one");
}

TEST(OutOfLine, ATextPartCarriesNoFileAndAFilePartKeepsItsFileWhenCopied) {
    auto text = a2a::Part::make_text("hi");
    EXPECT_FALSE(text.file.has_value());
    a2a::Part file;
    file.kind = a2a::Part::Kind::file;
    file.file = a2a::FileContent{"f.bin", "application/octet-stream", "AAEC", ""};
    std::vector<a2a::Part> parts{text, file};
    auto copied = parts;
    copied[1].file->name = "g.bin";
    EXPECT_EQ(parts[1].file->name, "f.bin");
    EXPECT_EQ(copied[1].file->mime_type, "application/octet-stream");
    EXPECT_FALSE(copied[0].file.has_value());
    EXPECT_LT(sizeof(a2a::Part), sizeof(a2a::FileContent) + sizeof(std::string) + 2 * sizeof(boost::json::object));
}

}  // namespace
}  // namespace hector
