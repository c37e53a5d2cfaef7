#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "hector/net/io.hpp"
#include "hector/store/queue_store.hpp"
#include "hector/store/session_store.hpp"
#include "hector/store/sql/database.hpp"
#include "hector/store/task_store.hpp"

namespace hector::store::testing {

namespace asio = boost::asio;

/// Runs an awaitable to completion on a private io_context; rethrows what it threw.
template <class T>
T sync(asio::awaitable<T> a) {
    return hector::net::run_to_completion(std::move(a));
}

/// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

/// The stores of one backend for one test.
struct BackendStores {
    std::unique_ptr<sql::Database> db;  // null for the memory backend
    std::unique_ptr<TaskStore> tasks;
    std::unique_ptr<SessionStore> sessions;
    std::unique_ptr<QueueStore> queue;
};

/// Where a backend keeps its data during one test (a temp file, a PostgreSQL schema), cleaned up on destruction.
class BackendEnv {
  public:
    virtual ~BackendEnv() = default;
    /// Why the backend cannot run here (no HECTOR_TEST_PG_DSN), or nullopt.
    virtual std::optional<std::string> skip_reason() const { return std::nullopt; }
    /// Empty stores.
    virtual Result<BackendStores> open(asio::thread_pool& blocking) = 0;
};

struct Backend {
    std::string name;
    std::function<std::unique_ptr<BackendEnv>()> make;
};

inline void PrintTo(const Backend& b, std::ostream* os) {
    *os << b.name;
}

Backend memory_backend();
/// SQLite with `readers` read connections (0: everything on the one writer connection).
Backend sqlite_backend(std::size_t readers = 4);
Backend postgres_backend();

/// The DSN of the test PostgreSQL server, or nullopt (tests skip).
std::optional<std::string> test_pg_dsn();
/// Runs one SQL statement on a separate libpq connection (setup and cleanup outside the stores); false on failure.
bool pg_exec(const std::string& dsn, const std::string& sql);
/// A unique schema name for one test.
std::string unique_schema();

}  // namespace hector::store::testing
