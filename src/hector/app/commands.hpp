#pragma once

#include <string>

#include "hector/app/options.hpp"

namespace hector::app {

int run_serve(const GlobalOptions& global, const ServeOptions& serve);
int run_validate(const GlobalOptions& global, const ValidateOptions& options);
int run_schema(bool compact);
int run_info(const GlobalOptions& global, const std::string& agent);

}  // namespace hector::app
