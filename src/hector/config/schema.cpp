#include "hector/config/schema.hpp"

#include <boost/json/serialize.hpp>

#include <charconv>

#include "hector/common/json.hpp"
#include "hector/common/time.hpp"
#include "hector/config/detail/describe.hpp"
#include "hector/config/detail/yaml_reader.hpp"

namespace hector::config {

namespace {

using detail::FieldOpts;
namespace json = boost::json;

constexpr std::string_view kEnvPattern = R"(^.*\$\{[A-Za-z_][A-Za-z0-9_]*(:[^}]*)?\}.*$)";
constexpr std::string_view kDurationPattern = R"(^[-+]?([0-9]*\.?[0-9]+(ns|us|µs|ms|s|m|h|d))+$)";

class SchemaWriter;

template <class T>
concept SchemaDescribed = requires(T& t, SchemaWriter& w) {
    describe(w, t);
};

// A typed scalar may also be written as an ${ENV} reference, substituted at load time.
json::object or_env(json::object typed) {
    json::object env{{"type", "string"}, {"pattern", kEnvPattern}};
    json::object out;
    std::string description;
    if (auto* d = typed.if_contains("description")) {
        out["description"] = *d;
        typed.erase("description");
    }
    if (auto* d = typed.if_contains("default")) {
        out["default"] = *d;
        typed.erase("default");
    }
    out["anyOf"] = json::array{typed, env};
    return out;
}

template <class T>
json::object schema_for(T& value, const FieldOpts& opts);

// Whole bounds as integers: "minimum": 1 rather than 1E0.
json::value number(double v) {
    if (v == static_cast<double>(static_cast<std::int64_t>(v))) return static_cast<std::int64_t>(v);
    return v;
}

class SchemaWriter {
  public:
    template <class T>
    void operator()(std::string_view key, T& member, const FieldOpts& opts = {}) {
        json::object s = schema_for(member, opts);
        if (!opts.doc.empty()) s["description"] = opts.doc;
        if (opts.required) s.erase("default");  // a required field has no default to show
        properties_[key] = s;
        for (auto alias : opts.aliases) {
            json::object a = s;
            a["description"] = "Alias of " + std::string(key);
            properties_[alias] = a;
        }
        if (!opts.required) return;
        if (opts.aliases.size() == 0) {
            required_.push_back(json::string(key));
            return;
        }
        // Any one spelling satisfies a required field that has aliases.
        json::array spellings{json::object{{"required", json::array{json::string(key)}}}};
        for (auto alias : opts.aliases)
            spellings.push_back(json::object{{"required", json::array{json::string(alias)}}});
        one_of_spellings_.push_back(json::object{{"anyOf", std::move(spellings)}});
    }

    json::object finish() {
        // An empty section (`server:` with nothing under it) is null in YAML; the loader keeps its defaults.
        json::object o{{"type", json::array{"object", "null"}},
                       {"properties", std::move(properties_)},
                       {"additionalProperties", false}};
        if (!required_.empty()) o["required"] = std::move(required_);
        if (!one_of_spellings_.empty()) o["allOf"] = std::move(one_of_spellings_);
        return o;
    }

