#pragma once

#include <boost/asio/thread_pool.hpp>
#include <boost/json/value.hpp>

#include <memory>
#include <string>
#include <vector>

#include "hector/tools/tool.hpp"

namespace hector::agent {

/// A tool as one agent sees it: the name the model calls, the implementation, and the approval policy.
struct ToolBinding {
    std::string name;
    std::string description;
    boost::json::value parameters;  // JSON Schema given to the model
    std::shared_ptr<tools::Tool> tool;
    bool require_approval = false;
    std::string approval_prompt;  // "{arg}" placeholders filled from the call's arguments
};

/// What tool calls need from the process.
struct ToolDeps {
    net::HttpClient* http = nullptr;
    boost::asio::thread_pool* blocking = nullptr;
    std::size_t max_output_bytes = 1024 * 1024;
    bool allow_private_networks = false;
};

/// Renders an approval prompt: `{arg}` is replaced by that argument (strings as-is, others as JSON); the default
/// prompt is `Approve call to <tool>?`.
std::string render_approval_prompt(const ToolBinding& binding, const boost::json::object& arguments);

}  // namespace hector::agent
