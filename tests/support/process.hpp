#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace hector::test {

/// Runs the real `hector` binary (or another program) as a child process with stdout and stderr captured.
class Process {
  public:
    struct Options {
        std::string program;
        std::vector<std::string> args;
        std::string cwd;                         // empty = inherit
        std::map<std::string, std::string> env;  // added to (or replacing in) the parent's environment
        std::vector<std::string> unset_env;      // removed from the child's environment
    };

    explicit Process(Options options);
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    /// Waits until the captured output contains text; true if it did within timeout.
    bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout);
    std::string output() const;
    /// Sends a signal (SIGTERM by default).
    void signal(int sig = 15);
    /// Waits for exit; returns the exit code (or 128+signal), or nullopt on timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    bool running();
    int pid() const { return pid_; }

  private:
    void reader();
    int pid_ = -1;
    int out_fd_ = -1;
    std::optional<int> exit_code_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    bool output_closed_ = false;  // the reader saw the end of the pipe
    std::string output_;
    std::thread reader_;
};

/// A temporary directory removed at destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    const std::string& path() const { return path_; }
    /// Writes a file (creating parent directories) and returns its full path.
    std::string write(const std::string& relative, const std::string& content) const;

  private:
    std::string path_;
};

/// `build/hector serve --port 0` in a temp dir, with the port read from its "listening on" line.
class HectorServer {
  public:
    struct Options {
        std::string config_yaml;  // written to <dir>/config.yaml and passed with -c when non-empty
        std::vector<std::string> args;
        std::map<std::string, std::string> env;
        bool clear_provider_keys = true;  // unset OPENAI_API_KEY & co so the machine's keys never leak in
        std::string cwd;                  // run here instead of in a fresh temp dir
    };
    explicit HectorServer(Options options);
    ~HectorServer();

    int port() const { return port_; }
    /// The working directory (the temp dir unless Options::cwd was given).
    const std::string& cwd() const { return cwd_; }
    const TempDir& dir() const { return dir_; }
    Process& process() { return *process_; }
    /// SIGTERM and wait; returns the exit code.
    std::optional<int> stop(std::chrono::milliseconds timeout = std::chrono::seconds(40));

  private:
    TempDir dir_;
    std::unique_ptr<Process> process_;
    int port_ = 0;
    std::string cwd_;
};

}  // namespace hector::test
