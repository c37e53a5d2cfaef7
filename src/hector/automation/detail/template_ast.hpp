#pragma once

// Internal to automation/: the compiled form of a template, shared by the parser (template.cpp) and the executor
// (template_exec.cpp).

#include <boost/json/value.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hector/automation/template.hpp"

namespace hector::automation::detail {

struct Pipeline;

struct Arg {
    enum class Kind { field, variable, literal, function, pipeline };
    Kind kind = Kind::literal;
    std::string name;               // variable ("$" for the root) or function name
    std::vector<std::string> path;  // keys after the operand: .a.b
    boost::json::value literal;
    std::shared_ptr<Pipeline> sub;  // (pipeline)
};

struct Command {
    std::vector<Arg> args;  // args[0] is the function when it is one
};

struct Pipeline {
    std::vector<std::string> decl;  // range variables: $v or $i, $v
    std::vector<Command> commands;
};

struct Node {
    enum class Kind { text, output, if_, range };
    Kind kind = Kind::text;
    std::string text;
    int line = 1;
    Pipeline pipe;
    std::vector<Node> body, otherwise;
};

/// How many arguments a template function takes.
struct Arity {
    std::size_t min = 0;
    std::size_t max = 0;  // SIZE_MAX: any number
};
/// The arity of a template function; null for a name that is not one.
const Arity* function_arity(std::string_view name);

/// A character of a key in a field chain: letters, digits, `_` and (leniently, OQ-10) `-`.
bool key_char(char c);

/// Runs a compiled template on `data` within `limits`. Runtime errors are Errc::invalid_argument "line N: …".
Result<std::string> execute(const std::vector<Node>& nodes, const TemplateLimits& limits,
                            const boost::json::value& data, const RenderOptions& options);

/// The value at `keys` inside `data`, null when a step is missing.
boost::json::value lookup(const boost::json::value& data, const std::vector<std::string>& keys,
                          const RenderOptions& options);

}  // namespace hector::automation::detail

namespace hector::automation {

struct Template::Impl {
    std::vector<detail::Node> nodes;
    TemplateLimits limits;
};

}  // namespace hector::automation
