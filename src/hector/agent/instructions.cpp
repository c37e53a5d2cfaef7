#include "hector/agent/instructions.hpp"

#include <boost/json/serialize.hpp>

#include <cctype>

namespace hector::agent {

namespace {

bool ident_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// `[app:|user:|temp:]ident` or `artifact.name`, without the optional `?`.
bool is_placeholder(std::string_view body) {
    std::string_view rest = body;
    for (std::string_view prefix : {"app:", "user:", "temp:"}) {
        if (rest.substr(0, prefix.size()) == prefix) {
            rest.remove_prefix(prefix.size());
            break;
        }
    }
    if (rest.substr(0, 9) == "artifact.") rest.remove_prefix(9);
    if (rest.empty() || std::isdigit(static_cast<unsigned char>(rest.front()))) return false;
    for (char c : rest)
        if (!ident_char(c) && c != '.') return false;
    return true;
}

}  // namespace

Result<std::string> render_instruction(std::string_view text, const boost::json::object& state) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '{') {
            out.push_back(text[i]);
            continue;
        }
        auto close = text.find('}', i + 1);
        if (close == std::string_view::npos) {
            out.append(text.substr(i));
            break;
        }
        std::string_view body = text.substr(i + 1, close - i - 1);
        bool optional = !body.empty() && body.back() == '?';
        if (optional) body.remove_suffix(1);
        if (!is_placeholder(body)) {
            out.push_back(text[i]);
            continue;
        }
        if (const auto* v = state.if_contains(body)) {
            out += v->is_string() ? std::string(v->get_string()) : boost::json::serialize(*v);
        } else if (!optional) {
            return Error{Errc::invalid_argument,
                         "instruction references missing state key \"" + std::string(body) + "\""};
        }
        i = close;
    }
    return out;
}

}  // namespace hector::agent
