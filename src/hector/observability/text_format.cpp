#include "hector/observability/text_format.hpp"

#include <fmt/format.h>

#include <cmath>

namespace hector::observability::text {

namespace {

void append_escaped(std::string& out, std::string_view text, bool quote) {
    for (char c : text) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '"':
                if (quote) {
                    out += "\\\"";
                    break;
                }
                [[fallthrough]];
            default:
                out.push_back(c);
        }
    }
}

void append_pair(std::string& out, bool& first, std::string_view name, std::string_view value) {
    out.push_back(first ? '{' : ',');
    first = false;
    out.append(name);
    out += "=\"";
    append_escaped(out, value, true);
    out.push_back('"');
}

}  // namespace

std::string escape_help(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    append_escaped(out, text, false);
    return out;
}

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    append_escaped(out, value, true);
    return out;
}

std::string format_value(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    // Integers up to 2^53 are exact in a double: print them without an exponent or a fraction.
    if (value == std::trunc(value) && std::fabs(value) < 9007199254740992.0)
        return fmt::format("{}", static_cast<long long>(value));
    return fmt::format("{}", value);  // shortest representation that reads back exactly
}

void append_labels(std::string& out, const std::vector<std::string>& names, const std::vector<std::string>& values,
                   const std::vector<std::pair<std::string, std::string>>& extra) {
    bool first = true;
    for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) append_pair(out, first, names[i], values[i]);
    for (const auto& [name, value] : extra) append_pair(out, first, name, value);
    if (!first) out.push_back('}');
}

}  // namespace hector::observability::text
