#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "support/process.hpp"

namespace hector::test {

/// Runs `promtool check metrics` (Debian's prometheus package, installed by scripts/install-deps) on `text`.
/// Returns its exit code and output; exit code -1 when promtool could not be run.
struct PromtoolResult {
    int exit_code = -1;
    std::string output;
};

inline PromtoolResult promtool_check(const std::string& text) {
    TempDir dir;
    const auto file = dir.write("metrics.txt", text);
    const std::string command = "promtool check metrics < '" + file + "' 2>&1";
    PromtoolResult out;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return out;
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.output.append(buf, n);
    const int status = ::pclose(pipe);
    out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

}  // namespace hector::test
