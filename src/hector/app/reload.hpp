#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hector/app/file_watcher.hpp"
#include "hector/app/options.hpp"
#include "hector/automation/automation.hpp"
#include "hector/config/diagnostics.hpp"
#include "hector/config/model.hpp"
#include "hector/runtime/app_runtime.hpp"

namespace hector::app {

/// A reloaded config, merged with the running one: what to serve and what to tell the operator.
struct ReloadPlan {
    /// The new config, except the sections that cannot change live, which keep their running values.
    std::shared_ptr<config::Config> config;
    /// The sections that changed but only take effect at restart ("server.port", "storage", ...).
    std::vector<std::string> restart_needed;
    /// What the swap changes, e.g. "agents added: researcher", "llms changed: default". Empty: nothing.
    std::vector<std::string> changes;
};

/// Merges a loaded and validated `next` config (CLI overrides applied) with the `running` one (platform.md §1.9):
/// only the runtime (LLMs, agents, tools, embedders, stores, guardrails, defaults, triggers, notifications) comes
/// from `next`; server, storage, databases, queue, rate_limiting, observability and logger keep their running
/// values. Pure: no I/O.
ReloadPlan plan_reload(const config::Config& running, config::Config next);

struct ReloadDeps {
    runtime::Registry& registry;
    automation::Automation& automation;
    runtime::BuildDeps build_deps;  // as at start-up
    boost::asio::io_context& io;    // SIGHUP arrives here
};

struct ReloadSettings {
    GlobalOptions global;
    ServeOptions serve;  // its transient overrides are applied to every reloaded config; serve.watch watches the file
    std::shared_ptr<const config::Config> running;  // served since start-up, overrides applied
    bool in_memory = false;  // a generated config that was never written: there is nothing to re-read
};

/// Hot reload of the default app (platform.md §1.9). SIGHUP always asks for a reload; with --watch so does a
/// change of the config file or of the .env beside it (debounced). A reload re-reads the .env overlay and the file
/// (DECISIONS 32: the process environment still wins, and is never modified), re-validates, builds a new
/// default-app runtime and swaps it into the registry; requests in flight finish on the runtime they hold. An
/// invalid file is logged and the running config keeps serving. Reloads run one at a time on a thread of their
/// own, so neither an I/O thread nor the blocking pool waits on them, and stop() can join it. Thread-safe.
class HotReload {
  public:
    /// Listens for SIGHUP from now on (so the signal no longer ends the process).
    HotReload(ReloadDeps deps, ReloadSettings settings);
    /// Stops; destroy it once the io_context's threads have stopped.
    ~HotReload();
    HotReload(const HotReload&) = delete;
    HotReload& operator=(const HotReload&) = delete;

    /// Starts serving SIGHUP and, with --watch, watching the files. Call once the io_context runs.
    void start();
    /// Stops watching and waits for a reload in progress; none starts after this returns (the drain).
    void stop();

    /// Asks for a reload and returns at once; requests that arrive during one coalesce into one more.
    void request(const std::string& reason);

  private:
    void wait_for_sighup();
    void run();
    /// Re-reads and applies the config (blocking: file I/O). True when a new runtime was swapped in.
    bool reload_now();
    bool refuse(const std::vector<config::Diagnostic>& errors, const std::string& why);

    ReloadDeps deps_;
    ReloadSettings settings_;
    std::vector<std::string> routed_paths_;  // custom webhook paths that got routes at start-up
    boost::asio::signal_set sighup_;
    std::unique_ptr<FileWatcher> watcher_;
    std::mutex mu_;
    std::condition_variable wake_;
    bool pending_ = false;
    bool stopped_ = false;
    std::thread thread_;
};

}  // namespace hector::app
