#include "hector/tools/detail/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

#include "hector/common/logging.hpp"
#include "hector/net/io.hpp"
#include "hector/tools/detail/text.hpp"

namespace hector::tools::detail {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

/// What posix_spawn produced. Plain descriptors: they are handed to asio right after.
struct Spawned {
    pid_t pid = -1;
    int pidfd = -1;
    int out = -1;
    int err = -1;
    std::string error;
};

// Blocking only for the few milliseconds vfork + exec take.
Spawned spawn(const ProcessSpec& spec) {
    Spawned s;
    int out[2] = {-1, -1};
    int err[2] = {-1, -1};
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
        s.error = std::string("pipe: ") + std::strerror(errno);
        for (int fd : {out[0], out[1], err[0], err[1]})
            if (fd >= 0) ::close(fd);
        return s;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);  // nothing of ours leaks into the child
    posix_spawn_file_actions_addchdir_np(&actions, spec.cwd.c_str());

    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Its own session, so the whole group can be signalled; default dispositions and no blocked signals, whatever
    // the server set for itself (SIGPIPE ignored, signals blocked in I/O threads).
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    sigset_t all;
    sigfillset(&all);
    posix_spawnattr_setsigdefault(&attr, &all);

    std::vector<char*> argv;
    for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (const auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);

    const int rc = ::posix_spawn(&s.pid, spec.executable.c_str(), &actions, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(out[1]);
    ::close(err[1]);
    if (rc != 0) {
        s.error = "cannot start " + spec.executable + ": " + std::strerror(rc);
        ::close(out[0]);
        ::close(err[0]);
        s.pid = -1;
        return s;
    }
    s.out = out[0];
    s.err = err[0];
    s.pidfd = static_cast<int>(::syscall(SYS_pidfd_open, s.pid, 0));  // -1 on old kernels: polled instead
    if (s.pidfd >= 0) ::fcntl(s.pidfd, F_SETFD, FD_CLOEXEC);
    return s;
}

/// One output stream: what is kept for the result, what was produced in all.
struct Capture {
    std::string kept;
    std::size_t total = 0;
    std::string pending;  // an incomplete UTF-8 sequence waiting for its next bytes before going to progress
};

/// Shared by the supervisor and its helper coroutines; touched only on the private strand.
struct RunState {
    RunState(const asio::any_io_executor& ex, pid_t child, std::size_t limit,
             std::function<void(std::string_view)> on_progress)
        : wake(ex, Clock::time_point::max()),
          out(ex),
          err(ex),
          pid(child),
          max_output(limit),
          progress(std::move(on_progress)) {}

    asio::steady_timer wake;  // the supervisor sleeps on it; helpers cancel it when something changed
    asio::posix::stream_descriptor out;
    asio::posix::stream_descriptor err;
    Capture out_capture;
    Capture err_capture;
    pid_t pid;
    std::size_t max_output;
    std::function<void(std::string_view)> progress;  // reset when run_process returns
    int open_pipes = 2;
    bool exited = false;     // the child is a zombie (or was reaped elsewhere): its pid and group id stay ours
    bool reap_lost = false;  // someone else reaped it: its pid may already be reused, never signal it
    bool abandoned = false;  // the supervisor returned before the exit: the exit watcher reaps

    // Destroyed before the child was seen to exit only when the io_context goes away mid-call (or the child is
    // stuck in the kernel): the group must not outlive its supervisor.
    ~RunState() {
        if (!exited) signal_group(SIGKILL);
    }
    RunState(const RunState&) = delete;
    RunState& operator=(const RunState&) = delete;

    void notify() { wake.cancel(); }

    void signal_group(int sig) const {
        if (!reap_lost) ::kill(-pid, sig);
    }

