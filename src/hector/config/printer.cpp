#include <yaml-cpp/yaml.h>

#include "hector/common/time.hpp"
#include "hector/config/detail/describe.hpp"
#include "hector/config/detail/yaml_reader.hpp"
#include "hector/config/loader.hpp"

namespace hector::config {

namespace {

namespace json = boost::json;
using detail::FieldOpts;

class JsonWriter;
template <class T>
concept JsonDescribed = requires(T& t, JsonWriter& w) {
    describe(w, t);
};

template <class T>
json::value encode(T& value, const FieldOpts& opts);

class JsonWriter {
  public:
    template <class T>
    void operator()(std::string_view key, T& member, const FieldOpts& opts = {}) {
        if constexpr (detail::is_optional<T>::value) {
            if (!member) return;
        } else if constexpr (detail::is_nested<T>::value) {
            if (member.items.empty()) return;  // finalize() has moved the children to the top level
        }
        out_[key] = encode(member, opts);
    }
    json::object take() { return std::move(out_); }

  private:
    json::object out_;
};

template <class T>
json::value encode(T& value, const FieldOpts& opts) {
    if constexpr (std::is_same_v<T, std::string>) {
        if (opts.secret && !value.empty()) return "********";
        return json::string(value);
    } else if constexpr (std::is_same_v<T, bool> || std::is_arithmetic_v<T>) {
        return json::value(value);
    } else if constexpr (std::is_same_v<T, Millis>) {
        return json::string(format_duration(value));
    } else if constexpr (std::is_same_v<T, Json>) {
        return value.value;
    } else if constexpr (std::is_same_v<T, WordList>) {
        json::array a;
        for (auto& s : value.items) a.push_back(json::string(s));
        return a;
    } else if constexpr (detail::is_optional<T>::value) {
        if (!value) return nullptr;
        return encode(*value, opts);
    } else if constexpr (detail::is_vector<T>::value) {
        json::array a;
        for (auto& item : value) a.push_back(encode(item, opts));
        return a;
    } else if constexpr (detail::is_nested<T>::value) {
        return encode(value.items, opts);
    } else if constexpr (detail::is_map<T>::value) {
        json::object o;
        for (auto& [k, v] : value) o[k] = encode(v, opts);
        return o;
    } else if constexpr (JsonDescribed<T>) {
        JsonWriter w;
        describe(w, value);
        return w.take();
    } else {
        static_assert(sizeof(T) == 0, "no JSON encoder for this type");
    }
}

void emit(YAML::Emitter& out, const json::value& v) {
    switch (v.kind()) {
        case json::kind::object:
            out << YAML::BeginMap;
            for (const auto& kv : v.get_object()) {
                out << YAML::Key << std::string(kv.key()) << YAML::Value;
                emit(out, kv.value());
            }
            out << YAML::EndMap;
            break;
        case json::kind::array:
            out << YAML::BeginSeq;
            for (const auto& item : v.get_array()) emit(out, item);
            out << YAML::EndSeq;
            break;
        case json::kind::string: {
            const auto& s = v.get_string();
            out << std::string(s.data(), s.size());
            break;
        }
        case json::kind::bool_:
            out << v.get_bool();
            break;
        case json::kind::int64:
            out << v.get_int64();
            break;
        case json::kind::uint64:
            out << v.get_uint64();
            break;
        case json::kind::double_:
            out << v.get_double();
            break;
        case json::kind::null:
            out << YAML::Null;
            break;
    }
}

}  // namespace

json::value to_json(const Config& config) {
    Config copy = config;
    return encode(copy, FieldOpts{});
}

std::string to_yaml(const json::value& v) {
    YAML::Emitter out;
    out.SetIndent(2);
    out.SetDoublePrecision(15);  // 0.85, not 0.84999999999999998
    emit(out, v);
    return std::string(out.c_str()) + "\n";
}

}  // namespace hector::config
