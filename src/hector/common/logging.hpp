#pragma once

#include <fmt/format.h>

#include <atomic>
#include <optional>
#include <string>
#include <string_view>

#include "hector/common/result.hpp"

namespace hector::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3, off = 4 };
enum class Format { simple, verbose, json };

struct Settings {
    Level level = Level::info;
    std::string file;  // empty = stderr
    Format format = Format::simple;
};

std::optional<Level> parse_level(std::string_view s);
std::optional<Format> parse_format(std::string_view s);

/// Configures the process-wide logger (the only mutable global). Not thread-safe against concurrent logging;
/// call at start-up or on reload before new work starts.
Status init(const Settings& settings);

/// Who is speaking: a component name and, inside a request, its X-Request-ID.
struct Tag {
    std::string_view component;
    std::string_view request_id = {};
    Tag(const char* c) : component(c) {}  // NOLINT: implicit for log::info("http", ...)
    Tag(std::string_view c, std::string_view rid = {}) : component(c), request_id(rid) {}
};

bool enabled(Level level);
void write(Level level, const Tag& tag, std::string_view message);

template <class... A>
void debug(const Tag& t, fmt::format_string<A...> f, A&&... a) {
    if (enabled(Level::debug)) write(Level::debug, t, fmt::format(f, std::forward<A>(a)...));
}
template <class... A>
void info(const Tag& t, fmt::format_string<A...> f, A&&... a) {
    if (enabled(Level::info)) write(Level::info, t, fmt::format(f, std::forward<A>(a)...));
}
template <class... A>
void warn(const Tag& t, fmt::format_string<A...> f, A&&... a) {
    if (enabled(Level::warn)) write(Level::warn, t, fmt::format(f, std::forward<A>(a)...));
}
template <class... A>
void error(const Tag& t, fmt::format_string<A...> f, A&&... a) {
    if (enabled(Level::error)) write(Level::error, t, fmt::format(f, std::forward<A>(a)...));
}

}  // namespace hector::log
