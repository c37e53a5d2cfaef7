// The app and signing-key half of the store contract (same suite and backends as store_conformance_test.cpp).
#include <thread>

#include "hector/store/memory/memory_app_store.hpp"
#include "hector/store/sql/sql_app_store.hpp"
#include "store_conformance.hpp"

namespace hector::store::testing {
namespace {

using namespace std::chrono_literals;

class AppStores {
  public:
    explicit AppStores(BackendStores& s) {
        if (s.db) {
            apps_ = std::make_unique<sql::SqlAppStore>(*s.db);
            keys_ = std::make_unique<sql::SqlSigningKeyStore>(*s.db);
        } else {
            apps_ = std::make_unique<MemoryAppStore>();
            keys_ = std::make_unique<MemorySigningKeyStore>();
        }
    }
    AppStore& apps() { return *apps_; }
    SigningKeyStore& keys() { return *keys_; }

  private:
    std::unique_ptr<AppStore> apps_;
    std::unique_ptr<SigningKeyStore> keys_;
};

AppRecord app(std::string id, std::string name) {
    AppRecord r;
    r.id = std::move(id);
    r.name = std::move(name);
    r.config_json = R"({"agents":{}})";
    return r;
}

std::vector<std::string> ids(const std::vector<AppRecord>& apps) {
    std::vector<std::string> out;
    for (const auto& a : apps) out.push_back(a.id);
    return out;
}

TEST_P(StoreConformance, AppsAreCreatedListedInCreationOrderAndRead) {
    AppStores s(stores_);
    auto first = sync(s.apps().create(app("zzz111222333", "support")));
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_NE(first->created_at, TimePoint{});
    EXPECT_EQ(first->updated_at, first->created_at);
    EXPECT_EQ(first->token_version, 1);
    std::this_thread::sleep_for(2ms);
    ASSERT_TRUE(sync(s.apps().create(app("aaa111222333", "support"))).ok());  // duplicate names are fine

    auto all = sync(s.apps().list());
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(ids(*all), (std::vector<std::string>{"zzz111222333", "aaa111222333"}));

    auto got = sync(s.apps().get("zzz111222333"));
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->name, "support");
    EXPECT_EQ(got->config_json, R"({"agents":{}})");
    EXPECT_EQ(got->created_at, first->created_at);

    auto duplicate = sync(s.apps().create(app("zzz111222333", "again")));
    ASSERT_FALSE(duplicate.ok());
    EXPECT_EQ(duplicate.error().code, Errc::conflict);
    EXPECT_EQ(sync(s.apps().get("missing")).error().code, Errc::not_found);
}

TEST_P(StoreConformance, AppUpdatesArePartialAndBumpUpdatedAt) {
    AppStores s(stores_);
    auto created = sync(s.apps().create(app("app000000001", "one"))).value();
    std::this_thread::sleep_for(2ms);
    AppUpdate rename;
    rename.name = "renamed";
    auto renamed = sync(s.apps().update("app000000001", rename));
    ASSERT_TRUE(renamed.ok()) << renamed.error().message;
    EXPECT_EQ(renamed->name, "renamed");
    EXPECT_EQ(renamed->config_json, created.config_json);
    EXPECT_GT(renamed->updated_at, created.updated_at);
    EXPECT_EQ(renamed->created_at, created.created_at);

    AppUpdate reconfigure;
    reconfigure.config_json = R"({"agents":{"a":{}}})";
    auto reconfigured = sync(s.apps().update("app000000001", reconfigure));
    ASSERT_TRUE(reconfigured.ok());
    EXPECT_EQ(reconfigured->name, "renamed");
    EXPECT_EQ(reconfigured->config_json, R"({"agents":{"a":{}}})");
    EXPECT_EQ(sync(s.apps().get("app000000001"))->config_json, R"({"agents":{"a":{}}})");
    EXPECT_EQ(sync(s.apps().update("missing", rename)).error().code, Errc::not_found);
}

TEST_P(StoreConformance, TokenVersionBumpsAndRemovalForgets) {
    AppStores s(stores_);
    ASSERT_TRUE(sync(s.apps().create(app("app000000002", "two"))).ok());
    auto bumped = sync(s.apps().bump_token_version("app000000002"));
    ASSERT_TRUE(bumped.ok());
    EXPECT_EQ(bumped->token_version, 2);
    EXPECT_EQ(sync(s.apps().bump_token_version("app000000002"))->token_version, 3);
    EXPECT_EQ(sync(s.apps().get("app000000002"))->token_version, 3);
    EXPECT_EQ(sync(s.apps().bump_token_version("missing")).error().code, Errc::not_found);

    ASSERT_TRUE(sync(s.apps().remove("app000000002")).ok());
    EXPECT_EQ(sync(s.apps().get("app000000002")).error().code, Errc::not_found);
    EXPECT_EQ(sync(s.apps().remove("app000000002")).error().code, Errc::not_found);
    EXPECT_TRUE(sync(s.apps().list())->empty());
}

TEST_P(StoreConformance, SigningKeysKeepTheFirstKeyOfAKid) {
    AppStores s(stores_);
    EXPECT_TRUE(sync(s.keys().list_active())->empty());
    SigningKeyRecord k;
    k.kid = "hector-key-1";
    k.private_pem = "pem-one";
    k.public_jwk = R"({"kty":"EC"})";
    auto stored = sync(s.keys().create(k));
    ASSERT_TRUE(stored.ok()) << stored.error().message;
    EXPECT_EQ(stored->private_pem, "pem-one");
    EXPECT_NE(stored->created_at, TimePoint{});

    // Another instance racing to create the same kid gets the first one back.
    k.private_pem = "pem-two";
    auto raced = sync(s.keys().create(k));
    ASSERT_TRUE(raced.ok());
    EXPECT_EQ(raced->private_pem, "pem-one");

    std::this_thread::sleep_for(2ms);
    k.kid = "hector-key-2";
    ASSERT_TRUE(sync(s.keys().create(k)).ok());
    auto active = sync(s.keys().list_active());
    ASSERT_TRUE(active.ok());
    ASSERT_EQ(active->size(), 2u);
    EXPECT_EQ(active->at(0).kid, "hector-key-1");
    EXPECT_EQ(active->at(1).kid, "hector-key-2");
    EXPECT_EQ(active->at(0).algorithm, "ES256");
    EXPECT_FALSE(active->at(0).retired_at);
    EXPECT_EQ(sync(s.keys().get("hector-key-2"))->private_pem, "pem-two");
    EXPECT_EQ(sync(s.keys().get("hector-key-9")).error().code, Errc::not_found);
}

}  // namespace
}  // namespace hector::store::testing
