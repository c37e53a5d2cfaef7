#pragma once

#include <boost/json/value.hpp>

#include <string>

namespace hector::config {

/// The draft-07 JSON Schema of the config file, generated from the same field descriptions that drive loading.
const boost::json::value& json_schema();
/// json_schema() serialised: indented, or on one line when compact.
std::string json_schema_text(bool compact);

}  // namespace hector::config
