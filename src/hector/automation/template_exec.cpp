// The executing half of the Go text/template subset (template.hpp): values, the bounded executor and the
// functions. Parsing is in template.cpp.
#include <boost/json/serialize.hpp>

#include <algorithm>

#include <fmt/format.h>

#include "hector/automation/detail/template_ast.hpp"
#include "hector/common/json.hpp"
#include "hector/common/strings.hpp"

namespace hector::automation::detail {

namespace {

// ------------------------------------------------------------------------------------------------ values

// An operand's value: a reference into the data (no copy of a large body) or a value the template made.
struct Val {
    const json::value* ref = nullptr;
    json::value own;
    const json::value& get() const { return ref ? *ref : own; }
    static Val of(const json::value& v) {
        Val x;
        x.ref = &v;
        return x;
    }
    static Val make(json::value v) {
        Val x;
        x.own = std::move(v);
        return x;
    }
    // A value found inside this one, referenced when this one is, copied when this one is temporary.
    Val inner(const json::value& v) const { return ref ? of(v) : make(v); }
};

bool truthy(const json::value& v) {
    switch (v.kind()) {
        case json::kind::null:
            return false;
        case json::kind::bool_:
            return v.get_bool();
        case json::kind::int64:
            return v.get_int64() != 0;
        case json::kind::uint64:
            return v.get_uint64() != 0;
        case json::kind::double_:
            return v.get_double() != 0.0;
        case json::kind::string:
            return !v.get_string().empty();
        case json::kind::array:
            return !v.get_array().empty();
        case json::kind::object:
            return !v.get_object().empty();
    }
    return false;
}

bool is_number(const json::value& v) {
    return v.is_int64() || v.is_uint64() || v.is_double();
}

bool equal(const json::value& a, const json::value& b) {
    if (is_number(a) && is_number(b) && a.kind() != b.kind()) {
        if (a.is_double() || b.is_double()) return a.to_number<double>() == b.to_number<double>();
        if (a.is_int64() ? a.get_int64() < 0 : b.get_int64() < 0) return false;  // one uint64, one negative
        return a.to_number<std::uint64_t>() == b.to_number<std::uint64_t>();
    }
    return a == b;
}

void append_text(std::string& out, const json::value& v) {
    switch (v.kind()) {
        case json::kind::null:
            return;
        case json::kind::string:
            out.append(sv(v.get_string()));
            return;
        case json::kind::bool_:
            out.append(v.get_bool() ? "true" : "false");
            return;
        case json::kind::int64:
            out.append(std::to_string(v.get_int64()));
            return;
        case json::kind::uint64:
            out.append(std::to_string(v.get_uint64()));
            return;
        case json::kind::double_:
            out.append(fmt::format("{}", v.get_double()));
            return;
        default:
            out.append(json::serialize(v));
    }
}

const json::value* find_key(const json::value& v, std::string_view key, const RenderOptions& opt) {
    if (!v.is_object()) return nullptr;
    const auto& o = v.get_object();
    if (&o == opt.case_insensitive) return o.if_contains(to_lower(key));
    return o.if_contains(key);
}

Val walk(Val base, const std::vector<std::string>& path, const RenderOptions& opt) {
    if (path.empty()) return base;
    const json::value* cur = &base.get();
    for (const auto& key : path) {
        cur = find_key(*cur, key, opt);
        if (!cur) return Val::make(nullptr);
    }
    return base.inner(*cur);
}

// ------------------------------------------------------------------------------------------------ functions

struct Exec;
using Fn = Result<Val> (*)(std::vector<Val>& args, Exec& ex);

Error exec_error(std::string what) {
    return Error{Errc::invalid_argument, std::move(what)};
}

struct FnSpec {
    std::string_view name;
    Arity arity;
    Fn fn;
};

const FnSpec* find_function(std::string_view name);

// ------------------------------------------------------------------------------------------------ execution

struct Exec {
    const TemplateLimits& limits;
    const RenderOptions& options;
    TimePoint now;
    std::string out;
    std::size_t iterations = 0;
    std::size_t work = 0;
    std::vector<std::pair<std::string, Val>> vars;
    int line = 1;

    Status charge(std::size_t bytes) {
        work += bytes;
        if (work > limits.max_work_bytes)
            return exec_error(
                fmt::format("line {}: the template did more than {} bytes of work", line, limits.max_work_bytes));
        return {};
    }

