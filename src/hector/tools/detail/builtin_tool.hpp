#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "hector/config/model.hpp"
#include "hector/net/io.hpp"
#include "hector/tools/tool.hpp"

namespace hector::tools::detail {

/// The fixed parts every built-in shares: its name, its description and schema (the config may override both,
/// platform.md §5.1), and its approval default. Immutable after construction, so thread-safe.
class BuiltinTool : public Tool {
  public:
    BuiltinTool(std::string name, std::string description, boost::json::value parameters, bool approval,
                const config::ToolConfig& config)
        : name_(std::move(name)),
          description_(config.description.empty() ? std::move(description) : config.description),
          parameters_(config.parameters.present() ? config.parameters.value : std::move(parameters)),
          approval_(approval) {}

    const std::string& name() const override { return name_; }
    const std::string& description() const override { return description_; }
    const boost::json::value& parameters() const override { return parameters_; }
    bool approval_by_default() const override { return approval_; }

  private:
    std::string name_;
    std::string description_;
    boost::json::value parameters_;
    bool approval_;
};

/// Runs blocking work `f` on the context's blocking pool, or inline when the context has none (tests, tools run
/// outside a server). Exceptions thrown by f reach the awaiting coroutine.
template <class F>
auto offload(const ToolContext& context, F f) -> boost::asio::awaitable<std::invoke_result_t<F>> {
    using R = std::invoke_result_t<F>;
    if (context.blocking == nullptr) co_return f();
    if constexpr (std::is_default_constructible_v<R>) {
        co_return co_await net::run_blocking(*context.blocking, std::move(f));
    } else {
        // Asio 1.81's co_spawn default-constructs the result on its exception path; Result<T> cannot be.
        auto wrapped = [fn = std::move(f)]() mutable { return std::optional<R>(fn()); };
        std::optional<R> result = co_await net::run_blocking(*context.blocking, std::move(wrapped));
        co_return std::move(*result);
    }
}

}  // namespace hector::tools::detail
