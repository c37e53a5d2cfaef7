// The store interfaces are header-only; this translation unit anchors the target.
#include "hector/store/session_store.hpp"
#include "hector/store/task_store.hpp"
