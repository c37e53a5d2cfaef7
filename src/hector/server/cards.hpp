#pragma once

#include <boost/json/object.hpp>

#include <string>

#include "hector/config/model.hpp"

namespace hector::server {

/// The A2A v0.3.0 AgentCard of one agent (a2a-wire.md §3, server.md §4). `base` is the server's base URL.
boost::json::object agent_card(const std::string& id, const config::AgentConfig& agent, const std::string& base,
                               bool auth_active);

}  // namespace hector::server
