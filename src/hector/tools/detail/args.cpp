#include "hector/tools/detail/args.hpp"

#include <cmath>
#include <limits>

namespace hector::tools::detail {

namespace json = boost::json;

namespace {

Error wrong_type(std::string_view name, std::string_view expected) {
    return Error{Errc::invalid_argument, "argument \"" + std::string(name) + "\" must be " + std::string(expected)};
}

const json::value* present(const json::object& args, std::string_view name) {
    const json::value* v = args.if_contains(name);
    return (v == nullptr || v->is_null()) ? nullptr : v;
}

}  // namespace

std::optional<std::int64_t> as_int(const json::value& v) {
    if (v.is_int64()) return v.get_int64();
    if (v.is_uint64()) {
        if (v.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
        return static_cast<std::int64_t>(v.get_uint64());
    }
    if (v.is_double()) {
        const double d = v.get_double();
        if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9.0e15) return static_cast<std::int64_t>(d);
    }
    return std::nullopt;
}

Result<std::optional<std::string>> optional_string(const json::object& args, std::string_view name) {
    const json::value* v = present(args, name);
    if (v == nullptr) return std::optional<std::string>();
    if (!v->is_string()) return wrong_type(name, "a string");
    return std::optional<std::string>(std::string(v->get_string()));
}

Result<std::string> required_string(const json::object& args, std::string_view name) {
    const json::value* v = present(args, name);
    if (v == nullptr) return Error{Errc::invalid_argument, "missing required argument \"" + std::string(name) + "\""};
    if (!v->is_string()) return wrong_type(name, "a string");
    return std::string(v->get_string());
}

Result<std::optional<std::int64_t>> optional_int(const json::object& args, std::string_view name) {
    const json::value* v = present(args, name);
    if (v == nullptr) return std::optional<std::int64_t>();
    auto n = as_int(*v);
    if (!n) return wrong_type(name, "an integer");
    return std::optional<std::int64_t>(*n);
}

Result<std::optional<double>> optional_number(const json::object& args, std::string_view name) {
    const json::value* v = present(args, name);
    if (v == nullptr) return std::optional<double>();
    if (!v->is_number()) return wrong_type(name, "a number");
    return std::optional<double>(v->to_number<double>());
}

Result<const json::array*> optional_array(const json::object& args, std::string_view name) {
    const json::value* v = present(args, name);
    if (v == nullptr) return static_cast<const json::array*>(nullptr);
    if (!v->is_array()) return wrong_type(name, "an array");
    return &v->get_array();
}

Result<const json::object*> optional_object(const json::object& args, std::string_view name) {
    const json::value* v = present(args, name);
    if (v == nullptr) return static_cast<const json::object*>(nullptr);
    if (!v->is_object()) return wrong_type(name, "an object");
    return &v->get_object();
}

}  // namespace hector::tools::detail
