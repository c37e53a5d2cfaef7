#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hector/common/result.hpp"

namespace hector::net {

/// One dispatched server-sent event.
struct SseEvent {
    std::string type = "message";  // the `event:` field, "message" when absent
    std::string data;              // the `data:` lines joined with '\n'
    std::string id;                // the last event ID in effect at dispatch (it persists across events)

    bool operator==(const SseEvent&) const = default;
};

/// Incremental client-side parser of a text/event-stream body, as the W3C/WHATWG event-stream interpretation
/// rules say: lines end with CRLF, LF or CR (a CRLF split across chunks counts once); a leading BOM is dropped;
/// `:` lines are comments; `event`, `data`, `id` (ignored if it holds NUL) and `retry` (digits only) fields;
/// unknown fields are ignored; an event is dispatched on a blank line, and only when it has data. An event that
/// is still incomplete when the body ends is not dispatched (see has_partial_event()).
///
/// Chunks may split anywhere. A line or a pending event larger than max_event_bytes fails with
/// Errc::payload_too_large, after which the parser refuses further input. Pure; not thread-safe (one per stream).
class SseParser {
  public:
    static constexpr std::size_t kDefaultMaxEventBytes = 16 * 1024 * 1024;

    explicit SseParser(std::size_t max_event_bytes = kDefaultMaxEventBytes) : max_event_bytes_(max_event_bytes) {}

    /// Parses a chunk and appends every event it completes to `out`.
    Status feed(std::string_view chunk, std::vector<SseEvent>& out);

    /// The last valid `retry:` value, in milliseconds.
    std::optional<std::chrono::milliseconds> retry() const { return retry_; }
    const std::string& last_event_id() const { return last_id_; }
    /// True when fields or a partial line are waiting for a blank line: the body ended mid-event.
    bool has_partial_event() const { return !line_.empty() || !data_.empty() || !type_.empty(); }

  private:
    Status process_line(std::string_view line, std::vector<SseEvent>& out);
    void dispatch(std::vector<SseEvent>& out);
    Status too_large();

    std::size_t max_event_bytes_;
    std::string line_;  // a line whose end has not arrived yet
    std::string data_;
    std::string type_;
    std::string last_id_;
    std::optional<std::chrono::milliseconds> retry_;
    bool pending_cr_ = false;  // the previous chunk ended with CR: a leading LF completes that line ending
    bool first_line_ = true;
    bool failed_ = false;
};

}  // namespace hector::net
