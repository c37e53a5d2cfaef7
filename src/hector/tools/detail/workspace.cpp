#include "hector/tools/detail/workspace.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "hector/common/strings.hpp"

namespace hector::tools::detail {

namespace fs = std::filesystem;

namespace {

std::string in_quotes(std::string_view path) {
    return "\"" + std::string(path) + "\"";
}

Error sys_error(std::string_view what, const std::string& path, int err) {
    const Errc code = err == ENOENT ? Errc::not_found : Errc::io_error;
    return Error{code, fmt::format("{} {}: {}", what, in_quotes(path), std::strerror(err))};
}

std::optional<fs::path> real_path(const fs::path& p) {
    char buf[PATH_MAX];
    if (::realpath(p.c_str(), buf) == nullptr) return std::nullopt;
    return fs::path(buf);
}

// openat2 below `dir_fd`: the kernel refuses "..", absolute symlinks and symlinks leading outside (EXDEV).
// Returns -1 with errno ENOSYS when this kernel (or a seccomp filter) does not offer it.
int open_beneath(int dir_fd, const fs::path& rel, int flags, mode_t mode) {
    open_how how{};
    how.flags = static_cast<std::uint64_t>(flags);
    how.mode = ((flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE) ? mode : 0;  // else EINVAL
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    const long fd = ::syscall(SYS_openat2, dir_fd, rel.c_str(), &how, sizeof(how));
    if (fd < 0 && errno == EPERM) errno = ENOSYS;  // seccomp filters answer EPERM for unknown syscalls
    return static_cast<int>(fd);
}

std::atomic<std::uint64_t> g_temp_counter{0};

}  // namespace

UniqueFd::~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

Result<Workspace> Workspace::open(std::string_view dir) {
    const std::string d = dir.empty() ? std::string("./") : std::string(dir);
    auto real = real_path(d);
    if (!real) return sys_error("working_directory", d, errno);
    struct stat st {};
    if (::stat(real->c_str(), &st) != 0) return sys_error("working_directory", d, errno);
    if (!S_ISDIR(st.st_mode))
        return Error{Errc::invalid_argument, "working_directory " + in_quotes(d) + " is not a directory"};
    return Workspace(std::move(*real));
}

bool Workspace::contains(const fs::path& p) const {
    auto [r, q] = std::mismatch(root_.begin(), root_.end(), p.begin(), p.end());
    return r == root_.end();
}

std::string Workspace::relative(const fs::path& p) const {
    if (p == root_) return ".";
    if (!contains(p)) return p.string();
    return p.lexically_relative(root_).string();
}

Result<fs::path> Workspace::resolve(std::string_view path) const {
    if (path.empty()) return Error{Errc::invalid_argument, "the path is empty"};
    if (path.find('\0') != std::string_view::npos) return Error{Errc::invalid_argument, "the path contains a NUL byte"};
    const fs::path given{std::string(path)};
    for (const auto& part : given)
        if (part == "..") return Error{Errc::invalid_argument, "path " + in_quotes(path) + " may not contain \"..\""};

    fs::path abs = (given.is_absolute() ? given : root_ / given).lexically_normal();
    if (!abs.has_filename() && abs != abs.root_path()) abs = abs.parent_path();  // "dir/" → "dir"
    if (!contains(abs)) return Error{Errc::forbidden, "path " + in_quotes(path) + " is outside the working directory"};

    // The deepest existing ancestor decides where the path really leads: resolve it, then re-attach the rest.
    fs::path existing = abs;
    std::vector<fs::path> missing;
    for (;;) {
        struct stat st {};
        if (::lstat(existing.c_str(), &st) == 0) break;
        if (errno != ENOENT) return sys_error("cannot access", std::string(path), errno);
        if (existing == root_) return sys_error("cannot access", std::string(path), ENOENT);  // root vanished
        missing.push_back(existing.filename());
        existing = existing.parent_path();
    }
    auto real = real_path(existing);
    if (!real) {
        if (errno == ENOENT || errno == ELOOP)
            return Error{Errc::forbidden, "path " + in_quotes(path) + " is a symlink that cannot be resolved"};
        return sys_error("cannot resolve", std::string(path), errno);
    }
    if (!contains(*real))
        return Error{Errc::forbidden, "path " + in_quotes(path) + " resolves outside the working directory"};
    fs::path out = std::move(*real);
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) out /= *it;
    return out;
}

Result<UniqueFd> Workspace::open_file(const fs::path& p, int flags, mode_t mode) const {
    if (!contains(p))
        return Error{Errc::forbidden, "path " + in_quotes(p.string()) + " is outside the working directory"};
    flags |= O_CLOEXEC | O_NOFOLLOW;
    UniqueFd root_fd(::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root_fd) return sys_error("cannot open", root_.string(), errno);
    const fs::path rel = p == root_ ? fs::path(".") : p.lexically_relative(root_);
    int fd = open_beneath(root_fd.get(), rel, flags, mode);
    if (fd < 0 && errno == ENOSYS) fd = ::open(p.c_str(), flags, mode);
    if (fd < 0) {
        if (errno == EXDEV || errno == ELOOP)
            return Error{Errc::forbidden, "path " + in_quotes(relative(p)) + " leads outside the working directory"};
        return sys_error("cannot open", relative(p), errno);
    }
    return UniqueFd(fd);
}

Result<std::string> Workspace::read_file(const fs::path& p, std::size_t max_bytes) const {
    auto fd = open_file(p, O_RDONLY | O_NONBLOCK);  // O_NONBLOCK: a FIFO must not hang the pool thread
    if (!fd) return std::move(fd).error();
    struct stat st {};
    if (::fstat(fd->get(), &st) != 0) return sys_error("cannot stat", relative(p), errno);
    if (S_ISDIR(st.st_mode)) return Error{Errc::invalid_argument, in_quotes(relative(p)) + " is a directory"};
    if (!S_ISREG(st.st_mode)) return Error{Errc::invalid_argument, in_quotes(relative(p)) + " is not a regular file"};
    if (static_cast<std::uint64_t>(st.st_size) > max_bytes)
        return Error{Errc::payload_too_large, fmt::format("{} is {} bytes, more than the limit of {} bytes",
                                                          in_quotes(relative(p)), st.st_size, max_bytes)};
    std::string data;
    data.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < data.size()) {
        const ssize_t n = ::read(fd->get(), data.data() + got, data.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return sys_error("cannot read", relative(p), errno);
        if (n == 0) break;  // the file shrank meanwhile
        got += static_cast<std::size_t>(n);
    }
    data.resize(got);
    return data;
}

Status Workspace::write_file(const fs::path& p, std::string_view content) const {
    auto dir = open_file(p.parent_path(), O_PATH | O_DIRECTORY);
    if (!dir) return std::move(dir).error();
    const std::string name = p.filename().string();
    mode_t mode = 0644;
    struct stat st {};
    if (::fstatat(dir->get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISDIR(st.st_mode)) return Error{Errc::invalid_argument, in_quotes(relative(p)) + " is a directory"};
        if (!S_ISREG(st.st_mode))
            return Error{Errc::invalid_argument, in_quotes(relative(p)) + " is not a regular file"};
        mode = st.st_mode & 07777;
    }
    const std::string temp =
        fmt::format(".{}.hector-{}-{}.tmp", name.substr(0, 64), ::getpid(), g_temp_counter.fetch_add(1));
    UniqueFd out(::openat(dir->get(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (!out) return sys_error("cannot create a file beside", relative(p), errno);
    auto fail = [&](int err) {
        ::unlinkat(dir->get(), temp.c_str(), 0);
        return sys_error("cannot write", relative(p), err);
    };
    (void)::fchmod(out.get(), mode);  // the umask may have narrowed it
    for (std::size_t done = 0; done < content.size();) {
        const ssize_t n = ::write(out.get(), content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail(errno);
        done += static_cast<std::size_t>(n);
    }
    if (::close(out.release()) != 0) return fail(errno);
    if (::renameat(dir->get(), temp.c_str(), dir->get(), name.c_str()) != 0) return fail(errno);
    return {};
}

Status Workspace::remove_file(const fs::path& p) const {
    auto dir = open_file(p.parent_path(), O_PATH | O_DIRECTORY);
    if (!dir) return std::move(dir).error();
    if (::unlinkat(dir->get(), p.filename().c_str(), 0) != 0) return sys_error("cannot remove", relative(p), errno);
    return {};
}

bool looks_binary(std::string_view data) {
    if (data.substr(0, 8192).find('\0') != std::string_view::npos) return true;
    return !is_valid_utf8(data);
}

}  // namespace hector::tools::detail
