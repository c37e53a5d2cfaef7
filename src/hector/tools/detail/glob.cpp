#include "hector/tools/detail/glob.hpp"

#include <re2/re2.h>

#include <cctype>

namespace hector::tools::detail {

Result<std::string> glob_to_regex(std::string_view glob) {
    std::string out;
    int braces = 0;
    for (std::size_t i = 0; i < glob.size(); ++i) {
        const char c = glob[i];
        if (c == '*') {
            if (i + 1 < glob.size() && glob[i + 1] == '*') {
                const bool dir = i + 2 < glob.size() && glob[i + 2] == '/';
                out += dir ? "(?:.*/)?" : ".*";
                i += dir ? 2 : 1;
            } else {
                out += "[^/]*";
            }
        } else if (c == '?') {
            out += "[^/]";
        } else if (c == '[') {
            const std::size_t close = glob.find(']', i + 2);  // "[]a]" has ']' as its first member
            if (close == std::string_view::npos) return Error{Errc::invalid_argument, "unclosed \"[\" in the glob"};
            std::string_view body = glob.substr(i + 1, close - i - 1);
            out += '[';
            if (body.front() == '!' || body.front() == '^') {
                out += '^';
                body.remove_prefix(1);
            }
            for (char m : body) {
                if (m == '\\' || m == '[' || m == ']') out += '\\';
                out += m;
            }
            out += ']';
            i = close;
        } else if (c == '{') {
            ++braces;
            out += "(?:";
        } else if (c == ',' && braces > 0) {
            out += '|';
        } else if (c == '}' && braces > 0) {
            --braces;
            out += ')';
        } else if (c == '\\' && i + 1 < glob.size()) {
            out += RE2::QuoteMeta(glob.substr(++i, 1));
        } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-') {
            out += c;
        } else {
            out += RE2::QuoteMeta(std::string_view(&glob[i], 1));
        }
    }
    if (braces != 0) return Error{Errc::invalid_argument, "unclosed \"{\" in the glob"};
    return out;
}

}  // namespace hector::tools::detail
