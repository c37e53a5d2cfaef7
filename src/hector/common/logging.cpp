#include "hector/common/logging.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <sstream>
#include <thread>

#include "hector/common/time.hpp"

namespace hector::log {

namespace {

std::atomic<int> g_level{static_cast<int>(Level::info)};
std::atomic<int> g_format{static_cast<int>(Format::simple)};
std::shared_ptr<spdlog::logger> g_logger;

std::shared_ptr<spdlog::logger> logger() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (!g_logger) {
            g_logger = std::make_shared<spdlog::logger>("hector", std::make_shared<spdlog::sinks::stderr_sink_mt>());
            g_logger->set_pattern("%v");
            g_logger->set_level(spdlog::level::trace);
            g_logger->flush_on(spdlog::level::trace);
        }
    });
    return std::atomic_load(&g_logger);
}

std::string_view level_name(Level l) {
    switch (l) {
        case Level::debug:
            return "debug";
        case Level::info:
            return "info";
        case Level::warn:
            return "warn";
        case Level::error:
            return "error";
        default:
            return "off";
    }
}

}  // namespace

std::optional<Level> parse_level(std::string_view s) {
    if (s == "debug" || s == "trace") return Level::debug;
    if (s == "info") return Level::info;
    if (s == "warn" || s == "warning") return Level::warn;
    if (s == "error") return Level::error;
    if (s == "off") return Level::off;
    return std::nullopt;
}

std::optional<Format> parse_format(std::string_view s) {
    if (s == "simple" || s == "text") return Format::simple;
    if (s == "verbose") return Format::verbose;
    if (s == "json") return Format::json;
    return std::nullopt;
}

Status init(const Settings& settings) {
    std::shared_ptr<spdlog::logger> next;
    try {
        if (settings.file.empty()) {
            next = std::make_shared<spdlog::logger>("hector", std::make_shared<spdlog::sinks::stderr_sink_mt>());
        } else {
            next = std::make_shared<spdlog::logger>(
                "hector", std::make_shared<spdlog::sinks::basic_file_sink_mt>(settings.file, false));
        }
    } catch (const spdlog::spdlog_ex& e) {
        return Error{Errc::io_error, std::string("cannot open log file: ") + e.what()};
    }
    next->set_pattern("%v");
    next->set_level(spdlog::level::trace);
    next->flush_on(spdlog::level::trace);
    logger();  // make sure the default exists before swapping
    std::atomic_store(&g_logger, next);
    g_level = static_cast<int>(settings.level);
    g_format = static_cast<int>(settings.format);
    return {};
}

bool enabled(Level level) {
    return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed);
}

void write(Level level, const Tag& tag, std::string_view message) {
    auto now = Clock::now();
    std::string line;
    switch (static_cast<Format>(g_format.load(std::memory_order_relaxed))) {
        case Format::json: {
            boost::json::object o;
            o["timestamp"] = format_rfc3339_ms(now);
            o["level"] = level_name(level);
            o["msg"] = message;
            o["component"] = tag.component;
            if (!tag.request_id.empty()) o["request_id"] = tag.request_id;
            line = boost::json::serialize(o);
            break;
        }
        case Format::verbose: {
            std::ostringstream tid;
            tid << std::this_thread::get_id();
            line = fmt::format("{} {:<5} [{}] [tid {}] {}", format_rfc3339_ms(now), level_name(level), tag.component,
                               tid.str(), message);
            if (!tag.request_id.empty()) line += fmt::format(" request_id={}", tag.request_id);
            break;
        }
        case Format::simple:
        default:
            line = fmt::format("{} {:<5} [{}] {}", format_rfc3339(now), level_name(level), tag.component, message);
            if (!tag.request_id.empty()) line += fmt::format(" request_id={}", tag.request_id);
            break;
    }
    logger()->info(line);
}

}  // namespace hector::log
