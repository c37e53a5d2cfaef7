// The compiling half of the Go text/template subset (template.hpp): lexer and parser. Execution is in
// template_exec.cpp.
#include "hector/automation/template.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "hector/automation/detail/template_ast.hpp"
#include "hector/common/json.hpp"
#include "hector/common/strings.hpp"

namespace hector::automation {

using detail::Arg;
using detail::Command;
using detail::function_arity;
using detail::key_char;
using detail::Node;
using detail::Pipeline;

namespace {

// ------------------------------------------------------------------------------------------------ lexer

struct Token {
    enum class Kind { field, variable, ident, string, number, lparen, rparen, pipe, declare, comma };
    Kind kind;
    std::string text;               // ident / variable name / string value
    std::vector<std::string> path;  // field or variable keys
    json::value number;
};

bool ident_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}
bool space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

class Parser {
  public:
    Parser(std::string_view src, const TemplateLimits& limits) : src_(src), limits_(limits) {}

    Result<std::vector<Node>> parse() {
        std::vector<Node> nodes;
        auto term = parse_list(nodes, 0);
        if (!term) return std::move(term).error();
        if (term->kind != End::eof) return fail(term->line, fmt::format("unexpected {{{{{}}}}}", term->word));
        return nodes;
    }

  private:
    struct End {
        enum Kind { eof, end, else_ } kind = eof;
        std::string word;
        int line = 1;
        std::vector<Token> rest;  // tokens after `else`
    };
    struct Action {
        std::vector<Token> tokens;
        int line = 1;
        bool comment = false;
    };

