#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include "hector/net/io.hpp"

namespace hector::automation::testing {

namespace asio = boost::asio;

/// Runs an awaitable to completion on a private io_context; rethrows what it threw.
template <class T>
T sync(asio::awaitable<T> a) {
    return hector::net::run_to_completion(std::move(a));
}

/// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
  public:
    TempDir() {
        std::random_device rd;
        path_ = std::filesystem::temp_directory_path() / ("hector-automation-" + std::to_string(rd()));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string file(const std::string& name) const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

}  // namespace hector::automation::testing
