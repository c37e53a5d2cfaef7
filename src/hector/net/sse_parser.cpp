#include "hector/net/sse_parser.hpp"

#include <fmt/format.h>

#include <cstring>

namespace hector::net {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// The first CR or LF at or after `from`, or npos: memchr for LF, then for CR only before it (both vectorised,
// where find_first_of("\r\n") looks at the set once per byte).
std::size_t line_end(std::string_view s, std::size_t from) {
    const char* begin = s.data() + from;
    const std::size_t n = s.size() - from;
    const auto* lf = static_cast<const char*>(std::memchr(begin, '\n', n));
    const std::size_t before_lf = lf ? static_cast<std::size_t>(lf - begin) : n;
    const auto* cr = static_cast<const char*>(std::memchr(begin, '\r', before_lf));
    if (cr) return from + static_cast<std::size_t>(cr - begin);
    return lf ? from + before_lf : std::string_view::npos;
}

}  // namespace

Status SseParser::too_large() {
    failed_ = true;
    line_.clear();
    data_.clear();
    return Error{Errc::payload_too_large, fmt::format("server-sent event larger than {} bytes", max_event_bytes_)};
}

Status SseParser::feed(std::string_view chunk, std::vector<SseEvent>& out) {
    if (failed_) return Error{Errc::payload_too_large, "server-sent event stream already failed"};
    std::size_t i = 0;
    while (i < chunk.size()) {
        if (pending_cr_) {
            pending_cr_ = false;
            if (chunk[i] == '\n') {
                ++i;
                continue;
            }
        }
        const std::size_t end = line_end(chunk, i);
        if (end == std::string_view::npos) {
            if (line_.size() + data_.size() + (chunk.size() - i) > max_event_bytes_) return too_large();
            line_.append(chunk.substr(i));
            break;
        }
        const std::string_view piece = chunk.substr(i, end - i);
        if (line_.size() + data_.size() + piece.size() > max_event_bytes_) return too_large();
        Status status;
        if (line_.empty()) {
            status = process_line(piece, out);
        } else {
            line_.append(piece);
            const std::string line = std::move(line_);
            line_.clear();
            status = process_line(line, out);
        }
        if (!status) return status;
        pending_cr_ = chunk[end] == '\r';
        i = end + 1;
    }
    return {};
}

Status SseParser::process_line(std::string_view line, std::vector<SseEvent>& out) {
    if (first_line_) {
        first_line_ = false;
        if (line.starts_with(kBom)) line.remove_prefix(kBom.size());
    }
    if (line.empty()) {
        dispatch(out);
        return {};
    }
    if (line.front() == ':') return {};  // comment (keep-alive)
    const std::size_t colon = line.find(':');
    const std::string_view field = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
    if (value.starts_with(' ')) value.remove_prefix(1);
    if (field == "data") {
        if (data_.size() + value.size() + 1 > max_event_bytes_) return too_large();
        data_.append(value);
        data_.push_back('\n');
    } else if (field == "event") {
        type_.assign(value);
    } else if (field == "id") {
        if (value.find('\0') == std::string_view::npos) last_id_.assign(value);
    } else if (field == "retry") {
        const bool digits =
            !value.empty() && value.size() <= 9 && value.find_first_not_of("0123456789") == std::string_view::npos;
        if (digits) retry_ = std::chrono::milliseconds(std::stol(std::string(value)));
    }
    return {};
}

void SseParser::dispatch(std::vector<SseEvent>& out) {
    if (data_.empty()) {
        type_.clear();
        return;
    }
    data_.pop_back();  // the '\n' after the last data line
    SseEvent event;
    if (!type_.empty()) event.type = std::move(type_);
    event.data.assign(data_);  // one allocation of the exact size; data_ keeps its capacity for the next event
    event.id = last_id_;
    out.push_back(std::move(event));
    data_.clear();
    if (data_.capacity() > 64 * 1024) std::string().swap(data_);  // a huge event does not stay pinned
    type_.clear();
}

}  // namespace hector::net