    Error fail(int line, const std::string& what) const {
        return Error{Errc::invalid_argument, fmt::format("line {}: {}", line, what)};
    }
    // Positions only move forward, so lines are counted incrementally.
    int line_at(std::size_t pos) {
        line_ += static_cast<int>(std::count(src_.begin() + static_cast<std::ptrdiff_t>(line_pos_),
                                             src_.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
        line_pos_ = pos;
        return line_;
    }

    // Reads text up to the next action. Returns false at the end of the source.
    bool next_text(std::string& text) {
        auto open = src_.find("{{", pos_);
        std::string_view chunk =
            src_.substr(pos_, open == std::string_view::npos ? std::string_view::npos : open - pos_);
        if (trim_next_) {
            while (!chunk.empty() && space(chunk.front())) chunk.remove_prefix(1);
            trim_next_ = false;
        }
        const bool left_trim =
            open != std::string_view::npos && open + 3 < src_.size() && src_[open + 2] == '-' && space(src_[open + 3]);
        if (left_trim)
            while (!chunk.empty() && space(chunk.back())) chunk.remove_suffix(1);
        text.assign(chunk);
        if (open == std::string_view::npos) {
            pos_ = src_.size();
            return false;
        }
        pos_ = open + (left_trim ? 4 : 2);
        return true;
    }

    // At the closing delimiter (after optional spaces): consumes it and says so.
    bool action_end() {
        std::size_t p = pos_;
        const bool spaced = p > 0 && space(src_[p - 1]);
        while (p < src_.size() && space(src_[p])) ++p;
        if (src_.substr(p, 3) == "-}}" && (spaced || p > pos_)) {
            pos_ = p + 3;
            trim_next_ = true;
            return true;
        }
        if (src_.substr(p, 2) == "}}") {
            pos_ = p + 2;
            return true;
        }
        pos_ = p;
        return false;
    }

    // Keys of a chain `.a.b-c`; stops before a dot that no key follows.
    std::vector<std::string> keys() {
        std::vector<std::string> out;
        while (pos_ < src_.size() && src_[pos_] == '.') {
            std::size_t start = pos_ + 1, end = start;
            while (end < src_.size() && key_char(src_[end])) ++end;
            if (end == start) break;
            out.emplace_back(src_.substr(start, end - start));
            pos_ = end;
        }
        return out;
    }

    Result<std::string> quoted(int line) {
        const char q = src_[pos_++];
        std::string out;
        while (pos_ < src_.size() && src_[pos_] != q) {
            char c = src_[pos_++];
            if (q == '`' || c != '\\') {
                if (q != '`' && c == '\n') return fail(line, "newline in string");
                out.push_back(c);
                continue;
            }
            if (pos_ >= src_.size()) break;
            char e = src_[pos_++];
            switch (e) {
                case 'n':
                    out.push_back('\n');
                    break;
                case 't':
                    out.push_back('\t');
                    break;
                case 'r':
                    out.push_back('\r');
                    break;
                case '\\':
                case '"':
                case '\'':
                case '/':
                    out.push_back(e);
                    break;
                case 'u': {
                    unsigned cp = 0;
                    auto hex = src_.substr(pos_, 4);
                    auto r = std::from_chars(hex.data(), hex.data() + hex.size(), cp, 16);
                    if (hex.size() != 4 || r.ptr != hex.data() + 4) return fail(line, "bad \\u escape in string");
                    pos_ += 4;
                    append_utf8(out, cp);
                    break;
                }
                default:
                    return fail(line, fmt::format("unknown escape \\{} in string", e));
            }
        }
        if (pos_ >= src_.size()) return fail(line, "unterminated string");
        ++pos_;
        return out;
    }

    // The tokens of one action, after its opening delimiter.
    Result<Action> action() {
        Action a;
        a.line = line_at(pos_);
        while (pos_ < src_.size() && space(src_[pos_])) ++pos_;
        if (src_.substr(pos_, 2) == "/*") {
            auto close = src_.find("*/", pos_ + 2);
            if (close == std::string_view::npos) return fail(a.line, "unclosed comment");
            pos_ = close + 2;
            if (!action_end()) return fail(a.line, "comment ends without }}");
            a.comment = true;
            return a;
        }
        for (;;) {
            if (pos_ >= src_.size()) return fail(a.line, "unclosed action");
            if (action_end()) break;
            if (pos_ >= src_.size()) return fail(a.line, "unclosed action");
            const char c = src_[pos_];
            Token t{Token::Kind::ident, {}, {}, nullptr};
            if (c == '.') {
                t.kind = Token::Kind::field;
                t.path = keys();
                if (t.path.empty()) ++pos_;  // "." alone: the dot itself
            } else if (c == '$') {
                std::size_t start = ++pos_;
                while (pos_ < src_.size() && ident_char(src_[pos_])) ++pos_;
                t.kind = Token::Kind::variable;
                t.text = "$" + std::string(src_.substr(start, pos_ - start));
                t.path = keys();
            } else if (c == '"' || c == '`') {
                auto s = quoted(a.line);
                if (!s) return std::move(s).error();
                t.kind = Token::Kind::string;
                t.text = std::move(s).value();
            } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+') {
                std::size_t start = pos_++;
                while (pos_ < src_.size() && (std::isalnum(static_cast<unsigned char>(src_[pos_])) ||
                                              src_[pos_] == '.' || src_[pos_] == '-' || src_[pos_] == '+'))
                    ++pos_;
                std::string_view num = src_.substr(start, pos_ - start);
                if (num.front() == '+') num.remove_prefix(1);
                std::int64_t i = 0;
                double d = 0;
                if (auto r = std::from_chars(num.data(), num.data() + num.size(), i);
                    r.ec == std::errc{} && r.ptr == num.data() + num.size()) {
                    t.number = i;
                } else if (auto r2 = std::from_chars(num.data(), num.data() + num.size(), d);
                           r2.ec == std::errc{} && r2.ptr == num.data() + num.size() && std::isfinite(d)) {
                    t.number = d;
                } else {
                    return fail(a.line, fmt::format("bad number {}", num));
                }
                t.kind = Token::Kind::number;
            } else if (ident_char(c)) {
                std::size_t start = pos_;
                while (pos_ < src_.size() && ident_char(src_[pos_])) ++pos_;
                t.text = std::string(src_.substr(start, pos_ - start));
            } else if (c == '(' || c == ')' || c == '|' || c == ',') {
                ++pos_;
                t.kind = c == '('   ? Token::Kind::lparen
                         : c == ')' ? Token::Kind::rparen
                         : c == '|' ? Token::Kind::pipe
                                    : Token::Kind::comma;
            } else if (src_.substr(pos_, 2) == ":=") {
                pos_ += 2;
                t.kind = Token::Kind::declare;
            } else {
                return fail(a.line, fmt::format("unexpected \"{}\" in action", c));
            }
            a.tokens.push_back(std::move(t));
        }
        return a;
    }

    // --- pipelines

    Result<Pipeline> pipeline(const std::vector<Token>& toks, std::size_t& i, int line, std::size_t depth) {
        if (depth > limits_.max_nesting) return fail(line, "nesting too deep");
        Pipeline p;
        Command cmd;
        auto finish = [&]() -> Status {
            if (cmd.args.empty()) return fail(line, "missing value in pipeline");
            const bool piped = !p.commands.empty();
            const auto& head = cmd.args.front();
            const std::size_t n = cmd.args.size() - 1 + (piped ? 1 : 0);
            if (head.kind == Arg::Kind::function) {
                const auto* f = function_arity(head.name);
                if (n < f->min || n > f->max)
                    return fail(line, fmt::format("wrong number of arguments for {}: {}", head.name, n));
            } else if (n > 0) {
                return fail(line, piped ? "a pipeline can only continue into a function"
                                        : "can't give an argument to a non-function");
            }
            p.commands.push_back(std::move(cmd));
            cmd = Command{};
            return {};
        };
        while (i < toks.size() && toks[i].kind != Token::Kind::rparen) {
            const Token& t = toks[i++];
            Arg a;
            switch (t.kind) {
                case Token::Kind::pipe:
                    if (auto st = finish(); !st) return st.error();
                    continue;
                case Token::Kind::field:
                    a.kind = Arg::Kind::field;
                    a.path = t.path;
                    break;
                case Token::Kind::variable:
                    if (std::find_if(vars_.begin(), vars_.end(), [&](auto& v) { return v == t.text; }) == vars_.end())
                        return fail(line, fmt::format("undefined variable {}", t.text));
                    a.kind = Arg::Kind::variable;
                    a.name = t.text;
                    a.path = t.path;
                    break;
                case Token::Kind::string:
                    a.literal = json::string(t.text);
                    break;
                case Token::Kind::number:
                    a.literal = t.number;
                    break;
                case Token::Kind::lparen: {
                    auto sub = pipeline(toks, i, line, depth + 1);
                    if (!sub) return std::move(sub).error();
                    if (i >= toks.size() || toks[i].kind != Token::Kind::rparen) return fail(line, "unclosed (");
                    ++i;
                    a.kind = Arg::Kind::pipeline;
                    a.sub = std::make_shared<Pipeline>(std::move(sub).value());
                    break;
                }
                case Token::Kind::ident:
                    if (t.text == "true" || t.text == "false") {
                        a.literal = t.text == "true";
                    } else if (t.text == "nil") {
                        a.literal = nullptr;
                    } else if (function_arity(t.text)) {
                        a.kind = Arg::Kind::function;
                        a.name = t.text;
                        // A function that is not first in its command is called without arguments (`eq now x`).
                        if (!cmd.args.empty() && function_arity(t.text)->min > 0)
                            return fail(line, fmt::format("{} needs arguments; wrap it in parentheses", t.text));
                    } else {
                        return fail(line, fmt::format("function \"{}\" not defined", t.text));
                    }
                    break;
                default:
                    return fail(line, "unexpected token in pipeline");
            }
            cmd.args.push_back(std::move(a));
        }
        if (auto st = finish(); !st) return st.error();
        return p;
    }

    Result<Pipeline> whole_pipeline(const std::vector<Token>& toks, std::size_t i, int line, std::size_t depth) {
        auto p = pipeline(toks, i, line, depth);
        if (!p) return p;
        if (i != toks.size()) return fail(line, "unexpected )");
        return p;
    }

    // --- blocks

    Result<End> parse_list(std::vector<Node>& out, std::size_t depth) {
        for (;;) {
            std::string text;
            const bool more = next_text(text);
            if (!text.empty()) out.push_back(Node{Node::Kind::text, std::move(text)});
            if (!more) return End{};
            auto a = action();
            if (!a) return std::move(a).error();
            if (a->comment) continue;
            const bool ident = !a->tokens.empty() && a->tokens.front().kind == Token::Kind::ident;
            const std::string word = ident ? a->tokens.front().text : "";
            if (word == "end" || word == "else") {
                End e{word == "end" ? End::end : End::else_, word, a->line};
                e.rest.assign(a->tokens.begin() + 1, a->tokens.end());
                if (e.kind == End::end && !e.rest.empty()) return fail(a->line, "unexpected words after end");
                return e;
            }
            if (word == "if" || word == "range") {
                auto node = block(word, a->tokens, 1, a->line, depth + 1);
                if (!node) return std::move(node).error();
                out.push_back(std::move(node).value());
                continue;
            }
            if (word == "with" || word == "define" || word == "template" || word == "block" || word == "break" ||
                word == "continue")
                return fail(a->line, fmt::format("{{{{{}}}}} is not supported", word));
            auto p = whole_pipeline(a->tokens, 0, a->line, depth);
            if (!p) return std::move(p).error();
            Node n{Node::Kind::output, {}, a->line};
            n.pipe = std::move(p).value();
            out.push_back(std::move(n));
        }
    }

    Result<Node> block(const std::string& word, const std::vector<Token>& toks, std::size_t i, int line,
                       std::size_t depth) {
        if (depth > limits_.max_nesting) return fail(line, "nesting too deep");
        Node n{word == "if" ? Node::Kind::if_ : Node::Kind::range, {}, line};
        const std::size_t scope = vars_.size();
        std::vector<std::string> decl;
        if (n.kind == Node::Kind::range) {
            auto is_var = [&](std::size_t k) {
                return k < toks.size() && toks[k].kind == Token::Kind::variable && toks[k].path.empty() &&
                       toks[k].text != "$";
            };
            if (is_var(i) && i + 1 < toks.size() && toks[i + 1].kind == Token::Kind::declare) {
                decl = {toks[i].text};
                i += 2;
            } else if (is_var(i) && i + 3 < toks.size() && toks[i + 1].kind == Token::Kind::comma && is_var(i + 2) &&
                       toks[i + 3].kind == Token::Kind::declare) {
                decl = {toks[i].text, toks[i + 2].text};
                i += 4;
            }
        }
        if (i >= toks.size()) return fail(line, fmt::format("missing value for {}", word));
        auto p = whole_pipeline(toks, i, line, depth);
        if (!p) return std::move(p).error();
        n.pipe = std::move(p).value();
        n.pipe.decl = decl;
        vars_.insert(vars_.end(), decl.begin(), decl.end());
        auto term = parse_list(n.body, depth);
        if (!term) return std::move(term).error();
        vars_.resize(scope);
        if (term->kind == End::eof) return fail(line, fmt::format("unexpected end of template in {{{{{}}}}}", word));
        if (term->kind == End::else_) {
            if (!term->rest.empty()) {
                if (n.kind != Node::Kind::if_ || term->rest.front().kind != Token::Kind::ident ||
                    term->rest.front().text != "if")
                    return fail(term->line, "unexpected words after else");
                auto chained = block("if", term->rest, 1, term->line, depth + 1);
                if (!chained) return std::move(chained).error();
                n.otherwise.push_back(std::move(chained).value());
                return n;
            }
            auto last = parse_list(n.otherwise, depth);
            if (!last) return std::move(last).error();
            if (last->kind != End::end) return fail(line, fmt::format("missing {{{{end}}}} for {}", word));
        }
        return n;
    }

    std::string_view src_;
    const TemplateLimits& limits_;
    std::size_t pos_ = 0;
    bool trim_next_ = false;
    std::size_t line_pos_ = 0;
    int line_ = 1;
    std::vector<std::string> vars_{"$"};
};

}  // namespace

bool detail::key_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

Result<Template> Template::parse(std::string_view source, TemplateLimits limits) {
    if (source.size() > limits.max_source_bytes)
        return Error{Errc::invalid_argument, fmt::format("template is {} bytes, more than the limit of {}",
                                                         source.size(), limits.max_source_bytes)};
    auto impl = std::make_shared<Impl>();
    impl->limits = limits;
    Parser parser(source, impl->limits);
    auto nodes = parser.parse();
    if (!nodes) return std::move(nodes).error();
    impl->nodes = std::move(nodes).value();
    Template t;
    t.impl_ = std::move(impl);
    return t;
}

Result<std::string> Template::render(const json::value& data, const RenderOptions& options) const {
    if (!impl_) return std::string();
    return detail::execute(impl_->nodes, impl_->limits, data, options);
}

Result<std::vector<std::string>> parse_field_path(std::string_view path) {
    if (path.empty() || path.front() != '.')
        return Error{Errc::invalid_argument, fmt::format("\"{}\" is not a field path (like .body.a.b)", path)};
    std::vector<std::string> keys;
    if (path == ".") return keys;
    for (auto& k : split(path.substr(1), '.')) {
        if (k.empty() || !std::all_of(k.begin(), k.end(), key_char))
            return Error{Errc::invalid_argument, fmt::format("\"{}\" is not a field path (like .body.a.b)", path)};
        keys.push_back(std::move(k));
    }
    return keys;
}

json::value lookup_path(const json::value& data, const std::vector<std::string>& keys, const RenderOptions& options) {
    return detail::lookup(data, keys, options);
}

}  // namespace hector::automation
