#include "support/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <stdexcept>

extern char** environ;

namespace hector::test {

namespace fs = std::filesystem;

Process::Process(Options options) {
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");

    std::map<std::string, std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string kv(*e);
        auto eq = kv.find('=');
        if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& k : options.unset_env) env.erase(k);
    for (const auto& [k, v] : options.env) env[k] = v;
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> argv_strings{options.program};
    argv_strings.insert(argv_strings.end(), options.args.begin(), options.args.end());
    std::vector<char*> argv;
    for (auto& s : argv_strings) argv.push_back(s.data());
    argv.push_back(nullptr);

    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        dup2(pipefd[1], 1);
        dup2(pipefd[1], 2);
        setpgid(0, 0);
        if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) _exit(126);
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    close(pipefd[1]);
    out_fd_ = pipefd[0];
    reader_ = std::thread([this] { reader(); });
}

Process::~Process() {
    if (running()) {
        ::kill(pid_, SIGKILL);
        wait(std::chrono::seconds(5));
    }
    if (reader_.joinable()) reader_.join();
    if (out_fd_ >= 0) close(out_fd_);
}

void Process::reader() {
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(out_fd_, buf, sizeof buf);
        if (n <= 0) break;
        std::lock_guard lock(mu_);
        output_.append(buf, static_cast<std::size_t>(n));
        cv_.notify_all();
    }
    std::lock_guard lock(mu_);
    output_closed_ = true;
    cv_.notify_all();
}

bool Process::wait_for_output(const std::string& text, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return output_.find(text) != std::string::npos; });
}

std::string Process::output() const {
    std::lock_guard lock(mu_);
    return output_;
}

void Process::signal(int sig) {
    if (pid_ > 0 && !exit_code_) ::kill(pid_, sig);
}

std::optional<int> Process::wait(std::chrono::milliseconds timeout) {
    if (exit_code_) return exit_code_;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        pid_t r = waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            // What it wrote just before exiting may still be in the pipe: let the reader take it all (bounded, in
            // case a child it left behind holds the pipe open).
            std::unique_lock lock(mu_);
            cv_.wait_for(lock, std::chrono::seconds(2), [&] { return output_closed_; });
            return exit_code_;
        }
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

bool Process::running() {
    return !wait(std::chrono::milliseconds(0)).has_value();
}

TempDir::TempDir() {
    std::random_device rd;
    auto base = fs::temp_directory_path() / ("hector-test-" + std::to_string(rd()) + std::to_string(getpid()));
    fs::create_directories(base);
    path_ = base.string();
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& relative, const std::string& content) const {
    auto p = fs::path(path_) / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
}

HectorServer::HectorServer(Options options) {
    Process::Options p;
    p.program = HECTOR_BINARY;
    cwd_ = options.cwd.empty() ? dir_.path() : options.cwd;
    p.cwd = cwd_;
    p.args = {"serve", "--port", "0", "--host", "127.0.0.1"};
    if (!options.config_yaml.empty()) {
        std::ofstream(fs::path(cwd_) / "config.yaml", std::ios::binary) << options.config_yaml;
        p.args.insert(p.args.begin(), {"--config", "config.yaml"});
    }
    p.args.insert(p.args.end(), options.args.begin(), options.args.end());
    p.env = options.env;
    p.env["HOME"] = cwd_;  // keep ~/.env and ~/.hector/.env of the machine out
    p.env["OLLAMA_HOST"] = p.env.count("OLLAMA_HOST") ? p.env["OLLAMA_HOST"] : "http://127.0.0.1:1";
    if (options.clear_provider_keys) {
        for (const char* k : {"OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "HECTOR_AUTH_SECRET", "MCP_URL"})
            if (!options.env.count(k)) p.unset_env.push_back(k);
    }
    process_ = std::make_unique<Process>(std::move(p));
    bool listening = false;
    for (int i = 0; i < 200 && !listening; ++i) {
        listening = process_->wait_for_output("listening on http://", std::chrono::milliseconds(100));
        if (!listening && !process_->running()) break;
    }
    if (!listening) throw std::runtime_error("hector did not start:\n" + process_->output());
    std::smatch m;
    std::string out = process_->output();
    if (!std::regex_search(out, m, std::regex(R"(listening on http://[^\s:]+:(\d+))")))
        throw std::runtime_error("no port in output:\n" + out);
    port_ = std::stoi(m[1]);
}

HectorServer::~HectorServer() {
    if (!process_) return;
    if (process_->running()) {
        stop(std::chrono::seconds(10));
        if (std::getenv("HECTOR_TEST_VERBOSE"))
            std::fprintf(stderr, "hector output:\n%s\n", process_->output().c_str());
    } else {
        // It died under the test: show why.
        std::fprintf(stderr, "hector exited early (code %d); its output:\n%s\n", process_->wait({}).value_or(-1),
                     process_->output().c_str());
    }
}

std::optional<int> HectorServer::stop(std::chrono::milliseconds timeout) {
    process_->signal(SIGTERM);
    return process_->wait(timeout);
}

}  // namespace hector::test
