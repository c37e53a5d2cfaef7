#pragma once

namespace hector::app {

/// The whole `hector` command line. Returns the process exit code: 0 success, 1 config or validation error,
/// 2 usage error.
int main(int argc, char** argv);

}  // namespace hector::app