  private:
    json::object properties_;
    json::array required_;
    json::array one_of_spellings_;
};

template <class T>
json::object schema_for(T& value, const FieldOpts& opts) {
    if constexpr (!detail::is_nested<T>::value) {
        // Another spelling of a section defined elsewhere in the schema.
        if (!opts.schema_ref.empty()) return {{"$ref", json::string(opts.schema_ref)}};
    }
    if constexpr (std::is_same_v<T, std::string>) {
        json::object s{{"type", "string"}};
        if (!value.empty() && !opts.secret) s["default"] = value;
        if (opts.one_of.size() == 0) return s;
        json::array e;
        for (auto v : opts.one_of) {
            e.push_back(json::string(v));
            // YAML reads `version: 2` as a number; the loader accepts it, so the schema must too.
            double parsed = 0;
            auto r = std::from_chars(v.data(), v.data() + v.size(), parsed);
            if (r.ec == std::errc{} && r.ptr == v.data() + v.size()) e.push_back(number(parsed));
        }
        e.push_back("");  // empty means "use the default"
        s.erase("type");
        s["enum"] = e;
        return or_env(s);
    } else if constexpr (std::is_same_v<T, bool>) {
        return or_env({{"type", "boolean"}, {"default", value}});
    } else if constexpr (std::is_integral_v<T>) {
        json::object s{{"type", "integer"}, {"default", value}};
        if (opts.min) (opts.exclusive_min ? s["exclusiveMinimum"] : s["minimum"]) = number(*opts.min);
        if (opts.max) s["maximum"] = number(*opts.max);
        return or_env(s);
    } else if constexpr (std::is_floating_point_v<T>) {
        json::object s{{"type", "number"}, {"default", value}};
        if (opts.min) (opts.exclusive_min ? s["exclusiveMinimum"] : s["minimum"]) = number(*opts.min);
        if (opts.max) s["maximum"] = number(*opts.max);
        return or_env(s);
    } else if constexpr (std::is_same_v<T, Millis>) {
        json::array any{json::object{{"type", "string"}, {"pattern", kDurationPattern}},
                        json::object{{"type", "number"}, {"minimum", 0}},
                        json::object{{"type", "string"}, {"pattern", kEnvPattern}}};
        json::object s;
        s["anyOf"] = std::move(any);
        s["default"] = format_duration(value);
        return s;
    } else if constexpr (std::is_same_v<T, Json>) {
        return {};
    } else if constexpr (std::is_same_v<T, WordList>) {
        json::object s;
        s["anyOf"] = json::array{json::object{{"type", "string"}},
                                 json::object{{"type", "array"}, {"items", json::object{{"type", "string"}}}}};
        return s;
    } else if constexpr (detail::is_optional<T>::value) {
        typename T::value_type inner{};
        json::object s = schema_for(inner, opts);
        s.erase("default");
        return s;
    } else if constexpr (detail::is_vector<T>::value) {
        typename T::value_type item{};
        json::object items = schema_for(item, opts);
        items.erase("default");
        json::object s{{"type", "array"}, {"items", items}};
        if constexpr (std::is_same_v<typename T::value_type, std::string>) {
            // A single string is accepted where a list is expected.
            json::object either;
            either["anyOf"] = json::array{s, items};
            if (!value.empty()) {
                json::array d;
                for (const auto& v : value) d.push_back(json::string(v));
                either["default"] = d;
            }
            return either;
        }
        return s;
    } else if constexpr (detail::is_nested<T>::value) {
        // Recursive: the entries follow a definition given elsewhere in the schema.
        json::object s{{"type", json::array{"object", "null"}},
                       {"additionalProperties", json::object{{"$ref", opts.schema_ref}}}};
        if (!opts.key_pattern.empty()) s["propertyNames"] = json::object{{"pattern", opts.key_pattern}};
        return s;
    } else if constexpr (detail::is_map<T>::value) {
        typename T::mapped_type item{};
        json::object items = schema_for(item, FieldOpts{});
        json::object s{{"type", json::array{"object", "null"}}, {"additionalProperties", items}};
        if (!opts.key_pattern.empty()) s["propertyNames"] = json::object{{"pattern", opts.key_pattern}};
        return s;
    } else if constexpr (SchemaDescribed<T>) {
        SchemaWriter w;
        describe(w, value);
        return w.finish();
    } else {
        static_assert(sizeof(T) == 0, "no schema for this type");
    }
}

}  // namespace

const json::value& json_schema() {
    static const json::value schema = [] {
        Config defaults;
        SchemaWriter w;
        describe(w, defaults);
        json::object root = w.finish();
        json::object out{{"$schema", "http://json-schema.org/draft-07/schema#"},
                         {"$id", "https://hector.dev/schemas/config.json"},
                         {"title", "Hector Configuration Schema"},
                         {"description", "Configuration file of the Hector agent server (.hector/config.yaml)"}};
        for (auto& kv : root) out[kv.key()] = kv.value();
        out["type"] = "object";
        return json::value(std::move(out));
    }();
    return schema;
}

std::string json_schema_text(bool compact) {
    if (compact) return json::serialize(json_schema()) + "\n";
    return to_pretty_json(json_schema());
}

}  // namespace hector::config
