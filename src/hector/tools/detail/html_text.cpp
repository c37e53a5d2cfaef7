#include "hector/tools/detail/html_text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>

#include "hector/common/strings.hpp"

namespace hector::tools::detail {

namespace {

bool one_of(std::string_view name, std::initializer_list<std::string_view> set) {
    return std::find(set.begin(), set.end(), name) != set.end();
}

bool is_dropped(std::string_view tag) {
    return one_of(tag, {"script", "style", "noscript", "template", "svg", "iframe", "object", "canvas", "math"});
}

bool is_block(std::string_view tag) {
    return one_of(tag,
                  {"p",       "div",     "br",      "hr",     "h1",     "h2",         "h3",    "h4",       "h5",
                   "h6",      "ul",      "ol",      "li",     "tr",     "table",      "thead", "tbody",    "tfoot",
                   "section", "article", "header",  "footer", "nav",    "aside",      "main",  "pre",      "blockquote",
                   "title",   "dl",      "dt",      "dd",     "figure", "figcaption", "form",  "fieldset", "address",
                   "details", "summary", "caption", "body",   "html",   "head",       "option"});
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

struct Named {
    std::string_view name;
    std::uint32_t cp;
};

constexpr Named kEntities[] = {
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},        {"quot", '"'},     {"apos", '\''},    {"nbsp", 0xA0},
    {"ndash", 0x2013}, {"mdash", 0x2014}, {"hellip", 0x2026}, {"copy", 0xA9},    {"reg", 0xAE},     {"trade", 0x2122},
    {"laquo", 0xAB},   {"raquo", 0xBB},   {"lsquo", 0x2018},  {"rsquo", 0x2019}, {"ldquo", 0x201C}, {"rdquo", 0x201D},
    {"bull", 0x2022},  {"middot", 0xB7},  {"euro", 0x20AC},   {"pound", 0xA3},   {"yen", 0xA5},     {"cent", 0xA2},
    {"sect", 0xA7},    {"deg", 0xB0},     {"times", 0xD7},    {"divide", 0xF7},  {"plusmn", 0xB1},  {"para", 0xB6},
    {"larr", 0x2190},  {"rarr", 0x2192},  {"uarr", 0x2191},   {"darr", 0x2193},  {"shy", 0xAD},     {"iexcl", 0xA1},
    {"iquest", 0xBF},  {"eacute", 0xE9},  {"egrave", 0xE8},   {"agrave", 0xE0},  {"aacute", 0xE1},  {"ccedil", 0xE7},
    {"uuml", 0xFC},    {"ouml", 0xF6},    {"auml", 0xE4},     {"szlig", 0xDF},   {"ntilde", 0xF1},  {"oacute", 0xF3},
    {"iacute", 0xED},  {"uacute", 0xFA},
};

/// Builds the text: whitespace runs become one space, block boundaries line breaks (at most one empty line).
class TextSink {
  public:
    void text(std::string_view s, bool preformatted) {
        for (char c : s) {
            if (preformatted) {
                put(c);
            } else if (std::isspace(static_cast<unsigned char>(c))) {
                space_ = true;
            } else {
                if (space_ && !out_.empty() && out_.back() != '\n') out_ += ' ';
                space_ = false;
                put(c);
            }
        }
    }
    void decoded(std::string_view s) {
        if (space_ && !out_.empty() && out_.back() != '\n') out_ += ' ';
        space_ = false;
        out_.append(s);
        newlines_ = 0;
    }
    void line_break(bool paragraph) {
        space_ = false;
        while (!out_.empty() && out_.back() == ' ') out_.pop_back();
        const int want = paragraph ? 2 : 1;
        while (!out_.empty() && newlines_ < want) {
            out_ += '\n';
            ++newlines_;
        }
    }
    std::string finish() {
        while (!out_.empty() && (out_.back() == '\n' || out_.back() == ' ')) out_.pop_back();
        return std::move(out_);
    }

