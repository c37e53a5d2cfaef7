#include "hector/tools/detail/text.hpp"

#include <fmt/format.h>

namespace hector::tools::detail {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], 0 when invalid, -1 when cut off by the end of s.
int sequence_length(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) return 1;
    int len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (int k = 1; k < len; ++k) {
        if (i + static_cast<std::size_t>(k) >= s.size()) return -1;
        const auto cc = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
        if ((cc & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (cc & 0x3F);
    }
    const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

}  // namespace

std::string to_valid_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const int len = sequence_length(s, i);
        if (len > 0) {
            out.append(s.substr(i, static_cast<std::size_t>(len)));
            i += static_cast<std::size_t>(len);
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    return out;
}

std::size_t complete_utf8_prefix(std::string_view s) {
    // Only the last 3 bytes can start a sequence that is cut off.
    const std::size_t from = s.size() > 3 ? s.size() - 3 : 0;
    for (std::size_t i = from; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if ((c & 0xC0) == 0x80) continue;  // a continuation byte
        if (sequence_length(s, i) == -1) return i;
    }
    return s.size();
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos) {
            lines.push_back(text.substr(start));
            break;
        }
        lines.push_back(text.substr(start, nl - start));
        start = nl + 1;
    }
    return lines;
}

void append_numbered(std::string& out, std::size_t number, std::string_view line) {
    fmt::format_to(std::back_inserter(out), "{:>6}\t", number);
    out.append(line);
    out += '\n';
}

std::string truncation_marker(std::size_t dropped) {
    return fmt::format("…[truncated {} chars]", dropped);
}

std::string with_truncation_marker(std::string kept, std::size_t total) {
    if (total > kept.size()) kept += truncation_marker(total - kept.size());
    return kept;
}

}  // namespace hector::tools::detail
