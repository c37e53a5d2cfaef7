#include "hector/config/detail/yaml_reader.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>

namespace hector::config::detail {

std::vector<YamlReader::Found> YamlReader::lookup(std::string_view key, const FieldOpts& opts) {
    std::vector<Found> canonical;
    std::vector<Found> aliased;
    for (auto it = node_.begin(); it != node_.end(); ++it) {
        if (!it->first.IsScalar()) continue;
        const std::string& k = it->first.Scalar();
        bool is_alias = std::find(opts.aliases.begin(), opts.aliases.end(), k) != opts.aliases.end();
        if (k != key && !is_alias) continue;
        consumed_.insert(k);
        (k == key ? canonical : aliased).push_back(Found{k, line_of(it->first), it->second});
    }
    canonical.insert(canonical.end(), aliased.begin(), aliased.end());
    return canonical;
}

void YamlReader::finish() {
    for (auto it = node_.begin(); it != node_.end(); ++it) {
        std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string("?");
        if (!consumed_.contains(key)) diag_.warn(join_path(path_, key), "unknown key");
    }
}

std::string node_kind(const YAML::Node& n) {
    switch (n.Type()) {
        case YAML::NodeType::Null:
            return "nothing";
        case YAML::NodeType::Scalar:
            return "\"" + n.Scalar() + "\"";
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Map:
            return "a mapping";
        default:
            return "nothing";
    }
}

int line_of(const YAML::Node& n) {
    return n.Mark().line + 1;
}

std::string required_message(const FieldOpts& opts) {
    if (opts.one_of.size() == 0) return "is required";
    std::string list;
    for (auto allowed : opts.one_of) {
        if (!list.empty()) list += ", ";
        list += allowed;
    }
    return "is required (one of " + list + ")";
}

bool decode_bool(const YAML::Node& n, bool& out) {
    const std::string& s = n.Scalar();
    static constexpr std::string_view kTrue[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
    static constexpr std::string_view kFalse[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
    for (auto t : kTrue)
        if (s == t) return out = true, true;
    for (auto f : kFalse)
        if (s == f) return out = false, true;
    return false;
}

void check_range(double value, const FieldOpts& opts, const std::string& path, Diagnostics& diag) {
    if (opts.min) {
        bool bad = opts.exclusive_min ? value <= *opts.min : value < *opts.min;
        if (bad) {
            diag.error(path, fmt::format("must be {} {}", opts.exclusive_min ? "greater than" : "at least", *opts.min));
            return;
        }
    }
    if (opts.max && value > *opts.max) diag.error(path, fmt::format("must be at most {}", *opts.max));
}

void check_enum(const std::string& value, const FieldOpts& opts, const std::string& path, Diagnostics& diag) {
    if (opts.one_of.size() == 0) return;
    for (auto allowed : opts.one_of)
        if (value == allowed) return;
    std::string list;
    for (auto allowed : opts.one_of) {
        if (!list.empty()) list += ", ";
        list += allowed;
    }
    diag.error(path, fmt::format("must be one of {} (got \"{}\")", list, value));
}

boost::json::value yaml_to_json(const YAML::Node& n) {
    switch (n.Type()) {
        case YAML::NodeType::Map: {
            boost::json::object o;
            for (auto it = n.begin(); it != n.end(); ++it) o[it->first.Scalar()] = yaml_to_json(it->second);
            return o;
        }
        case YAML::NodeType::Sequence: {
            boost::json::array a;
            for (const auto& item : n) a.push_back(yaml_to_json(item));
            return a;
        }
        case YAML::NodeType::Scalar: {
            const std::string& s = n.Scalar();
            if (n.Tag() == "!") return boost::json::string(s);  // quoted: always a string
            bool b;
            if (s == "true" || s == "false") return s == "true";
            if (decode_bool(n, b) && (s == "True" || s == "False" || s == "TRUE" || s == "FALSE")) return b;
            if (s == "null" || s == "~") return nullptr;
            std::int64_t i;
            auto r = std::from_chars(s.data(), s.data() + s.size(), i);
            if (!s.empty() && r.ec == std::errc{} && r.ptr == s.data() + s.size()) return i;
            double d;
            auto rd = std::from_chars(s.data(), s.data() + s.size(), d);
            if (!s.empty() && rd.ec == std::errc{} && rd.ptr == s.data() + s.size()) return d;
            return boost::json::string(s);
        }
        default:
            return nullptr;
    }
}

}  // namespace hector::config::detail
