#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

#include "hector/common/result.hpp"

namespace hector::agent {

/// Fills the placeholders of an instruction (platform.md §7.1): `{key}` (session state), `{app:key}`,
/// `{user:key}`, `{temp:key}` (state stored under those prefixed keys), `{artifact.name}` (the `artifact.name`
/// state entry), each optionally ending in `?` (empty when missing). Other braces (JSON examples) are left alone.
/// A missing required key is an error: `instruction references missing state key "<key>"`.
/// Non-string values render as JSON.
Result<std::string> render_instruction(std::string_view text, const boost::json::object& state);

}  // namespace hector::agent
