#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "hector/config/diagnostics.hpp"
#include "hector/config/model.hpp"

// The pieces of validate() (platform.md §1.6), split by section. All of them only read the config and append to
// the diagnostics; each finding names its config path.
namespace hector::config::detail {

/// ^[A-Za-z0-9_-]{1,64}$: agent ids appear in URLs and tool names, tool ids are tool names.
bool valid_id(std::string_view id);

/// A 5-field cron expression: numbers, *, ranges a-b, lists a,b and steps */n or a-b/n (server.md §9.2).
bool valid_cron(std::string_view expr);

/// OTLP over gRPC (grpc:// or a scheme-less host:4317), which Hector does not export (DECISIONS 34).
bool is_grpc_endpoint(std::string_view endpoint);

/// An unresolved reference is a `reference` diagnostic: a fragment may define the target elsewhere.
template <class Map>
void check_ref(const Map& map, const std::string& ref, std::string_view kind, const std::string& path,
               Diagnostics& diag) {
    if (!ref.empty() && !map.contains(ref)) diag.reference_error(path, fmt::format("unknown {} \"{}\"", kind, ref));
}

void validate_agents(const Config& config, Diagnostics& diag);
void validate_tools(const Config& config, Diagnostics& diag);
void validate_rag(const Config& config, Diagnostics& diag);

}  // namespace hector::config::detail
