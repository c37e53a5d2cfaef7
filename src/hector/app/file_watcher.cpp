#include "hector/app/file_watcher.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

#include "hector/common/logging.hpp"

namespace hector::app {

namespace {

// What can make a watched file differ: written in place, created, replaced by a rename, moved away, deleted.
constexpr std::uint32_t kFileEvents = IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE;
// The directory itself going away ends the watch (IN_IGNORED follows, and also comes on unmount).
constexpr std::uint32_t kGoneEvents = IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT;

void add_once(std::vector<std::string>& names, const std::string& name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
}

}  // namespace

Result<std::unique_ptr<FileWatcher>> FileWatcher::start(Settings settings, OnChange on_change) {
    if (settings.directory.empty()) settings.directory = ".";
    const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) return Error{Errc::io_error, fmt::format("inotify: {}", std::strerror(errno))};
    if (inotify_add_watch(fd, settings.directory.c_str(), kFileEvents | IN_DELETE_SELF | IN_MOVE_SELF) < 0) {
        const int err = errno;
        ::close(fd);
        return Error{Errc::io_error, fmt::format("cannot watch {}: {}", settings.directory, std::strerror(err))};
    }
    const int stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (stop_fd < 0) {
        const int err = errno;
        ::close(fd);
        return Error{Errc::io_error, fmt::format("eventfd: {}", std::strerror(err))};
    }
    std::unique_ptr<FileWatcher> w(new FileWatcher(std::move(settings), std::move(on_change), fd, stop_fd));
    w->thread_ = std::thread([raw = w.get()] { raw->run(); });
    return w;
}

FileWatcher::FileWatcher(Settings settings, OnChange on_change, int inotify_fd, int stop_fd)
    : settings_(std::move(settings)), on_change_(std::move(on_change)), inotify_fd_(inotify_fd), stop_fd_(stop_fd) {}

FileWatcher::~FileWatcher() {
    stop();
    ::close(inotify_fd_);
    ::close(stop_fd_);
}

void FileWatcher::stop() {
    std::call_once(stopped_, [this] {
        const std::uint64_t one = 1;
        [[maybe_unused]] auto n = ::write(stop_fd_, &one, sizeof one);
        if (thread_.joinable()) thread_.join();
    });
}

bool FileWatcher::drain_events(std::vector<std::string>& changed, int& hits) {
    alignas(inotify_event) char buf[16 * 1024];
    for (;;) {
        const ssize_t n = ::read(inotify_fd_, buf, sizeof buf);
        if (n <= 0) return true;  // EAGAIN: all read
        for (ssize_t off = 0; off < n;) {
            const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
            off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
            if (ev->mask & IN_Q_OVERFLOW) {  // events were lost: any file may have changed
                for (const auto& name : settings_.names) add_once(changed, name);
                ++hits;
                continue;
            }
            if (ev->mask & kGoneEvents) return false;
            if (ev->len == 0) continue;
            const std::string name(ev->name);
            if (std::find(settings_.names.begin(), settings_.names.end(), name) == settings_.names.end()) continue;
            add_once(changed, name);
            ++hits;
        }
    }
}

void FileWatcher::run() {
    using Clock = std::chrono::steady_clock;
    std::vector<std::string> changed;
    Clock::time_point due{};
    bool watching = true;
    for (;;) {
        int timeout = -1;
        if (!changed.empty()) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(due - Clock::now()).count();
            timeout = static_cast<int>(std::max<long long>(left, 0));
        }
        pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {inotify_fd_, static_cast<short>(watching ? POLLIN : 0), 0}};
        const int ready = ::poll(fds, 2, timeout);
        if (ready < 0 && errno != EINTR) {
            log::error("reload", "watching {} failed: {}", settings_.directory, std::strerror(errno));
            return;
        }
        if (fds[0].revents) return;
        if (watching && (fds[1].revents & POLLIN)) {
            int hits = 0;
            if (!drain_events(changed, hits)) {
                watching = false;
                log::warn("reload", "{} was removed or moved: no longer watching it; restart to watch again",
                          settings_.directory);
            }
            // Every event of a watched file restarts the quiet period, so a write in several pieces is one change.
            if (hits > 0) due = Clock::now() + settings_.debounce;
        }
        if (!changed.empty() && Clock::now() >= due) {
            on_change_(changed);
            changed.clear();
        }
    }
}

}  // namespace hector::app
