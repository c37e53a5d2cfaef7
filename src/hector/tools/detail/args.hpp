#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hector/common/result.hpp"

/// Typed access to a tool call's arguments. A wrong type or a missing required argument is an Error
/// (Errc::invalid_argument) whose message names the argument, so the tool can hand it to the model as is.
namespace hector::tools::detail {

/// A string argument; nullopt when absent or null.
Result<std::optional<std::string>> optional_string(const boost::json::object& args, std::string_view name);
Result<std::string> required_string(const boost::json::object& args, std::string_view name);

/// An integer argument. Integral floating-point values (5.0) are accepted, since models send them.
Result<std::optional<std::int64_t>> optional_int(const boost::json::object& args, std::string_view name);

/// A number argument (integer or floating point).
Result<std::optional<double>> optional_number(const boost::json::object& args, std::string_view name);

/// An array argument; nullptr when absent or null. The pointer refers into args.
Result<const boost::json::array*> optional_array(const boost::json::object& args, std::string_view name);

/// An object argument; nullptr when absent or null. The pointer refers into args.
Result<const boost::json::object*> optional_object(const boost::json::object& args, std::string_view name);

/// An integer from a JSON value (see optional_int), nullopt when it is not one.
std::optional<std::int64_t> as_int(const boost::json::value& v);

}  // namespace hector::tools::detail
