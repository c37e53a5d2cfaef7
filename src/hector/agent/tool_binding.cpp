#include "hector/agent/tool_binding.hpp"

#include <boost/json/serialize.hpp>

namespace hector::agent {

std::string render_approval_prompt(const ToolBinding& binding, const boost::json::object& arguments) {
    if (binding.approval_prompt.empty()) return "Approve call to " + binding.name + "?";
    const std::string& t = binding.approval_prompt;
    std::string out;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i] == '{') {
            auto close = t.find('}', i + 1);
            if (close != std::string::npos) {
                std::string key = t.substr(i + 1, close - i - 1);
                if (const auto* v = arguments.if_contains(key)) {
                    out += v->is_string() ? std::string(v->get_string()) : boost::json::serialize(*v);
                    i = close;
                    continue;
                }
            }
        }
        out.push_back(t[i]);
    }
    return out;
}

}  // namespace hector::agent
