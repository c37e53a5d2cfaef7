#pragma once

#include "hector/store/app_store.hpp"
#include "hector/store/sql/database.hpp"

namespace hector::store::sql {

/// AppStore on a SQL database (tables `apps`, schema step 3). Every method is one transaction on the database's
/// blocking pool. Thread-safe; the database must outlive the store.
class SqlAppStore final : public AppStore {
  public:
    explicit SqlAppStore(Database& db) : db_(db) {}

    boost::asio::awaitable<Result<std::vector<AppRecord>>> list() override;
    boost::asio::awaitable<Result<AppRecord>> get(std::string id) override;
    boost::asio::awaitable<Result<AppRecord>> create(AppRecord record) override;
    boost::asio::awaitable<Result<AppRecord>> update(std::string id, AppUpdate update) override;
    boost::asio::awaitable<Status> remove(std::string id) override;
    boost::asio::awaitable<Result<AppRecord>> bump_token_version(std::string id) override;

  private:
    Database& db_;
};

/// SigningKeyStore on a SQL database (table `signing_keys`, schema step 3): shared by every instance on the
/// database, so all of them sign and verify with the same keys. Thread-safe; the database must outlive the store.
class SqlSigningKeyStore final : public SigningKeyStore {
  public:
    explicit SqlSigningKeyStore(Database& db) : db_(db) {}

    boost::asio::awaitable<Result<std::vector<SigningKeyRecord>>> list_active() override;
    boost::asio::awaitable<Result<SigningKeyRecord>> get(std::string kid) override;
    boost::asio::awaitable<Result<SigningKeyRecord>> create(SigningKeyRecord record) override;

  private:
    Database& db_;
};

}  // namespace hector::store::sql
