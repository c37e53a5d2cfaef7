#include <cstdlib>

#include "hector/app/main.hpp"

#ifdef HECTOR_WITH_TCMALLOC
#include <gperftools/malloc_extension_c.h>
#endif

int main(int argc, char** argv) {
#ifdef HECTOR_WITH_TCMALLOC
    // tcmalloc lets its per-thread caches hold 32 MB together by default; 4 MB keeps the speed (docs/adr/allocator.md)
    // and ~10 MB of RSS under many open streams. The caller's own setting wins.
    if (!std::getenv("TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES"))
        MallocExtension_SetNumericProperty("tcmalloc.max_total_thread_cache_bytes", std::size_t{4} << 20);
#endif
    return hector::app::main(argc, argv);
}
