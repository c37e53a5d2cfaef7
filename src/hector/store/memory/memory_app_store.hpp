#pragma once

#include <map>
#include <mutex>

#include "hector/store/app_store.hpp"

namespace hector::store {

/// In-process AppStore (--storage inmemory): apps are lost on restart.
class MemoryAppStore final : public AppStore {
  public:
    boost::asio::awaitable<Result<std::vector<AppRecord>>> list() override;
    boost::asio::awaitable<Result<AppRecord>> get(std::string id) override;
    boost::asio::awaitable<Result<AppRecord>> create(AppRecord record) override;
    boost::asio::awaitable<Result<AppRecord>> update(std::string id, AppUpdate update) override;
    boost::asio::awaitable<Status> remove(std::string id) override;
    boost::asio::awaitable<Result<AppRecord>> bump_token_version(std::string id) override;

  private:
    std::mutex mu_;
    std::map<std::string, AppRecord> apps_;
};

/// In-process SigningKeyStore (--ephemeral): a new key on every start, so earlier tokens stop verifying.
class MemorySigningKeyStore final : public SigningKeyStore {
  public:
    boost::asio::awaitable<Result<std::vector<SigningKeyRecord>>> list_active() override;
    boost::asio::awaitable<Result<SigningKeyRecord>> get(std::string kid) override;
    boost::asio::awaitable<Result<SigningKeyRecord>> create(SigningKeyRecord record) override;

  private:
    std::mutex mu_;
    std::map<std::string, SigningKeyRecord> keys_;
};

}  // namespace hector::store
