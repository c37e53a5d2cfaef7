#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "hector/common/result.hpp"
#include "hector/config/model.hpp"
#include "hector/runtime/app_runtime.hpp"
#include "hector/store/app_store.hpp"
#include "hector/store/session_store.hpp"
#include "hector/store/task_store.hpp"

namespace hector::server {

struct AppDirectorySettings {
    /// How often the app store is read for apps that other instances created, changed or deleted (server.md §15).
    std::chrono::milliseconds poll_interval{std::chrono::seconds(5)};
};

/// The dynamic apps (tenants) of the server (server.md §6): their records in the AppStore, their runtimes in the
/// Registry under the app id, and their token versions for the authenticator. Creating or updating an app builds
/// its runtime before anything is stored, so a config that does not build is refused and the old runtime keeps
/// serving; requests already holding the old runtime finish on it. Deleting an app removes its runtime, tasks,
/// sessions and whatever the removal hooks clean up (the queue's items).
///
/// Other instances on the same database learn about changes by polling (start()).
///
/// Thread-safety: every method may be called concurrently; token_version() never blocks on I/O.
class AppDirectory {
  public:
    AppDirectory(runtime::Registry& registry, store::AppStore& apps, store::TaskStore& tasks,
                 store::SessionStore& sessions, runtime::BuildDeps deps,
                 std::shared_ptr<const config::Config> server_config, AppDirectorySettings settings = {});
    ~AppDirectory();

    /// config_json → the app's config (server.md §6.1): a JSON object, without `server`, valid under the config
    /// file's rules. The app is validated with no environment variables (`${VAR:default}` still works). Where it
    /// defines no `llms` (or `embedders`), the server config's apply, and an agent may name a server LLM
    /// (OQ-6). The server's `server` section applies to every app. Errc::invalid_argument naming the problem.
    Result<std::shared_ptr<const config::Config>> load_config(std::string_view config_json) const;

    /// Registers every stored app (start-up). An app whose config no longer builds is logged and left out, so
    /// its tokens get 401 until it is fixed with PUT.
    boost::asio::awaitable<Status> load_all();

    boost::asio::awaitable<Result<std::vector<store::AppRecord>>> list();
    boost::asio::awaitable<Result<store::AppRecord>> get(std::string id);
    /// Errc::invalid_argument for a config that does not validate or build.
    boost::asio::awaitable<Result<store::AppRecord>> create(std::string name, std::string config_json);
    /// Partial update; a new config is built first. Errc::not_found, Errc::invalid_argument.
    boost::asio::awaitable<Result<store::AppRecord>> update(std::string id, store::AppUpdate update);
    /// Deletes the app and cascades (tasks, sessions, removal hooks). Errc::not_found.
    boost::asio::awaitable<Status> remove(std::string id);
    /// Bumps the token version, revoking every token issued before. Errc::not_found.
    boost::asio::awaitable<Result<store::AppRecord>> regenerate_token(std::string id);

    /// The token version of a live app, or nullopt.
    std::optional<std::int64_t> token_version(std::string_view id) const;

    /// Called with the app id after an app was deleted on this instance, to remove what else the app owned
    /// (e.g. the queue owner's pending items and dead letters). Register before start().
    using RemovalHook = std::function<boost::asio::awaitable<void>(std::string app_id)>;
    void add_removal_hook(RemovalHook hook);

    /// Starts polling the store on `io` every poll_interval; stop() ends it (also done by the destructor).
    void start(boost::asio::io_context& io);
    void stop();
    /// One polling round: picks up apps created, changed (config or token version) or deleted elsewhere.
    boost::asio::awaitable<Status> sync();

  private:
    struct Known {
        store::AppRecord record;
        bool built = false;
    };
    Result<std::shared_ptr<const runtime::AppRuntime>> build(const std::string& id,
                                                             const std::string& config_json) const;
    /// Records a change made here; bumps the epoch so that a concurrent poll round skips its stale view.
    void remember(const store::AppRecord& record, std::shared_ptr<const runtime::AppRuntime> runtime);
    static boost::asio::awaitable<void> poll_loop(AppDirectory* self, std::shared_ptr<std::atomic<bool>> stopped,
                                                  std::chrono::milliseconds interval);

    runtime::Registry& registry_;
    store::AppStore& apps_;
    store::TaskStore& tasks_;
    store::SessionStore& sessions_;
    runtime::BuildDeps deps_;
    std::shared_ptr<const config::Config> server_config_;
    AppDirectorySettings settings_;

    mutable std::mutex mu_;
    std::map<std::string, Known, std::less<>> known_;
    std::uint64_t epoch_ = 0;
    std::vector<RemovalHook> removal_hooks_;
    std::shared_ptr<std::atomic<bool>> stopped_;
};

}  // namespace hector::server