    Status run(const std::vector<Node>& nodes, const Val& dot) {
        for (const auto& n : nodes) {
            line = n.line;
            switch (n.kind) {
                case Node::Kind::text:
                    if (auto st = write(n.text); !st) return st;
                    break;
                case Node::Kind::output: {
                    auto v = pipeline(n.pipe, dot);
                    if (!v) return std::move(v).error();
                    std::string piece;
                    append_text(piece, v->get());
                    if (auto st = write(piece); !st) return st;
                    break;
                }
                case Node::Kind::if_: {
                    auto v = pipeline(n.pipe, dot);
                    if (!v) return std::move(v).error();
                    if (auto st = run(truthy(v->get()) ? n.body : n.otherwise, dot); !st) return st;
                    break;
                }
                case Node::Kind::range:
                    if (auto st = range(n, dot); !st) return st;
                    break;
            }
        }
        return {};
    }

    Status write(std::string_view s) {
        out.append(s);
        if (out.size() > limits.max_output_bytes)
            return exec_error(
                fmt::format("line {}: the output is larger than {} bytes", line, limits.max_output_bytes));
        return charge(s.size());
    }

    Status iterate(const Node& n, Val key, Val elem) {
        if (++iterations > limits.max_range_iterations)
            return exec_error(
                fmt::format("line {}: range ran more than {} iterations", n.line, limits.max_range_iterations));
        const std::size_t scope = vars.size();
        if (n.pipe.decl.size() == 1) vars.emplace_back(n.pipe.decl[0], elem);
        if (n.pipe.decl.size() == 2) {
            vars.emplace_back(n.pipe.decl[0], std::move(key));
            vars.emplace_back(n.pipe.decl[1], elem);
        }
        auto st = run(n.body, elem);
        vars.resize(scope);
        return st;
    }

