// The conformance suite on the backends that need no server.
#include "store_conformance.hpp"

namespace hector::store::testing {

INSTANTIATE_TEST_SUITE_P(Local, StoreConformance,
                         ::testing::Values(memory_backend(), sqlite_backend(), sqlite_backend(0)), backend_name);

}  // namespace hector::store::testing
