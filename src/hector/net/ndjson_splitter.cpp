#include "hector/net/ndjson_splitter.hpp"

#include <fmt/format.h>

namespace hector::net {

namespace {

bool blank(std::string_view line) {
    return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

Status NdjsonSplitter::too_long() {
    failed_ = true;
    partial_.clear();
    return Error{Errc::payload_too_large, fmt::format("NDJSON line longer than {} bytes", max_line_bytes_)};
}

Status NdjsonSplitter::emit(std::string_view line, std::vector<std::string>& out) {
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.size() > max_line_bytes_) return too_long();
    if (!blank(line)) out.emplace_back(line);
    return {};
}

Status NdjsonSplitter::feed(std::string_view chunk, std::vector<std::string>& out) {
    if (failed_) return Error{Errc::payload_too_large, "NDJSON stream already failed"};
    std::size_t i = 0;
    while (i < chunk.size()) {
        const std::size_t end = chunk.find('\n', i);
        const std::size_t stop = end == std::string_view::npos ? chunk.size() : end;
        // One byte of slack for a CR that may turn out to end the line; emit() applies the exact bound.
        const std::size_t length = partial_.size() + (stop - i);
        if (length > max_line_bytes_ + 1) return too_long();
        if (length == max_line_bytes_ + 1 && end == std::string_view::npos && chunk.back() != '\r') return too_long();
        if (end == std::string_view::npos) {
            partial_.append(chunk.substr(i));
            break;
        }
        Status status;
        if (partial_.empty()) {
            status = emit(chunk.substr(i, end - i), out);
        } else {
            partial_.append(chunk.substr(i, end - i));
            const std::string line = std::move(partial_);
            partial_.clear();
            status = emit(line, out);
        }
        if (!status) return status;
        i = end + 1;
    }
    return {};
}

std::optional<std::string> NdjsonSplitter::finish() {
    std::string last = std::move(partial_);
    partial_.clear();
    if (last.ends_with('\r')) last.pop_back();
    if (failed_ || blank(last)) return std::nullopt;
    return last;
}

}  // namespace hector::net
