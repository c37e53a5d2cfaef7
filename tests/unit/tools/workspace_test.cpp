#include "hector/tools/detail/workspace.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include "unit/tools/tool_harness.hpp"

namespace hector::tools::detail {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

class WorkspaceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir.write("inside/a.txt", "alpha\n");
        outside.write("secret.txt", "top secret\n");
        auto ws = Workspace::open(dir.path().string());
        ASSERT_TRUE(ws) << ws.error().message;
        workspace.emplace(std::move(*ws));
    }
    TempDir dir;
    TempDir outside;
    std::optional<Workspace> workspace;
};

TEST_F(WorkspaceTest, OpenFailsForAMissingOrNonDirectoryRoot) {
    EXPECT_FALSE(Workspace::open((dir.path() / "nope").string()));
    EXPECT_FALSE(Workspace::open((dir.path() / "inside/a.txt").string()));
}

TEST_F(WorkspaceTest, RelativeAndAbsolutePathsInsideResolve) {
    auto rel = workspace->resolve("inside/a.txt");
    ASSERT_TRUE(rel) << rel.error().message;
    EXPECT_EQ(*rel, dir.path() / "inside/a.txt");
    auto abs = workspace->resolve((dir.path() / "inside/a.txt").string());
    ASSERT_TRUE(abs);
    EXPECT_EQ(*abs, *rel);
    auto missing = workspace->resolve("new/dir/file.txt");  // not there yet: fine, it would be created inside
    ASSERT_TRUE(missing);
    EXPECT_EQ(*missing, dir.path() / "new/dir/file.txt");
    EXPECT_EQ(workspace->relative(*missing), "new/dir/file.txt");
    EXPECT_EQ(*workspace->resolve("."), dir.path());
}

TEST_F(WorkspaceTest, DotDotIsRefusedEvenWhenItWouldStayInside) {
    for (const char* p : {"../secret.txt", "inside/../../x", "inside/../a.txt", ".."}) {
        auto r = workspace->resolve(p);
        ASSERT_FALSE(r) << p;
        EXPECT_NE(r.error().message.find(".."), std::string::npos) << r.error().message;
    }
}

TEST_F(WorkspaceTest, AbsolutePathsOutsideAreRefused) {
    for (std::string p : {std::string("/etc/passwd"), (outside.path() / "secret.txt").string(), std::string("/")}) {
        auto r = workspace->resolve(p);
        ASSERT_FALSE(r) << p;
        EXPECT_EQ(r.error().code, Errc::forbidden);
        EXPECT_NE(r.error().message.find("outside the working directory"), std::string::npos);
    }
    // A sibling whose name starts like the root is still outside.
    auto sibling = workspace->resolve(dir.path().string() + "-evil/x");
    EXPECT_FALSE(sibling);
}

TEST_F(WorkspaceTest, SymlinksLeadingOutsideAreRefused) {
    fs::create_symlink(outside.path() / "secret.txt", dir.path() / "link.txt");
    fs::create_directory_symlink(outside.path(), dir.path() / "linkdir");
    fs::create_symlink(outside.path() / "missing.txt", dir.path() / "dangling.txt");
    for (const char* p : {"link.txt", "linkdir", "linkdir/secret.txt", "linkdir/new.txt", "dangling.txt"}) {
        auto r = workspace->resolve(p);
        ASSERT_FALSE(r) << p;
        EXPECT_EQ(r.error().code, Errc::forbidden) << p;
    }
}

TEST_F(WorkspaceTest, SymlinksStayingInsideResolveToTheirTarget) {
    fs::create_symlink(dir.path() / "inside/a.txt", dir.path() / "alias.txt");
    auto r = workspace->resolve("alias.txt");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, dir.path() / "inside/a.txt");
}

TEST_F(WorkspaceTest, OpenFileRefusesASymlinkSwappedInAfterTheCheck) {
    auto checked = workspace->resolve("inside/b.txt");  // does not exist yet: passes
    ASSERT_TRUE(checked);
    fs::create_symlink(outside.path() / "secret.txt", dir.path() / "inside/b.txt");
    auto fd = workspace->open_file(*checked, O_RDONLY);
    EXPECT_FALSE(fd);
    auto read = workspace->read_file(*checked, 1024);
    EXPECT_FALSE(read);
    EXPECT_EQ(outside.read("secret.txt"), "top secret\n");
    // Writing is refused too (a symlink is not a regular file), and the target outside keeps its content.
    EXPECT_FALSE(workspace->write_file(*checked, "replaced\n"));
    EXPECT_EQ(outside.read("secret.txt"), "top secret\n");
    EXPECT_TRUE(fs::is_symlink(dir.path() / "inside/b.txt"));
}

TEST_F(WorkspaceTest, ReadFileEnforcesItsLimitAndWriteFileKeepsTheMode) {
    auto big = workspace->read_file(dir.path() / "inside/a.txt", 3);
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().code, Errc::payload_too_large);
    fs::permissions(dir.path() / "inside/a.txt", fs::perms::owner_all | fs::perms::group_read);
    ASSERT_TRUE(workspace->write_file(dir.path() / "inside/a.txt", "beta\n"));
    EXPECT_EQ(dir.read("inside/a.txt"), "beta\n");
    EXPECT_EQ(fs::status(dir.path() / "inside/a.txt").permissions() & fs::perms::all,
              fs::perms::owner_all | fs::perms::group_read);
}

TEST(LooksBinary, NulBytesAndInvalidUtf8) {
    EXPECT_FALSE(looks_binary("plain text\n"));
    EXPECT_FALSE(looks_binary("caf\xC3\xA9\n"));
    EXPECT_TRUE(looks_binary(std::string("ab\0cd", 5)));
    EXPECT_TRUE(looks_binary("\xFF\xFE\x00"));
    EXPECT_TRUE(looks_binary("latin1 caf\xE9"));
}

}  // namespace
}  // namespace hector::tools::detail
