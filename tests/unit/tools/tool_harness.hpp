#pragma once

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <string>

#include "hector/config/model.hpp"
#include "hector/net/io.hpp"
#include "hector/tools/tool.hpp"

namespace hector::tools::testing {

namespace fs = std::filesystem;

/// A fresh directory under the system temp dir, removed (recursively) at destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    const fs::path& path() const { return path_; }
    /// Writes a file below the directory (creating parents) and returns its full path.
    fs::path write(const std::string& relative, const std::string& content) const;
    std::string read(const std::string& relative) const;
    bool exists(const std::string& relative) const;

  private:
    fs::path path_;
};

/// I/O threads and a blocking pool, like the server's, for running tool calls.
class Harness {
  public:
    Harness();
    ~Harness();

    net::IoRuntime& runtime() { return runtime_; }
    /// A context using the harness's blocking pool.
    ToolContext context();

    /// Runs one call to completion (fails the test by exception after `limit`).
    ToolResult call(Tool& tool, const boost::json::object& args, ToolContext& ctx,
                    std::chrono::milliseconds limit = std::chrono::seconds(20));
    ToolResult call(Tool& tool, const boost::json::object& args);

  private:
    net::IoRuntime runtime_;
};

/// A call started on its own strand whose cancellation slot the test controls.
class CancellableCall {
  public:
    CancellableCall(Harness& harness, Tool& tool, boost::json::object args, ToolContext& ctx);
    /// Emits a terminal cancellation on the call's strand.
    void cancel();
    /// Waits at most `limit`; nullopt when the call has not finished by then.
    std::optional<ToolResult> wait(std::chrono::milliseconds limit);

  private:
    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    boost::asio::cancellation_signal signal_;
    boost::json::object args_;
    std::future<ToolResult> future_;
};

/// A tool config rooted at `dir`.
config::ToolConfig config_in(const fs::path& dir);

/// Builds a built-in, failing the test by exception when the factory fails.
std::unique_ptr<Tool> make(std::string_view handler, const config::ToolConfig& config);

/// Parses a JSON object from a tool's text content (throws when it is not one).
boost::json::object parse_object(const std::string& text);

/// True while some process of group `pgid` is alive (zombies do not count).
bool group_alive(pid_t pgid);

/// Polls until pred() holds; false after the limit.
bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds limit = std::chrono::seconds(5));

}  // namespace hector::tools::testing
