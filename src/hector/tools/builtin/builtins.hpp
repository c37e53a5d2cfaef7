#pragma once

#include <memory>

#include "hector/common/result.hpp"
#include "hector/config/model.hpp"
#include "hector/tools/tool.hpp"

/// Factories of the built-in tools (platform.md §5.2), one per file; make_builtin() dispatches to them.
namespace hector::tools::builtin {

Result<std::unique_ptr<Tool>> make_text_editor(const config::ToolConfig& config);
Result<std::unique_ptr<Tool>> make_apply_patch(const config::ToolConfig& config);
Result<std::unique_ptr<Tool>> make_grep_search(const config::ToolConfig& config);
Result<std::unique_ptr<Tool>> make_bash(const config::ToolConfig& config);
Result<std::unique_ptr<Tool>> make_web_fetch(const config::ToolConfig& config);
Result<std::unique_ptr<Tool>> make_web_request(const config::ToolConfig& config);
Result<std::unique_ptr<Tool>> make_web_search(const config::ToolConfig& config);
Result<std::unique_ptr<Tool>> make_todo_write(const config::ToolConfig& config);

}  // namespace hector::tools::builtin