  private:
    void put(char c) {
        out_ += c;
        newlines_ = c == '\n' ? newlines_ + 1 : 0;
    }
    std::string out_;
    bool space_ = false;
    int newlines_ = 0;
};

// The end of a tag starting at html[i] == '<' (the index of its '>'), skipping quoted attribute values.
std::size_t tag_end(std::string_view html, std::size_t i) {
    char quote = 0;
    for (std::size_t j = i + 1; j < html.size(); ++j) {
        const char c = html[j];
        if (quote) {
            if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            return j;
        }
    }
    return std::string_view::npos;
}

// Finds "</name" (any case) at or after `from`; npos when absent.
std::size_t find_close(std::string_view html, std::string_view name, std::size_t from) {
    for (std::size_t j = html.find("</", from); j != std::string_view::npos; j = html.find("</", j + 2)) {
        if (j + 2 + name.size() <= html.size() && iequals(html.substr(j + 2, name.size()), name)) return j;
    }
    return std::string_view::npos;
}

}  // namespace

std::size_t decode_entity(std::string_view html, std::size_t i, std::string& out) {
    const std::size_t semi = html.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > 12) return 0;
    const std::string_view body = html.substr(i + 1, semi - i - 1);
    if (body.size() >= 2 && body[0] == '#') {
        std::uint32_t cp = 0;
        const bool hex = body[1] == 'x' || body[1] == 'X';
        const std::string_view digits = body.substr(hex ? 2 : 1);
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
        if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) return 0;
        append_utf8(out, cp);
        return semi - i + 1;
    }
    for (const auto& e : kEntities) {
        if (e.name == body) {
            append_utf8(out, e.cp);
            return semi - i + 1;
        }
    }
    return 0;
}

std::string html_to_text(std::string_view html) {
    TextSink sink;
    int pre = 0;
    std::size_t i = 0;
    while (i < html.size()) {
        const char c = html[i];
        if (c == '&') {
            std::string decoded;
            if (const std::size_t n = decode_entity(html, i, decoded); n > 0) {
                sink.decoded(decoded == "\xC2\xA0" ? std::string_view(" ") : std::string_view(decoded));
                i += n;
                continue;
            }
            sink.text("&", pre > 0);
            ++i;
            continue;
        }
        if (c != '<') {
            const std::size_t next = html.find_first_of("<&", i);
            const std::size_t end = next == std::string_view::npos ? html.size() : next;
            sink.text(html.substr(i, end - i), pre > 0);
            i = end;
            continue;
        }
        if (html.substr(i, 4) == "<!--") {
            const std::size_t close = html.find("-->", i + 4);
            i = close == std::string_view::npos ? html.size() : close + 3;
            continue;
        }
        std::size_t j = i + 1;
        const bool closing = j < html.size() && html[j] == '/';
        if (closing) ++j;
        const std::size_t name_start = j;
        while (j < html.size() && std::isalnum(static_cast<unsigned char>(html[j]))) ++j;
        if (j == name_start && !(j < html.size() && (html[j] == '!' || html[j] == '?'))) {
            sink.text("<", pre > 0);  // a lone '<' in text
            ++i;
            continue;
        }
        const std::size_t end = tag_end(html, i);
        if (end == std::string_view::npos) break;  // an unterminated tag ends the document
        const std::string name = to_lower(html.substr(name_start, j - name_start));
        i = end + 1;
        if (name.empty()) continue;  // <!DOCTYPE>, <?xml?>
        const bool self_closing = html[end - 1] == '/';
        if (!closing && !self_closing && is_dropped(name)) {
            const std::size_t close = find_close(html, name, i);
            if (close == std::string_view::npos) break;
            const std::size_t close_end = tag_end(html, close);
            i = close_end == std::string_view::npos ? html.size() : close_end + 1;
            continue;
        }
        if (name == "pre") pre = closing ? std::max(0, pre - 1) : pre + 1;
        if (name == "li" && !closing) {
            sink.line_break(false);
            sink.decoded("- ");
        } else if (name == "td" || name == "th") {
            if (!closing) sink.text(" ", false);
        } else if (is_block(name)) {
            sink.line_break(name != "br" && name != "li" && name != "tr" && name != "option");
        }
    }
    return sink.finish();
}

}  // namespace hector::tools::detail
