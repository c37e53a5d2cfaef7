#pragma once

namespace hector::app {

/// `hector serve` runs with a larger glibc per-thread allocation cache (glibc.malloc.tcache_count=100 instead of 7):
/// the A2A path allocates and frees many small objects across threads, and with the default cache a third of a
/// blocking message/send's CPU went to malloc and free. glibc reads tunables only at process start, so the first
/// call re-executes the binary once with GLIBC_TUNABLES extended; after that re-execution it restores the caller's
/// GLIBC_TUNABLES so that processes hector starts (tools) inherit the environment it was given.
///
/// Call first thing in the executable's main(), before any thread exists. Does nothing for other commands, when
/// GLIBC_TUNABLES already sets tcache_count, when HECTOR_MALLOC_TUNING=off, or when the re-execution fails.
void tune_malloc(int argc, char** argv);

}  // namespace hector::app
