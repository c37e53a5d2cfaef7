#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include "hector/common/result.hpp"

namespace hector::tools::detail {

/// An owned file descriptor, closed on destruction.
class UniqueFd {
  public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    ~UniqueFd();
    UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept;
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }
    explicit operator bool() const { return fd_ >= 0; }

  private:
    int fd_ = -1;
};

/// The directory the file tools and bash are confined to (`working_directory`, platform.md §5.1), resolved to its
/// real path once. A path from the model may be relative to it or absolute inside it; `..` components, absolute
/// paths outside it and symlinks resolving outside it are refused. Files are opened with openat2(RESOLVE_BENEATH)
/// below the root, or O_NOFOLLOW where the kernel lacks it, so a symlink swapped in after the check still cannot
/// lead outside.
///
/// Immutable and copyable: thread-safe. Every function that touches the file system blocks (call it on the blocking
/// pool).
class Workspace {
  public:
    /// Resolves `dir` (relative to the server's working directory) to its real path. Fails when it does not exist or
    /// is not a directory.
    static Result<Workspace> open(std::string_view dir);

    const std::filesystem::path& root() const { return root_; }

    /// Confines `path`: the returned path is absolute, inside the root, and its existing part has no symlinks.
    /// Errors are Errc::invalid_argument (empty, "..") or Errc::forbidden (outside), naming the path.
    Result<std::filesystem::path> resolve(std::string_view path) const;

    /// `p` relative to the root, for messages and listings ("." for the root itself).
    std::string relative(const std::filesystem::path& p) const;

    /// True when `p` (absolute, normalised) is the root or below it.
    bool contains(const std::filesystem::path& p) const;

    /// Opens a resolved path below the root (flags as for open(2); O_CLOEXEC and O_NOFOLLOW are added).
    Result<UniqueFd> open_file(const std::filesystem::path& p, int flags, mode_t mode = 0644) const;

    /// Reads a regular file of at most max_bytes (Errc::payload_too_large beyond, naming the size).
    Result<std::string> read_file(const std::filesystem::path& p, std::size_t max_bytes) const;

    /// Replaces (or creates) a regular file atomically: a temporary file beside it, then rename. Keeps the mode
    /// of the file it replaces. The parent directory must exist.
    Status write_file(const std::filesystem::path& p, std::string_view content) const;

    /// Removes a file (not a directory).
    Status remove_file(const std::filesystem::path& p) const;

  private:
    explicit Workspace(std::filesystem::path root) : root_(std::move(root)) {}
    std::filesystem::path root_;
};

/// True when `data` looks binary: a NUL byte in its first 8 KiB, or invalid UTF-8.
bool looks_binary(std::string_view data);

}  // namespace hector::tools::detail
