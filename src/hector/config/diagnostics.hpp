#pragma once

#include <string>
#include <vector>

namespace hector::config {

/// One finding about a config, qualified by its path ("agents.a.llm").
struct Diagnostic {
    std::string path;
    std::string message;
    /// True for unresolved references (a fragment that names something defined elsewhere).
    bool reference = false;
    std::string text() const { return path.empty() ? message : path + ": " + message; }
};

struct Diagnostics {
    std::vector<Diagnostic> errors;
    std::vector<Diagnostic> warnings;

    void error(std::string path, std::string message) { errors.push_back({std::move(path), std::move(message)}); }
    void reference_error(std::string path, std::string message) {
        errors.push_back({std::move(path), std::move(message), true});
    }
    void warn(std::string path, std::string message) { warnings.push_back({std::move(path), std::move(message)}); }
    bool ok() const { return errors.empty(); }
    /// All errors, one per line.
    std::string summary() const;
};

inline std::string join_path(const std::string& base, std::string_view key) {
    return base.empty() ? std::string(key) : base + "." + std::string(key);
}

}  // namespace hector::config