    Status range(const Node& n, const Val& dot) {
        auto v = pipeline(n.pipe, dot);
        if (!v) return std::move(v).error();
        const json::value& over = v->get();
        if (over.is_array() && !over.get_array().empty()) {
            const auto& arr = over.get_array();
            for (std::size_t i = 0; i < arr.size(); ++i)
                if (auto st = iterate(n, Val::make(static_cast<std::int64_t>(i)), v->inner(arr[i])); !st) return st;
            return {};
        }
        if (over.is_object() && !over.get_object().empty()) {
            std::vector<const json::key_value_pair*> items;
            for (const auto& kv : over.get_object()) items.push_back(&kv);
            std::sort(items.begin(), items.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
            for (const auto* kv : items)
                if (auto st = iterate(n, Val::make(json::string(kv->key())), v->inner(kv->value())); !st) return st;
            return {};
        }
        if (!over.is_null() && !over.is_array() && !over.is_object())
            return exec_error(fmt::format("line {}: range can't iterate over {}", n.line, json::serialize(over)));
        return run(n.otherwise, dot);
    }

    Result<Val> pipeline(const Pipeline& p, const Val& dot) {
        std::optional<Val> piped;
        for (const auto& cmd : p.commands) {
            auto v = command(cmd, dot, std::move(piped));
            if (!v) return v;
            piped = std::move(v).value();
        }
        return std::move(*piped);
    }

    Result<Val> command(const Command& c, const Val& dot, std::optional<Val> piped) {
        const Arg& head = c.args.front();
        if (head.kind != Arg::Kind::function) return arg(head, dot);
        std::vector<Val> args;
        args.reserve(c.args.size());
        for (std::size_t i = 1; i < c.args.size(); ++i) {
            auto v = arg(c.args[i], dot);
            if (!v) return v;
            args.push_back(std::move(v).value());
        }
        if (piped) args.push_back(std::move(*piped));
        return find_function(head.name)->fn(args, *this);
    }

    Result<Val> arg(const Arg& a, const Val& dot) {
        switch (a.kind) {
            case Arg::Kind::field:
                return walk(dot, a.path, options);
            case Arg::Kind::variable:
                for (auto it = vars.rbegin(); it != vars.rend(); ++it)
                    if (it->first == a.name) return walk(it->second, a.path, options);
                return Val::make(nullptr);
            case Arg::Kind::literal:
                return Val::of(a.literal);
            case Arg::Kind::pipeline:
                return pipeline(*a.sub, dot);
            case Arg::Kind::function: {
                std::vector<Val> none;
                return find_function(a.name)->fn(none, *this);
            }
        }
        return Val::make(nullptr);
    }
};

Result<Val> fn_eq(std::vector<Val>& a, Exec&) {
    for (std::size_t i = 1; i < a.size(); ++i)
        if (equal(a[0].get(), a[i].get())) return Val::make(true);
    return Val::make(false);
}
Result<Val> fn_ne(std::vector<Val>& a, Exec&) {
    return Val::make(!equal(a[0].get(), a[1].get()));
}
Result<Val> fn_default(std::vector<Val>& a, Exec&) {
    return truthy(a[1].get()) ? std::move(a[1]) : std::move(a[0]);
}
Result<Val> fn_not(std::vector<Val>& a, Exec&) {
    return Val::make(!truthy(a[0].get()));
}
// Go's and/or: the first argument that decides, else the last.
Result<Val> fn_and(std::vector<Val>& a, Exec&) {
    for (auto& v : a)
        if (!truthy(v.get())) return std::move(v);
    return std::move(a.back());
}
Result<Val> fn_or(std::vector<Val>& a, Exec&) {
    for (auto& v : a)
        if (truthy(v.get())) return std::move(v);
    return std::move(a.back());
}
Result<Val> fn_len(std::vector<Val>& a, Exec& ex) {
    const auto& v = a[0].get();
    if (v.is_string()) return Val::make(static_cast<std::int64_t>(v.get_string().size()));
    if (v.is_array()) return Val::make(static_cast<std::int64_t>(v.get_array().size()));
    if (v.is_object()) return Val::make(static_cast<std::int64_t>(v.get_object().size()));
    if (v.is_null()) return Val::make(std::int64_t{0});
    return exec_error(fmt::format("line {}: len of {}", ex.line, json::serialize(v)));
}
Result<Val> fn_to_json(std::vector<Val>& a, Exec& ex) {
    std::string s = json::serialize(a[0].get());
    if (auto st = ex.charge(s.size()); !st) return st.error();
    return Val::make(json::string(s));
}
Result<Val> fn_to_json_pretty(std::vector<Val>& a, Exec& ex) {
    std::string s = to_pretty_json(a[0].get());
    while (!s.empty() && s.back() == '\n') s.pop_back();
    if (auto st = ex.charge(s.size()); !st) return st.error();
    return Val::make(json::string(s));
}
Result<Val> fn_now(std::vector<Val>&, Exec& ex) {
    return Val::make(json::string(format_rfc3339(ex.now)));
}
Result<Val> fn_index(std::vector<Val>& a, Exec& ex) {
    const json::value* cur = &a[0].get();
    for (std::size_t i = 1; i < a.size() && cur; ++i) {
        const json::value& k = a[i].get();
        if (cur->is_null()) return Val::make(nullptr);
        if (cur->is_object()) {
            if (!k.is_string())
                return exec_error(fmt::format("line {}: index of an object with {}", ex.line, json::serialize(k)));
            cur = find_key(*cur, sv(k.get_string()), ex.options);
        } else if (cur->is_array()) {
            if (!k.is_int64() && !k.is_uint64())
                return exec_error(fmt::format("line {}: index of an array with {}", ex.line, json::serialize(k)));
            const auto& arr = cur->get_array();
            const bool in_range = k.is_int64()
                                      ? k.get_int64() >= 0 && static_cast<std::uint64_t>(k.get_int64()) < arr.size()
                                      : k.get_uint64() < arr.size();
            cur = in_range ? &arr[k.to_number<std::size_t>()] : nullptr;
        } else {
            return exec_error(fmt::format("line {}: can't index {}", ex.line, json::serialize(*cur)));
        }
    }
    if (!cur) return Val::make(nullptr);
    return a[0].inner(*cur);
}

constexpr std::size_t kAny = SIZE_MAX;
constexpr FnSpec kFunctions[] = {
    {"eq", {2, kAny}, fn_eq},
    {"ne", {2, 2}, fn_ne},
    {"default", {2, 2}, fn_default},
    {"toJson", {1, 1}, fn_to_json},
    {"toJsonPretty", {1, 1}, fn_to_json_pretty},
    {"index", {1, kAny}, fn_index},
    {"now", {0, 0}, fn_now},
    {"not", {1, 1}, fn_not},
    {"and", {1, kAny}, fn_and},
    {"or", {1, kAny}, fn_or},
    {"len", {1, 1}, fn_len},
};

const FnSpec* find_function(std::string_view name) {
    for (const auto& f : kFunctions)
        if (f.name == name) return &f;
    return nullptr;
}

}  // namespace

const Arity* function_arity(std::string_view name) {
    const auto* f = find_function(name);
    return f ? &f->arity : nullptr;
}

Result<std::string> execute(const std::vector<Node>& nodes, const TemplateLimits& limits, const json::value& data,
                            const RenderOptions& options) {
    Exec ex{limits, options, options.now.value_or(Clock::now())};
    ex.vars.emplace_back("$", Val::of(data));
    if (auto st = ex.run(nodes, Val::of(data)); !st) return std::move(st).error();
    return std::move(ex.out);
}

json::value lookup(const json::value& data, const std::vector<std::string>& keys, const RenderOptions& options) {
    return walk(Val::of(data), keys, options).get();
}

}  // namespace hector::automation::detail
