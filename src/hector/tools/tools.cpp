#include <fmt/format.h>

#include "hector/tools/builtin/builtins.hpp"
#include "hector/tools/detail/text.hpp"
#include "hector/tools/tool.hpp"

namespace hector::tools {

std::string truncate_output(std::string text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return text;
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
    const std::size_t dropped = text.size() - cut;
    text.resize(cut);
    text += detail::truncation_marker(dropped);
    return text;
}

Result<std::unique_ptr<Tool>> make_builtin(std::string_view handler, const config::ToolConfig& config) {
    using Factory = Result<std::unique_ptr<Tool>> (*)(const config::ToolConfig&);
    static constexpr std::pair<std::string_view, Factory> kFactories[] = {
        {"text_editor", builtin::make_text_editor}, {"apply_patch", builtin::make_apply_patch},
        {"grep_search", builtin::make_grep_search}, {"bash", builtin::make_bash},
        {"web_search", builtin::make_web_search},   {"web_fetch", builtin::make_web_fetch},
        {"web_request", builtin::make_web_request}, {"todo_write", builtin::make_todo_write},
    };
    for (const auto& [name, factory] : kFactories)
        if (name == handler) return factory(config);
    return Error{Errc::not_found, fmt::format("unknown built-in tool \"{}\" (known: text_editor, apply_patch, "
                                              "grep_search, bash, web_search, web_fetch, web_request, todo_write)",
                                              handler)};
}

}  // namespace hector::tools
