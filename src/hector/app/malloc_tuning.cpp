#include "hector/app/malloc_tuning.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace hector::app {

namespace {

constexpr const char* kTunables = "GLIBC_TUNABLES";
constexpr const char* kTcache = "glibc.malloc.tcache_count=100";
// Set across the re-execution: the caller's GLIBC_TUNABLES ("-" when it had none).
constexpr const char* kSaved = "HECTOR_CALLER_GLIBC_TUNABLES";

bool serving(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (std::string_view(argv[i]) == "serve") return true;
    return false;
}

}  // namespace

void tune_malloc(int argc, char** argv) {
    if (const char* saved = std::getenv(kSaved)) {
        // The re-executed process: glibc has read the tunables; give the caller's environment back.
        if (std::string_view(saved) == "-")
            unsetenv(kTunables);
        else
            setenv(kTunables, saved, 1);
        unsetenv(kSaved);
        // The kernel named the process after the file executed, "exe": give it back the name it was started
        // under, which ps, top, pgrep and killall show (threads started later inherit it).
        if (argc > 0 && argv[0] != nullptr) {
            std::string_view name(argv[0]);
            if (auto slash = name.rfind('/'); slash != std::string_view::npos) name.remove_prefix(slash + 1);
            if (!name.empty()) prctl(PR_SET_NAME, std::string(name.substr(0, 15)).c_str(), 0, 0, 0);
        }
        return;
    }
    if (!serving(argc, argv)) return;
    if (const char* off = std::getenv("HECTOR_MALLOC_TUNING"); off && std::string_view(off) == "off") return;
    const char* current = std::getenv(kTunables);
    if (current && std::strstr(current, "glibc.malloc.tcache_count")) return;  // the caller chose
    std::string tunables = current && *current ? std::string(current) + ":" + kTcache : std::string(kTcache);
    if (setenv(kSaved, current ? current : "-", 1) != 0 || setenv(kTunables, tunables.c_str(), 1) != 0) return;
    execv("/proc/self/exe", argv);
    // Not re-executed (no /proc, a sandbox): run as we are, with the environment as it was.
    if (current)
        setenv(kTunables, current, 1);
    else
        unsetenv(kTunables);
    unsetenv(kSaved);
}

}  // namespace hector::app
