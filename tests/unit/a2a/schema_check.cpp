#include "unit/a2a/schema_check.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

namespace hector::a2a::testing {

namespace {

bool has_type(const json::value& v, std::string_view type) {
    if (type == "object") return v.is_object();
    if (type == "array") return v.is_array();
    if (type == "string") return v.is_string();
    if (type == "boolean") return v.is_bool();
    if (type == "null") return v.is_null();
    if (type == "number") return v.is_number();
    if (type == "integer") {
        return v.is_int64() || v.is_uint64() || (v.is_double() && std::trunc(v.get_double()) == v.get_double());
    }
    return false;
}

}  // namespace

SchemaCheck::SchemaCheck() {
    std::ifstream in(std::string(HECTOR_SPEC_DIR) + "/a2a-v0.3.0.schema.json");
    if (!in) return;
    std::stringstream ss;
    ss << in.rdbuf();
    auto doc = parse_json(ss.str(), 256);
    if (!doc || !doc->is_object()) return;
    if (const auto* defs = get_object(doc->get_object(), "definitions")) definitions_ = *defs;
}

std::vector<std::string> SchemaCheck::check(const json::value& v, std::string_view definition) const {
    std::vector<std::string> out;
    const auto* def = definitions_.if_contains(definition);
    if (!def) {
        out.push_back("no definition " + std::string(definition));
        return out;
    }
    check_node(v, *def, "$", out);
    return out;
}

void SchemaCheck::check_node(const json::value& v, const json::value& schema, const std::string& path,
                             std::vector<std::string>& out) const {
    const auto* s = schema.if_object();
    if (!s) return;
    if (auto ref = get_string(*s, "$ref")) {
        constexpr std::string_view kPrefix = "#/definitions/";
        const auto* def = definitions_.if_contains(ref->substr(kPrefix.size()));
        if (!def) {
            out.push_back(path + ": unresolved " + std::string(*ref));
            return;
        }
        check_node(v, *def, path, out);
    }
    if (const auto* any = get_array(*s, "anyOf")) {
        bool matched = false;
        for (const auto& branch : *any) {
            std::vector<std::string> errs;
            check_node(v, branch, path, errs);
            if (errs.empty()) {
                matched = true;
                break;
            }
        }
        if (!matched) out.push_back(path + ": matches no anyOf branch");
    }
    if (const auto* type = s->if_contains("type")) {
        bool ok = false;
        if (type->is_string()) ok = has_type(v, sv(type->get_string()));
        if (const auto* types = type->if_array()) {
            for (const auto& t : *types) ok = ok || (t.is_string() && has_type(v, sv(t.get_string())));
        }
        if (!ok) {
            out.push_back(path + ": wrong type, want " + hector::to_json(*type));
            return;
        }
    }
    if (const auto* c = s->if_contains("const"); c && *c != v) out.push_back(path + ": must be " + hector::to_json(*c));
    if (const auto* e = get_array(*s, "enum")) {
        bool found = false;
        for (const auto& item : *e) found = found || item == v;
        if (!found) out.push_back(path + ": not in enum");
    }
    if (const auto* o = v.if_object()) {
        if (const auto* req = get_array(*s, "required")) {
            for (const auto& k : *req) {
                if (k.is_string() && !o->contains(k.get_string())) {
                    out.push_back(path + ": missing required \"" + std::string(k.get_string()) + "\"");
                }
            }
        }
        const auto* props = get_object(*s, "properties");
        const auto* extra = s->if_contains("additionalProperties");
        for (const auto& kv : *o) {
            const std::string child = path + "." + std::string(kv.key());
            if (props && props->contains(kv.key())) {
                check_node(kv.value(), props->at(kv.key()), child, out);
            } else if (extra && extra->is_bool() && !extra->get_bool()) {
                out.push_back(child + ": not allowed");
            } else if (extra) {
                check_node(kv.value(), *extra, child, out);
            }
        }
    }
    if (const auto* a = v.if_array()) {
        if (const auto* items = s->if_contains("items")) {
            for (std::size_t i = 0; i < a->size(); ++i) {
                check_node((*a)[i], *items, path + "[" + std::to_string(i) + "]", out);
            }
        }
    }
}

}  // namespace hector::a2a::testing
