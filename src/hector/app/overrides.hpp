#pragma once

#include <string>
#include <vector>

#include "hector/app/options.hpp"
#include "hector/common/result.hpp"
#include "hector/config/model.hpp"

namespace hector::app {

/// Applies the transient `serve` overrides of platform.md §1.7 (--host, --port, --metrics, --observe, --no-stream,
/// --storage/--storage-db, --auth-*) to a loaded config: on every start and on every reload, never written to the
/// file. Errors name the flag; what is only worth a warning is appended to `warnings`.
Status apply_overrides(config::Config& config, const ServeOptions& serve, std::vector<std::string>& warnings);

}  // namespace hector::app
