#include "hector/tools/detail/web.hpp"

#include <fmt/format.h>

#include "hector/common/strings.hpp"
#include "hector/tools/detail/html_text.hpp"
#include "hector/tools/detail/text.hpp"
#include "hector/tools/detail/workspace.hpp"

namespace hector::tools::detail {

namespace {

std::string_view media_type(std::string_view content_type) {
    return trim(content_type.substr(0, content_type.find(';')));
}

bool looks_like_html(std::string_view body) {
    const std::string head = to_lower(trim(body.substr(0, 512)));
    return head.starts_with("<!doctype html") || head.starts_with("<html") ||
           (head.starts_with("<") && head.find("<body") != std::string::npos);
}

bool is_textual(std::string_view type) {
    return type.starts_with("text/") || type.ends_with("+json") || type.ends_with("+xml") ||
           type == "application/json" || type == "application/xml" || type == "application/javascript" ||
           type == "application/x-javascript" || type == "application/ecmascript" || type == "application/x-ndjson" ||
           type == "application/yaml" || type == "application/x-yaml" || type == "application/toml";
}

std::string latin1_to_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x80) {
            out += ch;
        } else {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

}  // namespace

Status check_web_url(std::string_view url) {
    const std::string lower = to_lower(url.substr(0, 8));
    std::size_t rest = 0;
    if (lower.starts_with("http://"))
        rest = 7;
    else if (lower.starts_with("https://"))
        rest = 8;
    else
        return Error{Errc::invalid_argument, "only http and https URLs can be fetched"};
    if (rest >= url.size() || url[rest] == '/' || url[rest] == '?' || url[rest] == '#')
        return Error{Errc::invalid_argument, "the URL has no host"};
    for (char c : url)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F)
            return Error{Errc::invalid_argument, "the URL contains spaces or control characters"};
    return {};
}

std::string body_as_text(std::string_view content_type, std::string_view body) {
    const std::string type = to_lower(media_type(content_type));
    const std::string lower_ct = to_lower(content_type);
    const bool latin1 = lower_ct.find("iso-8859-1") != std::string::npos ||
                        lower_ct.find("latin1") != std::string::npos ||
                        lower_ct.find("windows-1252") != std::string::npos;
    std::string text;
    if (latin1 && !is_valid_utf8(body)) {
        text = latin1_to_utf8(body);
        body = text;
    }
    const bool html = type == "text/html" || type == "application/xhtml+xml" || (type.empty() && looks_like_html(body));
    if (html) return to_valid_utf8(html_to_text(body));
    if (is_textual(type) || (type.empty() && !looks_binary(body))) return to_valid_utf8(body);
    return fmt::format("[binary content ({}), {} bytes, not shown]", type.empty() ? "unknown type" : type, body.size());
}

std::string url_for_messages(std::string_view url) {
    return std::string(url.substr(0, url.find_first_of("?#")));
}

}  // namespace hector::tools::detail
