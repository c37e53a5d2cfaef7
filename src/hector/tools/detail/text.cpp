#include "hector/tools/detail/text.hpp"

#include <fmt/format.h>

#include "hector/common/strings.hpp"

namespace hector::tools::detail {

std::size_t complete_utf8_prefix(std::string_view s) {
    // Only the last 3 bytes can start a sequence that is cut off.
    const std::size_t from = s.size() > 3 ? s.size() - 3 : 0;
    for (std::size_t i = from; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if ((c & 0xC0) == 0x80) continue;  // a continuation byte
        if (utf8_sequence_length(s, i) == -1) return i;
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
