#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

/// Child processes for the bash tool: spawned without a shell of our own, supervised without blocking an I/O thread.
namespace hector::tools::detail {

struct ProcessSpec {
    std::string executable;         // absolute path
    std::vector<std::string> argv;  // argv[0] included
    std::vector<std::string> env;   // the whole environment, "NAME=value"
    std::string cwd;
};

struct ProcessLimits {
    std::chrono::milliseconds timeout{600000};
    std::size_t max_output_bytes = 1024 * 1024;  // per stream
    std::chrono::milliseconds kill_grace{300};   // SIGTERM → SIGKILL, and SIGKILL → giving up on the pipes
    std::chrono::milliseconds drain{250};        // after the child exits, how long its pipes may stay open
};

enum class ProcessEnd { exited, timed_out, cancelled, failed_to_start };

struct ProcessOutcome {
    ProcessEnd end = ProcessEnd::exited;
    int exit_code = -1;  // 128 + N when signal N ended it; -1 when unknown (not reaped, or reaped elsewhere)
    std::string out;     // stdout: valid UTF-8, at most max_output_bytes, then the truncation marker
    std::string err;     // stderr, likewise
    std::string error;   // failed_to_start: why
};

/// Runs `spec` to its end. The child gets its own session and process group (setsid), stdin from /dev/null,
/// exactly `spec.env`, and no other descriptor of ours. Its stdout and stderr are read asynchronously (descriptors
/// on a private strand), captured up to max_output_bytes each and drained to the end past that, so the child never
/// blocks on a full pipe; captured text is also passed to `progress` (valid UTF-8, in order, never after
/// run_process returns, possibly on another I/O thread than the caller's).
///
/// On timeout, or when the awaiting coroutine's cancellation slot fires, the group gets SIGTERM, then SIGKILL after
/// kill_grace; the call returns within about 2 × kill_grace. When the child exits, its pipes get `drain` to reach
/// end-of-file (a background process may hold them), then whatever is left of its group is killed. The child is
/// reaped with waitpid(WNOHANG) once its pidfd (or a WNOWAIT poll) reports the exit, so no thread ever waits on it.
/// posix_spawn runs on `blocking` when given.
boost::asio::awaitable<ProcessOutcome> run_process(ProcessSpec spec, ProcessLimits limits,
                                                   std::function<void(std::string_view)> progress,
                                                   boost::asio::thread_pool* blocking);

}  // namespace hector::tools::detail
