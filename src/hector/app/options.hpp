#pragma once

#include <optional>
#include <string>

#include "hector/auth/authenticator.hpp"
#include "hector/config/zero_config.hpp"

namespace hector::app {

struct GlobalOptions {
    std::string config_path = ".hector/config.yaml";
    bool config_explicit = false;
    std::optional<std::string> log_level;
    std::optional<std::string> log_file;
    std::optional<std::string> log_format;
};

/// `hector serve` flags. Seeding flags shape a generated config; the rest are transient overrides that are
/// applied on every start and never written (platform.md §1.7).
struct ServeOptions {
    config::SeedOptions seed;
    std::optional<std::string> host;
    std::optional<int> port;
    bool ephemeral = false;
    bool watch = false;
    std::optional<std::string> auth_secret;
    auth::CliAuthFlags auth;  // --auth-jwks-url, --auth-issuer, --auth-audience, --auth-client-id, --auth-required
    bool metrics = false;
};

struct ValidateOptions {
    std::string path;
    std::string format = "compact";  // compact | verbose | json
    bool print_config = false;
};

inline constexpr const char* kVersion = HECTOR_VERSION;

}  // namespace hector::app
