// docs/configuration.md carries a key reference generated from the config model (through its JSON Schema), so the
// documentation cannot drift from the code. When the model changes, this test fails; regenerate the reference with
//   HECTOR_UPDATE_DOCS=1 ./config_test --gtest_filter=Docs.*
// and review the diff.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "hector/common/strings.hpp"
#include "hector/config/schema.hpp"

namespace hector::config {
namespace {

namespace json = boost::json;

constexpr std::string_view kBegin = "<!-- BEGIN GENERATED REFERENCE (config_test Docs.*) -->\n";
constexpr std::string_view kEnd = "<!-- END GENERATED REFERENCE -->\n";

struct Section {
    std::string path;
    const json::object* schema;
};

std::string text_of(const json::value& v) {
    if (v.is_string()) return std::string(v.get_string());
    if (v.is_double()) return fmt::format("{}", v.get_double());
    if (v.is_array()) {
        std::string out = "[";
        for (const auto& item : v.get_array()) out += (out.size() > 1 ? ", " : "") + text_of(item);
        return out + "]";
    }
    return json::serialize(v);
}

std::string code(const std::string& s) {
    return s.find('`') == std::string::npos ? "`" + s + "`" : "``" + s + "``";
}

std::string range_of(const json::object& s) {
    std::string lo, hi;
    if (auto* m = s.if_contains("minimum")) lo = "≥ " + text_of(*m);
    if (auto* m = s.if_contains("exclusiveMinimum")) lo = "> " + text_of(*m);
    if (auto* m = s.if_contains("maximum")) hi = "≤ " + text_of(*m);
    if (lo.empty() && hi.empty()) return "";
    return " (" + lo + (lo.empty() || hi.empty() ? "" : ", ") + hi + ")";
}

std::string plural(std::string type) {
    if (type == "string") return "strings";
    if (type.starts_with("object")) return "objects" + type.substr(6);
    return type;
}

// A reader-facing type name; described objects are queued as sections of their own.
// "#/properties/observability/properties/tracing" → "observability.tracing"; map entries become <id>.
std::string path_of_pointer(std::string_view pointer) {
    std::string out;
    for (const auto& part : split(pointer.substr(pointer.find('/') + 1), '/')) {
        if (part == "properties") continue;
        out += (out.empty() ? "" : ".") + (part == "additionalProperties" ? std::string("<id>") : part);
    }
    return out;
}

std::string type_of(const json::object& s, const std::string& path, std::vector<Section>& sections) {
    if (auto* ref = s.if_contains("$ref")) return "object with the keys of " + code(path_of_pointer(text_of(*ref)));
    if (s.contains("properties")) {
        sections.push_back({path, &s});
        return "object, see " + code(path);
    }
    if (auto* add = s.if_contains("additionalProperties"); add && add->is_object()) {
        const auto& item = add->get_object();
        if (item.contains("$ref"))
            return "map: " + code("<id>") + " → an agent, with the keys of " + code("agents.<id>");
        // Top-level sections are keyed by the ids other sections refer to; nested maps by plain names.
        const std::string key = path.find('.') == std::string::npos ? "<id>" : "<name>";
        return "map: " + code(key) + " → " + type_of(item, path + "." + key, sections);
    }
    if (auto* t = s.if_contains("type"); t && *t == "array")
        return "list of " + plural(type_of(s.at("items").as_object(), path + "[]", sections));
    if (auto* any = s.if_contains("anyOf")) {
        const auto& first = any->as_array().at(0).as_object();
        if (auto* t = first.if_contains("type"); t && *t == "array")
            return "list of " + plural(type_of(first.at("items").as_object(), path + "[]", sections)) +
                   " (a single value is accepted)";
        if (auto* e = first.if_contains("enum")) {
            std::string values;
            for (const auto& v : e->as_array())
                if (!(v.is_string() && v.get_string().empty()) && !v.is_number())
                    values += (values.empty() ? "" : ", ") + code(text_of(v));
            return "one of " + values;
        }
        if (first.contains("pattern")) return "duration (30s, 5m, 1h30m; a number = seconds)";
        if (auto* t = first.if_contains("type")) return text_of(*t) + range_of(first);
    }
    if (auto* t = s.if_contains("type"); t && t->is_string()) return text_of(*t);
    return "any YAML value";
}

// Table cells: a | would end the cell, a newline the row.
std::string escape_cell(std::string s) {
    std::string out;
    for (char c : s) {
        if (c == '|') out += '\\';
        out += c == '\n' ? ' ' : c;
    }
    return out;
}

// Prose cells also lose their <placeholders> to the HTML renderer unless escaped.
std::string escape_prose(const std::string& s) {
    std::string out;
    for (char c : escape_cell(s)) {
        if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else
            out += c;
    }
    return out;
}

std::string table(const Section& section, std::vector<Section>& sections) {
    const auto& props = section.schema->at("properties").as_object();
    std::map<std::string, std::vector<std::string>> aliases;  // canonical key → other spellings
    for (const auto& kv : props) {
        const auto* d = kv.value().as_object().if_contains("description");
        if (d && d->is_string() && d->get_string().starts_with("Alias of "))
            aliases[std::string(d->get_string().subview(9))].emplace_back(kv.key());
    }
    std::set<std::string> required;
    if (auto* r = section.schema->if_contains("required"))
        for (const auto& k : r->as_array()) required.insert(std::string(k.get_string()));
    if (auto* all = section.schema->if_contains("allOf"))  // required fields that have other spellings
        for (const auto& alt : all->as_array())
            required.insert(std::string(alt.at("anyOf").at(0).at("required").at(0).get_string()));

    std::string out = "| Key | Type | Default | Meaning |\n|---|---|---|---|\n";
    for (const auto& kv : props) {
        const std::string key(kv.key());
        const auto& s = kv.value().as_object();
        const auto* d = s.if_contains("description");
        std::string doc = d && d->is_string() ? std::string(d->get_string()) : "";
        if (doc.starts_with("Alias of ")) continue;
        const std::string child = section.path.empty() ? key : section.path + "." + key;
        std::string type = type_of(s, child, sections);
        std::string def;
        if (auto* v = s.if_contains("default"); v && !(v->is_string() && v->get_string().empty()))
            def = code(text_of(*v));
        if (required.contains(key)) def = "required";
        if (auto it = aliases.find(key); it != aliases.end()) {
            doc += doc.empty() ? "" : ". ";
            doc += "Also accepted as ";
            for (std::size_t i = 0; i < it->second.size(); ++i) doc += (i ? ", " : "") + code(it->second[i]);
        }
        out += "| " + code(key) + " | " + escape_cell(type) + " | " + escape_cell(def) + " | " + escape_prose(doc) +
               " |\n";
    }
    return out;
}

std::string generate_reference() {
    const auto& root = json_schema().as_object();
    std::vector<Section> sections{{"", &root}};
    std::string out;
    for (std::size_t i = 0; i < sections.size(); ++i) {
        const Section section = sections[i];  // copied: table() appends to sections
        std::string body = table(section, sections);
        out += "\n### " + (section.path.empty() ? std::string("Top level") : code(section.path)) + "\n\n";
        if (auto* d = section.schema->if_contains("description"); d && !section.path.empty())
            out += escape_prose(text_of(*d)) + ".\n\n";
        out += body;
    }
    return out;
}

std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(Docs, ConfigurationReferenceMatchesTheModel) {
    const std::string path = HECTOR_SOURCE_DIR "/docs/configuration.md";
    std::string doc = read(path);
    ASSERT_FALSE(doc.empty()) << path << " is missing";
    auto begin = doc.find(kBegin);
    auto end = doc.find(kEnd);
    ASSERT_TRUE(begin != std::string::npos && end != std::string::npos && begin < end)
        << path << " lacks the generated-reference markers";
    begin += kBegin.size();
    const std::string expected = generate_reference() + "\n";
    if (doc.compare(begin, end - begin, expected) == 0) return;
    if (std::getenv("HECTOR_UPDATE_DOCS")) {
        doc.replace(begin, end - begin, expected);
        std::ofstream(path, std::ios::binary) << doc;
        GTEST_SKIP() << "rewrote the reference in " << path << "; review the diff";
    }
    FAIL() << "the key reference in " << path << " is out of date with the config model; run\n"
           << "  HECTOR_UPDATE_DOCS=1 config_test --gtest_filter=Docs.*\nand review the diff";
}

TEST(Docs, EveryKeyIsDocumented) {
    // Every field carries a description: the generated reference would otherwise have empty rows.
    std::vector<std::string> missing;
    std::function<void(const json::value&, const std::string&)> walk = [&](const json::value& v,
                                                                           const std::string& path) {
        if (!v.is_object()) return;
        const auto& o = v.get_object();
        if (auto* props = o.if_contains("properties"))
            for (const auto& kv : props->as_object()) {
                const std::string child = path.empty() ? std::string(kv.key()) : path + "." + std::string(kv.key());
                if (!kv.value().as_object().contains("description")) missing.push_back(child);
                walk(kv.value(), child);
            }
        for (auto key : {"items", "additionalProperties"})
            if (auto* sub = o.if_contains(key)) walk(*sub, path + "[]");
        if (auto* any = o.if_contains("anyOf"))
            for (const auto& alt : any->as_array()) walk(alt, path);
    };
    walk(json_schema(), "");
    EXPECT_TRUE(missing.empty()) << "fields without .doc in describe*.hpp: " << ::testing::PrintToString(missing);
}

}  // namespace
}  // namespace hector::config
