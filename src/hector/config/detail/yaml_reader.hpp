#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "hector/common/time.hpp"
#include "hector/config/detail/field.hpp"
#include "hector/config/diagnostics.hpp"
#include "hector/config/types.hpp"

namespace hector::config::detail {

/// Reads one YAML mapping into a described struct; records errors with their path and warns on unknown keys.
class YamlReader {
  public:
    YamlReader(const YAML::Node& node, std::string path, Diagnostics& diag)
        : node_(node), path_(std::move(path)), diag_(diag) {}

    template <class T>
    void operator()(std::string_view key, T& member, const FieldOpts& opts = {});

    /// Warns about every key that no field consumed.
    void finish();

  private:
    struct Found {
        std::string key;  // the spelling used: the field's name or one of its aliases
        int line = 0;     // 1-based line of the key
        YAML::Node value;
    };
    /// Every entry whose key is the field's name or an alias, in document order; the canonical name first.
    std::vector<Found> lookup(std::string_view key, const FieldOpts& opts);

    const YAML::Node& node_;
    std::string path_;
    Diagnostics& diag_;
    std::set<std::string, std::less<>> consumed_;
};

boost::json::value yaml_to_json(const YAML::Node& n);
std::string node_kind(const YAML::Node& n);

template <class T>
concept Described = requires(T& t, YamlReader& r) {
    describe(r, t);
};

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};
template <class T>
struct is_map : std::false_type {};
template <class T>
struct is_map<OrderedMap<T>> : std::true_type {};
template <class T>
struct is_nested : std::false_type {};
template <class T>
struct is_nested<NestedMap<T>> : std::true_type {};

void check_range(double value, const FieldOpts& opts, const std::string& path, Diagnostics& diag);
void check_enum(const std::string& value, const FieldOpts& opts, const std::string& path, Diagnostics& diag);
bool decode_bool(const YAML::Node& n, bool& out);
std::string required_message(const FieldOpts& opts);
int line_of(const YAML::Node& n);

