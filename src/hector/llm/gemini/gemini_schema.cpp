#include "hector/llm/gemini/gemini_schema.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "hector/common/json.hpp"

namespace hector::llm {

namespace json = boost::json;

namespace {

constexpr int kMaxDepth = 24;
constexpr std::string_view kCopied[] = {"title",         "description", "minItems", "maxItems",        "minLength",
                                        "maxLength",     "pattern",     "minimum",  "maximum",         "minProperties",
                                        "maxProperties", "default",     "example",  "propertyOrdering"};

std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

bool format_supported(std::string_view type, std::string_view format) {
    if (type == "STRING") return format == "date-time" || format == "enum";
    if (type == "INTEGER") return format == "int32" || format == "int64";
    if (type == "NUMBER") return format == "float" || format == "double";
    return false;
}

bool is_null_schema(const json::value& v) {
    if (!v.is_object()) return false;
    const auto* t = v.as_object().if_contains("type");
    return t && t->is_string() && t->get_string() == "null";
}

class Converter {
  public:
    explicit Converter(const json::value& root) {
        if (!root.is_object()) return;
        defs_ = get_object(root.as_object(), "$defs");
        if (!defs_) defs_ = get_object(root.as_object(), "definitions");
    }

    json::object convert(const json::value& node, int depth) {
        if (!node.is_object() || depth > kMaxDepth) return {};
        const auto& in = node.as_object();
        if (auto ref = get_string(in, "$ref")) {
            if (const auto* target = lookup(*ref)) return inline_ref(*ref, *target, in, depth);
        }
        json::object out;
        read_type(in, out);
        for (auto key : kCopied)
            if (const auto* v = in.if_contains(key)) out[key] = *v;
        read_enum(in, out);
        if (const auto* props = get_object(in, "properties")) read_properties(in, *props, out, depth);
        if (const auto* items = in.if_contains("items")) {
            if (items->is_array() && !items->as_array().empty())
                out["items"] = convert(items->as_array().front(), depth + 1);
            else if (items->is_object())
                out["items"] = convert(*items, depth + 1);
        }
        for (auto key : {"anyOf", "oneOf"})
            if (const auto* alts = get_array(in, key)) read_alternatives(*alts, out, depth);
        if (const auto* all = get_array(in, "allOf"))
            for (const auto& part : *all) merge(convert(part, depth + 1), out);
        if (!out.contains("type") && !out.contains("anyOf")) infer_type(out);
        read_format(in, out);
        return out;
    }

  private:
    const json::object* lookup(std::string_view ref) const {
        if (!defs_) return nullptr;
        for (std::string_view prefix : {"#/$defs/", "#/definitions/"})
            if (ref.substr(0, prefix.size()) == prefix) return get_object(*defs_, ref.substr(prefix.size()));
        return nullptr;
    }

    /// Replaces a $ref by its target (the $ref's siblings, like a description, win). A reference back into a
    /// definition being expanded is cut off as a bare OBJECT, so recursive schemas stay finite.
    json::object inline_ref(std::string_view ref, const json::object& target, const json::object& in, int depth) {
        if (std::find(active_.begin(), active_.end(), ref) != active_.end()) return json::object{{"type", "OBJECT"}};
        json::object merged = target;
        for (const auto& [k, v] : in)
            if (k != "$ref") merged[k] = v;
        active_.emplace_back(ref);
        auto out = convert(json::value(std::move(merged)), depth + 1);
        active_.pop_back();
        return out;
    }

    static void read_type(const json::object& in, json::object& out) {
        const auto* t = in.if_contains("type");
        if (!t) return;
        if (t->is_string()) {
            if (t->get_string() == "null")
                out["nullable"] = true;
            else
                out["type"] = upper(sv(t->get_string()));
            return;
        }
        if (!t->is_array()) return;
        json::array types;
        for (const auto& each : t->as_array()) {
            if (!each.is_string()) continue;
            if (each.get_string() == "null")
                out["nullable"] = true;
            else
                types.push_back(json::object{{"type", upper(sv(each.get_string()))}});
        }
        if (types.size() == 1)
            out["type"] = types[0].as_object().at("type");
        else if (types.size() > 1)
            out["anyOf"] = std::move(types);
    }

    static void read_enum(const json::object& in, json::object& out) {
        json::array values;
        if (const auto* c = in.if_contains("const")) {
            values.push_back(*c);
        } else if (const auto* e = get_array(in, "enum")) {
            values = *e;
        } else {
            return;
        }
        if (values.empty() || !std::all_of(values.begin(), values.end(), [](const auto& v) { return v.is_string(); }))
            return;
        out["enum"] = std::move(values);
        if (!out.contains("type")) out["type"] = "STRING";
    }

    void read_properties(const json::object& in, const json::object& props, json::object& out, int depth) {
        json::object converted;
        for (const auto& [name, schema] : props) converted[name] = convert(schema, depth + 1);
        json::array required;
        if (const auto* req = get_array(in, "required"))
            for (const auto& r : *req)
                if (r.is_string() && converted.contains(r.get_string())) required.push_back(r);
        out["properties"] = std::move(converted);
        if (!required.empty()) out["required"] = std::move(required);
    }

    /// Null alternatives make the schema nullable; a single remaining alternative is the schema itself.
    void read_alternatives(const json::array& alts, json::object& out, int depth) {
        json::array kept;
        for (const auto& alt : alts) {
            if (is_null_schema(alt))
                out["nullable"] = true;
            else
                kept.push_back(convert(alt, depth + 1));
        }
        if (kept.size() == 1)
            merge(std::move(kept[0].as_object()), out);
        else if (!kept.empty())
            out["anyOf"] = std::move(kept);
    }

    /// Folds one schema into another: properties and required lists are joined, other keys fill gaps.
    static void merge(json::object from, json::object& into) {
        for (auto& [k, v] : from) {
            if (k == "properties" && v.is_object() && into.contains("properties")) {
                for (auto& [name, s] : v.as_object()) into["properties"].as_object()[name] = s;
            } else if (k == "required" && v.is_array() && into.contains("required")) {
                for (auto& r : v.as_array()) into["required"].as_array().push_back(r);
            } else if (!into.contains(k)) {
                into[k] = std::move(v);
            }
        }
    }

    static void infer_type(json::object& out) {
        if (out.contains("properties"))
            out["type"] = "OBJECT";
        else if (out.contains("items"))
            out["type"] = "ARRAY";
    }

    static void read_format(const json::object& in, json::object& out) {
        auto format = get_string(in, "format");
        auto type = get_string(out, "type");
        if (format && type && format_supported(*type, *format)) out["format"] = *format;
    }

    const json::object* defs_ = nullptr;
    std::vector<std::string> active_;  // the $refs being expanded on the current path
};

}  // namespace

json::object to_gemini_schema(const json::value& schema) {
    Converter converter(schema);
    return converter.convert(schema, 0);
}

std::optional<json::object> gemini_parameters(const json::value& schema) {
    auto out = to_gemini_schema(schema);
    const auto* props = get_object(out, "properties");
    if (!props || props->empty()) return std::nullopt;
    out["type"] = "OBJECT";
    return out;
}

}  // namespace hector::llm
