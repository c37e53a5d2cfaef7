// todo_write: replaces the session's todo list (session state key "todos").

#include <boost/json/parse.hpp>

#include <fmt/format.h>

#include <set>

#include "hector/tools/builtin/builtins.hpp"
#include "hector/tools/detail/args.hpp"
#include "hector/tools/detail/builtin_tool.hpp"

namespace hector::tools::builtin {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxTodos = 100;
constexpr std::size_t kMaxContentBytes = 2000;

constexpr std::string_view kDescription =
    "Replace the todo list of this conversation with `todos`, each {id, content, status} where status is pending, "
    "in_progress or completed. Send the whole list every time; keep one item in_progress while working on it.";

json::value schema() {
    return json::parse(R"({
  "type": "object",
  "properties": {
    "todos": {
      "type": "array",
      "maxItems": 100,
      "items": {
        "type": "object",
        "properties": {
          "id": {"type": "string"},
          "content": {"type": "string"},
          "status": {"type": "string", "enum": ["pending", "in_progress", "completed"]}
        },
        "required": ["id", "content", "status"]
      }
    }
  },
  "required": ["todos"]
})");
}

Result<json::object> validate(const json::value& item, std::size_t index, std::set<std::string>& ids) {
    const std::string where = fmt::format("todos[{}]", index);
    if (!item.is_object()) return Error{Errc::invalid_argument, where + " must be an object"};
    const json::object& o = item.get_object();
    std::string id;
    if (const json::value* v = o.if_contains("id"); v != nullptr && v->is_string())
        id = std::string(v->get_string());
    else if (auto n = v != nullptr ? detail::as_int(*v) : std::nullopt)
        id = std::to_string(*n);  // models often number their items
    else
        return Error{Errc::invalid_argument, where + ".id must be a string"};
    if (id.empty()) return Error{Errc::invalid_argument, where + ".id is empty"};
    if (!ids.insert(id).second) return Error{Errc::invalid_argument, where + ".id \"" + id + "\" is used twice"};
    const json::value* content = o.if_contains("content");
    if (content == nullptr || !content->is_string() || content->get_string().empty())
        return Error{Errc::invalid_argument, where + ".content must be a non-empty string"};
    if (content->get_string().size() > kMaxContentBytes)
        return Error{Errc::invalid_argument,
                     fmt::format("{}.content is longer than {} bytes", where, kMaxContentBytes)};
    const json::value* status = o.if_contains("status");
    const std::string_view s = status != nullptr && status->is_string() ? std::string_view(status->get_string()) : "";
    if (s != "pending" && s != "in_progress" && s != "completed")
        return Error{Errc::invalid_argument, where + ".status must be pending, in_progress or completed"};
    json::object out;
    out["id"] = id;
    out["content"] = content->get_string();
    out["status"] = s;
    return out;
}

class TodoWrite final : public detail::BuiltinTool {
  public:
    explicit TodoWrite(const config::ToolConfig& config)
        : BuiltinTool("todo_write", std::string(kDescription), schema(), false, config) {}

    asio::awaitable<ToolResult> call(const json::object& arguments, ToolContext&) override { co_return run(arguments); }

  private:
    static ToolResult run(const json::object& args) {
        auto todos = detail::optional_array(args, "todos");
        if (!todos) return ToolResult::error(todos.error().message);
        if (*todos == nullptr) return ToolResult::error("missing required argument \"todos\"");
        if ((*todos)->size() > kMaxTodos)
            return ToolResult::error(fmt::format("at most {} todos are allowed", kMaxTodos));
        json::array list;
        std::set<std::string> ids;
        std::size_t counts[3] = {0, 0, 0};  // pending, in_progress, completed
        std::string lines;
        for (std::size_t i = 0; i < (*todos)->size(); ++i) {
            auto item = validate((**todos)[i], i, ids);
            if (!item) return ToolResult::error(item.error().message);
            const std::string_view status = (*item)["status"].get_string();
            const int k = status == "pending" ? 0 : status == "in_progress" ? 1 : 2;
            ++counts[k];
            lines += fmt::format("{} {}. {}\n",
                                 k == 0   ? "[ ]"
                                 : k == 1 ? "[~]"
                                          : "[x]",
                                 std::string_view((*item)["id"].get_string()),
                                 std::string_view((*item)["content"].get_string()));
            list.push_back(std::move(*item));
        }
        ToolResult result;
        result.content = fmt::format("Todo list updated: {} item(s), {} completed, {} in progress, {} pending.\n{}",
                                     list.size(), counts[2], counts[1], counts[0], lines);
        result.state_delta["todos"] = std::move(list);
        return result;
    }
};

}  // namespace

Result<std::unique_ptr<Tool>> make_todo_write(const config::ToolConfig& config) {
    return std::unique_ptr<Tool>(std::make_unique<TodoWrite>(config));
}

}  // namespace hector::tools::builtin