    bool finished() const { return exited && open_pipes == 0; }
};

void take(RunState& s, Capture& c, std::string_view data) {
    c.total += data.size();
    if (c.kept.size() >= s.max_output) return;  // past the limit: drained, not kept
    const std::string_view piece = data.substr(0, s.max_output - c.kept.size());
    c.kept.append(piece);
    if (!s.progress) return;
    c.pending.append(piece);
    const std::size_t ready = complete_utf8_prefix(c.pending);
    if (ready == 0) return;
    const std::string text = to_valid_utf8(std::string_view(c.pending).substr(0, ready));
    c.pending.erase(0, ready);
    try {
        s.progress(text);
    } catch (const std::exception& e) {
        log::warn("tools", "bash progress callback failed: {}", e.what());
    }
}

asio::awaitable<void> read_pipe(std::shared_ptr<RunState> s, bool is_err) {
    auto& pipe = is_err ? s->err : s->out;
    auto& capture = is_err ? s->err_capture : s->out_capture;
    std::array<char, 64 * 1024> buf;
    for (;;) {
        auto [ec, n] = co_await pipe.async_read_some(asio::buffer(buf), use_tuple);
        if (n > 0) take(*s, capture, std::string_view(buf.data(), n));
        if (ec) break;  // end of file, or closed by the supervisor
    }
    boost::system::error_code ignored;
    pipe.close(ignored);
    --s->open_pipes;
    s->notify();
}

/// Waits until the child has exited, without reaping it (so its pid and group id cannot be reused meanwhile).
asio::awaitable<void> watch_exit(std::shared_ptr<RunState> s, int pidfd) {
    auto ex = co_await asio::this_coro::executor;
    if (pidfd >= 0) {
        asio::posix::stream_descriptor fd(ex, pidfd);
        co_await fd.async_wait(asio::posix::stream_descriptor::wait_read, use_tuple);
    } else {
        asio::steady_timer poll(ex);
        for (;;) {
            siginfo_t info{};
            if (::waitid(P_PID, static_cast<id_t>(s->pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
                s->reap_lost = true;  // ECHILD: reaped elsewhere (SIGCHLD ignored, or a foreign waitpid)
                break;
            }
            if (info.si_pid == s->pid) break;
            poll.expires_after(20ms);
            co_await poll.async_wait(use_tuple);
        }
    }
    s->exited = true;
    if (s->abandoned) ::waitpid(s->pid, nullptr, WNOHANG);
    s->notify();
}

/// Sleeps until a helper reports a change, the deadline passes, or the awaiting coroutine is cancelled.
asio::awaitable<void> sleep_until(RunState& s, Clock::time_point deadline) {
    s.wake.expires_at(deadline);
    co_await s.wake.async_wait(use_tuple);
}

/// Waits (bounded) for the child to exit and its pipes to close.
asio::awaitable<void> wait_finished(RunState& s, Clock::time_point deadline) {
    while (!s.finished() && Clock::now() < deadline) co_await sleep_until(s, deadline);
}

std::string result_text(const Capture& c) {
    if (c.total <= c.kept.size()) return to_valid_utf8(c.kept);
    const std::string_view kept(c.kept);
    const std::size_t whole = complete_utf8_prefix(kept);  // do not end inside a character
    return to_valid_utf8(kept.substr(0, whole)) + truncation_marker(c.total - whole);
}

int exit_code_of(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

// Runs on its own strand, with throw_if_cancelled off: a cancellation only wakes it, and the cleanup below still
// runs (and awaits) after one.
asio::awaitable<ProcessOutcome> supervise(ProcessSpec spec, ProcessLimits limits,
                                          std::function<void(std::string_view)> progress, asio::thread_pool* blocking) {
    co_await asio::this_coro::throw_if_cancelled(false);
    asio::cancellation_state cancellation = co_await asio::this_coro::cancellation_state;
    auto cancelled = [&] { return cancellation.cancelled() != asio::cancellation_type::none; };
    auto ex = co_await asio::this_coro::executor;
    ProcessOutcome outcome;
    if (cancelled()) {
        outcome.end = ProcessEnd::cancelled;
        co_return outcome;
    }
    const auto started = Clock::now();
    Spawned spawned;
    if (blocking != nullptr)
        spawned = co_await net::run_blocking(*blocking, [&spec] { return spawn(spec); });
    else
        spawned = spawn(spec);
    if (spawned.pid < 0) {
        outcome.end = ProcessEnd::failed_to_start;
        outcome.error = std::move(spawned.error);
        co_return outcome;
    }

    auto s = std::make_shared<RunState>(ex, spawned.pid, limits.max_output_bytes, std::move(progress));
    s->out.assign(spawned.out);
    s->err.assign(spawned.err);
    asio::co_spawn(ex, read_pipe(s, false), asio::detached);
    asio::co_spawn(ex, read_pipe(s, true), asio::detached);
    asio::co_spawn(ex, watch_exit(s, spawned.pidfd), asio::detached);

    // Until the child exits (then its pipes get `drain` to close), the deadline passes, or a cancel.
    const auto deadline = started + limits.timeout;
    std::optional<Clock::time_point> drain_until;
    while (!s->finished()) {
        if (cancelled()) {
            outcome.end = ProcessEnd::cancelled;
            break;
        }
        const auto now = Clock::now();
        if (s->exited) {
            if (!drain_until) drain_until = now + limits.drain;
            if (now >= *drain_until) break;
            co_await sleep_until(*s, *drain_until);
        } else {
            if (now >= deadline) {
                outcome.end = ProcessEnd::timed_out;
                break;
            }
            co_await sleep_until(*s, deadline);
        }
    }
    if (outcome.end != ProcessEnd::exited) {
        s->signal_group(SIGTERM);
        co_await wait_finished(*s, Clock::now() + limits.kill_grace);
        if (!s->finished()) {
            s->signal_group(SIGKILL);
            co_await wait_finished(*s, Clock::now() + limits.kill_grace);
        }
    }
    // Leftovers of the group (background jobs) die with the call. The child is not reaped yet, so the group id is
    // still ours to signal.
    s->signal_group(SIGKILL);
    boost::system::error_code ignored;
    s->out.close(ignored);  // pending reads complete with operation_aborted; what was read is kept
    s->err.close(ignored);
    if (s->exited && !s->reap_lost) {
        int status = 0;
        if (::waitpid(s->pid, &status, WNOHANG) == s->pid) outcome.exit_code = exit_code_of(status);
    } else if (!s->exited) {
        s->abandoned = true;  // stuck in the kernel even after SIGKILL: watch_exit reaps it later
        log::warn("tools", "process {} did not exit after SIGKILL; it will be reaped when it does", s->pid);
    }
    s->progress = nullptr;
    outcome.out = result_text(s->out_capture);
    outcome.err = result_text(s->err_capture);
    co_return outcome;
}

}  // namespace

asio::awaitable<ProcessOutcome> run_process(ProcessSpec spec, ProcessLimits limits,
                                            std::function<void(std::string_view)> progress,
                                            asio::thread_pool* blocking) {
    // A cancel that reached the caller before this point (say, while the command was being checked) has already
    // been emitted: the supervisor below would never hear of it, so honour it here.
    if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) {
        ProcessOutcome outcome;
        outcome.end = ProcessEnd::cancelled;
        co_return outcome;
    }
    auto strand = asio::make_strand(co_await asio::this_coro::executor);

    // co_spawn forwards this coroutine's cancellation slot into the supervisor.
    co_return co_await asio::co_spawn(strand, supervise(std::move(spec), limits, std::move(progress), blocking),
                                      asio::use_awaitable);
}

}  // namespace hector::tools::detail
