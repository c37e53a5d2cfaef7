// Signing keys in a directory (store/file/file_key_store.hpp): what in-memory storage keeps across restarts.
#include "hector/store/file/file_key_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "store_test_support.hpp"

namespace hector::store::testing {
namespace {

namespace fs = std::filesystem;

SigningKeyRecord key(std::string kid, std::string pem) {
    SigningKeyRecord k;
    k.kid = std::move(kid);
    k.private_pem = std::move(pem);
    k.public_jwk = R"({"kty":"EC"})";
    return k;
}

TEST(FileSigningKeyStore, KeysSurviveANewStoreOnTheSameDirectory) {
    TempDir dir;
    asio::thread_pool pool{1};
    const auto keys_dir = dir.path() / ".hector" / "keys";
    {
        FileSigningKeyStore store(keys_dir, pool);
        EXPECT_TRUE(sync(store.list_active())->empty());  // no directory yet: no keys
        auto stored = sync(store.create(key("hector-key-1", "secret-pem")));
        ASSERT_TRUE(stored.ok()) << stored.error().message;
        EXPECT_EQ(stored->private_pem, "secret-pem");
    }
    FileSigningKeyStore again(keys_dir, pool);
    auto listed = sync(again.list_active());
    ASSERT_TRUE(listed.ok());
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ(listed->front().kid, "hector-key-1");
    EXPECT_EQ(listed->front().private_pem, "secret-pem");

    // The private key is readable by the owner only, and so is the directory.
    struct stat st {};
    ASSERT_EQ(::stat((keys_dir / "hector-key-1.json").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600);
    ASSERT_EQ(::stat(keys_dir.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700);
}

TEST(FileSigningKeyStore, TheFirstCreatorOfAKidWins) {
    TempDir dir;
    asio::thread_pool pool{1};
    FileSigningKeyStore store(dir.path(), pool);
    ASSERT_TRUE(sync(store.create(key("hector-key-1", "first"))).ok());
    auto second = sync(store.create(key("hector-key-1", "second")));
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->private_pem, "first");
    EXPECT_EQ(sync(store.get("hector-key-1"))->private_pem, "first");
    // No temporary files are left behind.
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++files;
    EXPECT_EQ(files, 1u);
}

TEST(FileSigningKeyStore, RefusesUnsafeKidsAndReportsDamage) {
    TempDir dir;
    asio::thread_pool pool{1};
    FileSigningKeyStore store(dir.path(), pool);
    EXPECT_FALSE(sync(store.create(key("../escape", "x"))).ok());
    EXPECT_EQ(sync(store.get("../escape")).error().code, Errc::not_found);
    std::ofstream(dir.path() / "hector-key-3.json") << "not json";
    auto listed = sync(store.list_active());
    ASSERT_FALSE(listed.ok());
    EXPECT_EQ(listed.error().code, Errc::io_error);
}

}  // namespace
}  // namespace hector::store::testing
