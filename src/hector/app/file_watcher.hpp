#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hector/common/result.hpp"

namespace hector::app {

/// Watches some files of one directory with inotify (Linux) and reports them once their changes have been quiet
/// for a debounce interval. It watches the directory, not the files, so that editors which replace a file by
/// renaming a new one over it are followed. Runs its own thread (poll() on the inotify descriptor and on a stop
/// descriptor), so nothing blocks an I/O thread; `on_change` runs on that thread and should return quickly.
/// stop() and the destructor join the thread; no callback runs after they return. Thread-safe.
class FileWatcher {
  public:
    struct Settings {
        std::string directory;                    // "" = the current directory
        std::vector<std::string> names;           // file names in that directory
        std::chrono::milliseconds debounce{250};  // quiet time before a burst of events is reported
    };
    /// The names that changed in one burst (created, written, replaced, moved away or deleted), in watch order.
    using OnChange = std::function<void(const std::vector<std::string>& changed)>;

    /// Starts watching. Errors (Errc::io_error) name the directory and the system's reason.
    static Result<std::unique_ptr<FileWatcher>> start(Settings settings, OnChange on_change);
    ~FileWatcher();
    FileWatcher(const FileWatcher&) = delete;
    FileWatcher& operator=(const FileWatcher&) = delete;

    void stop();

  private:
    FileWatcher(Settings settings, OnChange on_change, int inotify_fd, int stop_fd);
    void run();
    /// Reads the pending events; adds the watched names among them to `changed` and counts their events in
    /// `hits`. False once the directory itself is gone (deleted, moved or unmounted).
    bool drain_events(std::vector<std::string>& changed, int& hits);

    Settings settings_;
    OnChange on_change_;
    int inotify_fd_;
    int stop_fd_;
    std::once_flag stopped_;
    std::thread thread_;
};

}  // namespace hector::app
