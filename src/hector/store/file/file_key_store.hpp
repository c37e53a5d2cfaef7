#pragma once

#include <boost/asio/thread_pool.hpp>

#include <filesystem>

#include "hector/store/app_store.hpp"

namespace hector::store {

/// SigningKeyStore in a directory, one `<kid>.json` file per key (mode 0600, directory 0700). Used when sessions
/// are kept in memory, so that the signing key survives restarts (server.md §6.3: `.hector/keys/`). A key is
/// written to a temporary file and linked into place, so a reader never sees half a key and two processes
/// creating the same kid end up sharing the first one. File work runs on `blocking`; thread-safe.
class FileSigningKeyStore final : public SigningKeyStore {
  public:
    FileSigningKeyStore(std::filesystem::path dir, boost::asio::thread_pool& blocking);

    boost::asio::awaitable<Result<std::vector<SigningKeyRecord>>> list_active() override;
    boost::asio::awaitable<Result<SigningKeyRecord>> get(std::string kid) override;
    boost::asio::awaitable<Result<SigningKeyRecord>> create(SigningKeyRecord record) override;

    /// Blocking forms of the methods above.
    Result<std::vector<SigningKeyRecord>> list_active_blocking() const;
    Result<SigningKeyRecord> get_blocking(const std::string& kid) const;
    Result<SigningKeyRecord> create_blocking(SigningKeyRecord record) const;

  private:
    std::filesystem::path dir_;
    boost::asio::thread_pool& blocking_;
};

}  // namespace hector::store
