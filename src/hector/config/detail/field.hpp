#pragma once

#include <initializer_list>
#include <optional>
#include <string_view>

namespace hector::config::detail {

/// What a describe() function says about one field, beyond its name and C++ type.
struct FieldOpts {
    std::string_view doc{};
    std::initializer_list<std::string_view> one_of{};  // allowed values of a string field
    std::optional<double> min{};                       // inclusive bounds of a number field
    std::optional<double> max{};
    bool exclusive_min = false;
    std::initializer_list<std::string_view> aliases{};  // other spellings accepted on input
    bool required = false;
    bool secret = false;             // masked when the config is printed
    std::string_view key_pattern{};  // maps: the regex every key must match
    std::string_view schema_ref{};   // JSON pointer of a definition the field follows (recursive or repeated)
};

}  // namespace hector::config::detail
