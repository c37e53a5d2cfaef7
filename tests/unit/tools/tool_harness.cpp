#include "unit/tools/tool_harness.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace hector::tools::testing {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

TempDir::TempDir() {
    std::string pattern = (fs::temp_directory_path() / "hector-tools-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = fs::canonical(pattern);
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

fs::path TempDir::write(const std::string& relative, const std::string& content) const {
    const fs::path p = path_ / relative;
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + p.string());
    return p;
}

std::string TempDir::read(const std::string& relative) const {
    std::ifstream in(path_ / relative, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + relative);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

bool TempDir::exists(const std::string& relative) const {
    std::error_code ec;
    return fs::exists(fs::symlink_status(path_ / relative, ec));
}

Harness::Harness() : runtime_(2, 2) {
    runtime_.start();
}

Harness::~Harness() {
    runtime_.stop();
}

ToolContext Harness::context() {
    ToolContext ctx;
    ctx.blocking = &runtime_.blocking();
    ctx.call_id = "call-1";
    return ctx;
}

ToolResult Harness::call(Tool& tool, const json::object& args, ToolContext& ctx, std::chrono::milliseconds limit) {
    auto future = asio::co_spawn(runtime_.io(), tool.call(args, ctx), asio::use_future);
    if (future.wait_for(limit) != std::future_status::ready) throw std::runtime_error("the tool call did not finish");
    return future.get();
}

ToolResult Harness::call(Tool& tool, const json::object& args) {
    ToolContext ctx = context();
    return call(tool, args, ctx);
}

CancellableCall::CancellableCall(Harness& harness, Tool& tool, json::object args, ToolContext& ctx)
    : strand_(asio::make_strand(harness.runtime().io())), args_(std::move(args)) {
    future_ =
        asio::co_spawn(strand_, tool.call(args_, ctx), asio::bind_cancellation_slot(signal_.slot(), asio::use_future));
}

void CancellableCall::cancel() {
    asio::post(strand_, [this] { signal_.emit(asio::cancellation_type::terminal); });
}

std::optional<ToolResult> CancellableCall::wait(std::chrono::milliseconds limit) {
    if (future_.wait_for(limit) != std::future_status::ready) return std::nullopt;
    return future_.get();
}

config::ToolConfig config_in(const fs::path& dir) {
    config::ToolConfig c;
    c.working_directory = dir.string();
    return c;
}

std::unique_ptr<Tool> make(std::string_view handler, const config::ToolConfig& config) {
    auto tool = make_builtin(handler, config);
    if (!tool) throw std::runtime_error(tool.error().message);
    return std::move(*tool);
}

json::object parse_object(const std::string& text) {
    json::value v = json::parse(text);
    if (!v.is_object()) throw std::runtime_error("not a JSON object: " + text);
    return std::move(v.as_object());
}

bool group_alive(pid_t pgid) {
    for (const auto& entry : fs::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream in(entry.path() / "stat");
        std::string stat;
        if (!std::getline(in, stat)) continue;
        const std::size_t paren = stat.rfind(')');
        if (paren == std::string::npos) continue;
        std::istringstream rest(stat.substr(paren + 2));
        char state = 0;
        long ppid = 0;
        long pgrp = 0;
        rest >> state >> ppid >> pgrp;
        if (pgrp == pgid && state != 'Z' && state != 'X') return true;
    }
    return false;
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

}  // namespace hector::tools::testing
