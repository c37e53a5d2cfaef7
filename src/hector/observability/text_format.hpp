#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// The pieces of the Prometheus text exposition format 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/): escaping and number spelling.
namespace hector::observability::text {

/// A HELP text: `\` → `\\`, newline → `\n`.
std::string escape_help(std::string_view text);
/// A label value: `\` → `\\`, `"` → `\"`, newline → `\n`.
std::string escape_label_value(std::string_view value);
/// A sample value or a bucket bound: integers without a fraction, others in their shortest exact form, and
/// `+Inf`, `-Inf`, `NaN`.
std::string format_value(double value);

/// Appends `{n1="v1",n2="v2"}` (escaped), or nothing when both lists are empty. `extra` follows `names`/`values`.
void append_labels(std::string& out, const std::vector<std::string>& names, const std::vector<std::string>& values,
                   const std::vector<std::pair<std::string, std::string>>& extra);

}  // namespace hector::observability::text
