#include "hector/config/env.hpp"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace hector::config {

namespace fs = std::filesystem;

Environment Environment::process() {
    return Environment{};
}

Environment Environment::fixed(std::map<std::string, std::string> vars) {
    Environment e;
    e.use_process_ = false;
    e.fixed_ = std::move(vars);
    return e;
}

std::optional<std::string> Environment::get(std::string_view name) const {
    std::string key(name);
    if (use_process_) {
        if (const char* v = std::getenv(key.c_str())) return std::string(v);
    } else if (auto it = fixed_.find(key); it != fixed_.end()) {
        return it->second;
    }
    if (auto it = overlay_.find(key); it != overlay_.end()) return it->second;
    return std::nullopt;
}

Result<int> Environment::load_dotenv(const std::string& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return 0;
    std::ifstream in(path);
    if (!in) return Error{Errc::io_error, fmt::format("{}: cannot read", path)};
    std::stringstream ss;
    ss << in.rdbuf();
    auto vars = parse_dotenv(ss.str());
    if (!vars) return Error{Errc::parse_error, fmt::format("{}: {}", path, vars.error().message)};
    int n = 0;
    for (auto& [k, v] : *vars) {
        if (overlay_.emplace(k, v).second) ++n;
    }
    return n;
}

std::vector<std::string> Environment::load_default_dotenvs(const std::string& config_path) {
    std::vector<std::string> candidates{".env"};
    fs::path dir = fs::path(config_path).parent_path();
    if (!dir.empty()) candidates.push_back((dir / ".env").string());
    if (const char* home = std::getenv("HOME")) {
        candidates.push_back((fs::path(home) / ".hector" / ".env").string());
        candidates.push_back((fs::path(home) / ".env").string());
    }
    std::vector<std::string> read;
    std::vector<fs::path> seen;
    for (const auto& c : candidates) {
        std::error_code ec;
        auto canonical = fs::weakly_canonical(c, ec);
        bool dup = false;
        for (const auto& s : seen) dup = dup || s == canonical;
        if (dup) continue;
        seen.push_back(canonical);
        auto r = load_dotenv(c);
        if (r.ok() && *r >= 0 && fs::is_regular_file(c, ec)) read.push_back(c);
    }
    return read;
}

Result<std::map<std::string, std::string>> parse_dotenv(std::string_view text) {
    std::map<std::string, std::string> out;
    int line_no = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
        if (line.empty() || line.front() == '#') {
            if (end == text.size()) break;
            continue;
        }
        if (line.substr(0, 7) == "export ") line.remove_prefix(7);
        auto eq = line.find('=');
        if (eq == std::string_view::npos)
            return Error{Errc::parse_error, fmt::format("line {}: expected KEY=VALUE", line_no)};
        std::string_view key = line.substr(0, eq);
        while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.remove_suffix(1);
        bool valid_key = !key.empty() && (std::isalpha(static_cast<unsigned char>(key.front())) || key.front() == '_');
        for (char c : key)
            valid_key = valid_key && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.');
        if (!valid_key) return Error{Errc::parse_error, fmt::format("line {}: invalid variable name", line_no)};
        std::string_view raw = line.substr(eq + 1);
        while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.front()))) raw.remove_prefix(1);
        std::string value;
        if (!raw.empty() && (raw.front() == '"' || raw.front() == '\'')) {
            char q = raw.front();
            std::size_t i = 1;
            bool closed = false;
            for (; i < raw.size(); ++i) {
                char c = raw[i];
                if (c == q) {
                    closed = true;
                    break;
                }
                if (q == '"' && c == '\\' && i + 1 < raw.size()) {
                    char n = raw[++i];
                    value.push_back(n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n);
                } else {
                    value.push_back(c);
                }
            }
            if (!closed) return Error{Errc::parse_error, fmt::format("line {}: unterminated quote", line_no)};
        } else {
            auto hash = raw.find(" #");
            if (hash != std::string_view::npos) raw = raw.substr(0, hash);
            while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.back()))) raw.remove_suffix(1);
            value = std::string(raw);
        }
        out.emplace(std::string(key), std::move(value));  // first definition in a file wins too
        if (end == text.size()) break;
    }
    return out;
}

std::string expand_env(std::string_view text, const Environment& env, std::vector<std::string>& missing) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c != '$' || i + 1 >= text.size()) {
            out.push_back(c);
            continue;
        }
        if (text[i + 1] == '$') {
            out.push_back('$');
            ++i;
            continue;
        }
        if (text[i + 1] != '{') {
            out.push_back(c);
            continue;
        }
        auto close = text.find('}', i + 2);
        if (close == std::string_view::npos) {
            out.append(text.substr(i));
            break;
        }
        std::string_view body = text.substr(i + 2, close - i - 2);
        std::string_view name = body;
        std::optional<std::string_view> fallback;
        if (auto colon = body.find(':'); colon != std::string_view::npos) {
            name = body.substr(0, colon);
            fallback = body.substr(colon + 1);
        }
        bool valid = !name.empty();
        for (char ch : name) valid = valid && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_');
        if (!valid) {
            out.append(text.substr(i, close - i + 1));
            i = close;
            continue;
        }
        if (auto v = env.get(name)) {
            out += *v;
        } else if (fallback) {
            out += *fallback;
        } else {
            missing.emplace_back(name);
        }
        i = close;
    }
    return out;
}

}  // namespace hector::config
