#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hector/common/result.hpp"

namespace hector::net {

/// Splits a newline-delimited JSON body (Ollama, some streaming APIs) into lines across arbitrary chunk
/// boundaries. Lines end with LF or CRLF; a lone CR is JSON whitespace and stays in its line. Blank lines are
/// skipped. A line longer than max_line_bytes fails with Errc::payload_too_large, after which the splitter refuses
/// further input. Pure; not thread-safe (one per stream).
class NdjsonSplitter {
  public:
    static constexpr std::size_t kDefaultMaxLineBytes = 16 * 1024 * 1024;

    explicit NdjsonSplitter(std::size_t max_line_bytes = kDefaultMaxLineBytes) : max_line_bytes_(max_line_bytes) {}

    /// Appends every line the chunk completes to `out`, without its line ending.
    Status feed(std::string_view chunk, std::vector<std::string>& out);

    /// At the end of the body: the last line when it had no newline, unless blank.
    std::optional<std::string> finish();

  private:
    Status emit(std::string_view line, std::vector<std::string>& out);
    Status too_long();

    std::size_t max_line_bytes_;
    std::string partial_;
    bool failed_ = false;
};

}  // namespace hector::net