template <class T>
void decode(const YAML::Node& n, T& out, const std::string& path, Diagnostics& diag, const FieldOpts& opts) {
    if constexpr (std::is_same_v<T, std::string>) {
        // An empty choice keeps the default ("visibility:" means public), as the schema's "" entry says.
        const bool choice = opts.one_of.size() > 0;
        if (n.IsNull()) {
            if (!choice) out.clear();
        } else if (!n.IsScalar()) {
            diag.error(path, "expected a string, got " + node_kind(n));
        } else if (!n.Scalar().empty() || !choice) {
            out = n.Scalar();
            if (!out.empty()) check_enum(out, opts, path, diag);
        }
    } else if constexpr (std::is_same_v<T, bool>) {
        if (!n.IsScalar() || !decode_bool(n, out)) diag.error(path, "expected true or false, got " + node_kind(n));
    } else if constexpr (std::is_integral_v<T>) {
        const std::string s = n.IsScalar() ? n.Scalar() : std::string();
        std::int64_t v = 0;
        auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        if (!n.IsScalar() || s.empty() || r.ec != std::errc{} || r.ptr != s.data() + s.size()) {
            diag.error(path, "expected an integer, got " + node_kind(n));
            return;
        }
        if (v < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
            v > static_cast<std::int64_t>(std::numeric_limits<T>::max())) {
            diag.error(path, fmt::format("{} is out of range", v));
            return;
        }
        out = static_cast<T>(v);
        check_range(static_cast<double>(v), opts, path, diag);
    } else if constexpr (std::is_floating_point_v<T>) {
        const std::string s = n.IsScalar() ? n.Scalar() : std::string();
        double v = 0;
        auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        if (!n.IsScalar() || s.empty() || r.ec != std::errc{} || r.ptr != s.data() + s.size()) {
            diag.error(path, "expected a number, got " + node_kind(n));
            return;
        }
        out = v;
        check_range(v, opts, path, diag);
    } else if constexpr (std::is_same_v<T, Millis>) {
        auto d = n.IsScalar() ? parse_duration(n.Scalar()) : std::nullopt;
        if (!d || d->count() < 0) {
            diag.error(path, "expected a duration such as 30s, 5m or 1h30m, got " + node_kind(n));
            return;
        }
        out = *d;
    } else if constexpr (std::is_same_v<T, Json>) {
        out.value = yaml_to_json(n);
    } else if constexpr (std::is_same_v<T, WordList>) {
        out.items.clear();
        if (n.IsSequence()) {
            for (std::size_t i = 0; i < n.size(); ++i) {
                std::string item;
                decode(n[i], item, fmt::format("{}[{}]", path, i), diag, FieldOpts{});
                out.items.push_back(std::move(item));
            }
        } else if (n.IsScalar()) {
            std::string word;
            for (char c : n.Scalar()) {
                if (c == ' ' || c == ',' || c == '\t' || c == '\n') {
                    if (!word.empty()) out.items.push_back(std::move(word));
                    word.clear();
                } else {
                    word.push_back(c);
                }
            }
            if (!word.empty()) out.items.push_back(std::move(word));
        } else if (!n.IsNull()) {
            diag.error(path, "expected a list or a string, got " + node_kind(n));
        }
    } else if constexpr (is_optional<T>::value) {
        if (n.IsNull()) {
            out.reset();
            return;
        }
        typename T::value_type v{};
        decode(n, v, path, diag, opts);
        out = std::move(v);
    } else if constexpr (is_vector<T>::value) {
        out.clear();
        if (n.IsNull()) return;
        if (n.IsSequence()) {
            for (std::size_t i = 0; i < n.size(); ++i) {
                typename T::value_type item{};
                decode(n[i], item, fmt::format("{}[{}]", path, i), diag, opts);
                out.push_back(std::move(item));
            }
        } else if constexpr (std::is_same_v<typename T::value_type, std::string>) {
            if (n.IsScalar()) {
                // A single value where a list is expected ("methods: POST").
                std::string item;
                decode(n, item, path, diag, opts);
                out.push_back(std::move(item));
            } else {
                diag.error(path, "expected a list, got " + node_kind(n));
            }
        } else {
            diag.error(path, "expected a list, got " + node_kind(n));
        }
    } else if constexpr (is_map<T>::value) {
        if (n.IsNull()) return;
        if (!n.IsMap()) {
            diag.error(path, "expected a mapping, got " + node_kind(n));
            return;
        }
        std::map<std::string, int, std::less<>> lines;  // key → line of its first definition
        for (auto it = n.begin(); it != n.end(); ++it) {
            std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
            if (key.empty()) {
                diag.error(path, "mapping keys must be non-empty strings");
                continue;
            }
            auto [first, fresh] = lines.emplace(key, line_of(it->first));
            if (!fresh) {
                // YAML forbids duplicate keys; the later entry is still checked so every typo shows at once.
                diag.error(join_path(path, key),
                           fmt::format("duplicate key (first defined at line {})", first->second));
                typename T::mapped_type scratch{};
                decode(it->second, scratch, join_path(path, key), diag, FieldOpts{});
                continue;
            }
            auto& slot = out[key];
            decode(it->second, slot, join_path(path, key), diag, FieldOpts{});
        }
    } else if constexpr (is_nested<T>::value) {
        decode(n, out.items, path, diag, FieldOpts{});
    } else if constexpr (Described<T>) {
        if (n.IsNull()) return;
        if (!n.IsMap()) {
            diag.error(path, "expected a mapping, got " + node_kind(n));
            return;
        }
        YamlReader reader(n, path, diag);
        describe(reader, out);
        reader.finish();
    } else {
        static_assert(sizeof(T) == 0, "no YAML decoder for this type");
    }
}

template <class T>
void YamlReader::operator()(std::string_view key, T& member, const FieldOpts& opts) {
    std::vector<Found> found = lookup(key, opts);
    if (found.empty()) {
        if (opts.required) diag_.error(join_path(path_, key), required_message(opts));
        return;
    }
    const Found& used = found.front();
    decode(used.value, member, join_path(path_, used.key), diag_, opts);
    for (std::size_t i = 1; i < found.size(); ++i) {
        const Found& other = found[i];
        const std::string path = join_path(path_, other.key);
        if (other.key == used.key)
            diag_.error(path, fmt::format("duplicate key (first defined at line {})", used.line));
        else
            diag_.warn(path, fmt::format("ignored: \"{}\" is also set", used.key));
        // The ignored entry is still checked, so a typo inside it is reported too.
        T scratch{};
        decode(other.value, scratch, path, diag_, opts);
    }
}

}  // namespace hector::config::detail
