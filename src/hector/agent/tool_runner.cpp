#include "hector/agent/tool_runner.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include "hector/common/logging.hpp"
#include "hector/net/io.hpp"

namespace hector::agent {

namespace asio = boost::asio;

namespace {

const ToolBinding* find(const std::vector<ToolBinding>& bindings, std::string_view name) {
    for (const auto& b : bindings)
        if (b.name == name) return &b;
    return nullptr;
}

// Counts finished calls; the waiting coroutine sleeps on a timer that the last call cancels. Everything runs on
// one executor (the run's strand), so no locking.
struct Latch {
    explicit Latch(asio::any_io_executor ex, std::size_t n)
        : timer(ex, asio::steady_timer::time_point::max()), left(n) {}
    asio::steady_timer timer;
    std::size_t left;
    void done() {
        if (--left == 0) timer.cancel();
    }
};

asio::awaitable<tools::ToolResult> call_one(const ToolBinding& binding, boost::json::object args,
                                            tools::ToolContext ctx, std::shared_ptr<asio::cancellation_signal> signal,
                                            std::shared_ptr<bool> cancelled) {
    auto ex = co_await asio::this_coro::executor;
    // A cancel that arrived before the call started (it was registered first) must not be lost: the signal's
    // handler is only installed by the co_spawn below, in the same step on this strand.
    if (*cancelled) co_return tools::ToolResult::error("tool call cancelled by user");
    try {
        auto result = co_await asio::co_spawn(ex, net::cancel_safe(binding.tool->call(args, ctx)),
                                              asio::bind_cancellation_slot(signal->slot(), asio::use_awaitable));

        if (*cancelled) co_return tools::ToolResult::error("tool call cancelled by user");
        co_return result;
    } catch (const boost::system::system_error& e) {
        if (*cancelled || e.code() == asio::error::operation_aborted)
            co_return tools::ToolResult::error("tool call cancelled by user");
        co_return tools::ToolResult::error(std::string("tool failed: ") + e.what());
    } catch (const std::exception& e) {
        co_return tools::ToolResult::error(std::string("tool failed: ") + e.what());
    }
}

}  // namespace

asio::awaitable<std::vector<CallOutcome>> run_tool_calls(const std::vector<llm::ToolCall>& calls,
                                                         const std::vector<ToolBinding>& bindings,
                                                         const ToolCallEnv& env, RunEmitter& emit) {
    auto ex = co_await asio::this_coro::executor;
    auto outcomes = std::make_shared<std::vector<CallOutcome>>(calls.size());
    auto latch = std::make_shared<Latch>(ex, calls.size());
    std::vector<std::function<void()>> cancels;
    for (std::size_t i = 0; i < calls.size(); ++i) {
        const auto& call = calls[i];
        (*outcomes)[i].call = call;
        const ToolBinding* binding = find(bindings, call.name);
        if (!binding) {
            (*outcomes)[i].result =
                tools::ToolResult::error("tool \"" + call.name + "\" is not available to this agent");
            latch->done();
            continue;
        }
        boost::system::error_code ec;
        auto parsed = boost::json::parse(call.arguments.empty() ? std::string_view("{}") : call.arguments, ec);
        if (ec || !parsed.is_object()) {
            (*outcomes)[i].result = tools::ToolResult::error("the arguments are not a JSON object: " + call.arguments);
            latch->done();
            continue;
        }
        tools::ToolContext ctx;
        ctx.app_id = env.input->app_id;
        ctx.user_id = env.input->user_id;
        ctx.context_id = env.input->context_id;
        ctx.task_id = env.input->task_id;
        ctx.call_id = call.id;
        ctx.session_state = env.input->session_state;
        ctx.progress = [&emit, id = call.id](std::string_view text) { emit.tool_progress(id, text); };
        ctx.http = env.deps.http;
        ctx.blocking = env.deps.blocking;
        ctx.max_output_bytes = env.deps.max_output_bytes;
        ctx.allow_private_networks = env.deps.allow_private_networks;

        auto signal = std::make_shared<asio::cancellation_signal>();
        auto cancelled = std::make_shared<bool>(false);
        std::function<void()> cancel = [signal, cancelled] {
            if (*cancelled) return;
            *cancelled = true;
            signal->emit(asio::cancellation_type::terminal);
        };
        cancels.push_back(cancel);
        emit.tool_call_started(call.id, std::move(cancel));
        asio::co_spawn(ex, call_one(*binding, std::move(parsed).as_object(), std::move(ctx), signal, cancelled),
                       [outcomes, latch, i, signal, &emit, id = call.id](std::exception_ptr e, tools::ToolResult r) {
                           (*outcomes)[i].result = e ? tools::ToolResult::error("tool failed") : std::move(r);
                           emit.tool_call_finished(id);
                           latch->done();
                       });
    }
    // Every call must finish before this frame (and the emitter the calls report to) goes away: when the run
    // itself is cancelled, cancel the calls and keep waiting for them.
    while (latch->left > 0) {
        boost::system::error_code ec;
        co_await latch->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (latch->left == 0) break;
        if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) {
            for (auto& c : cancels) c();
            co_await asio::this_coro::reset_cancellation_state();
        }
    }
    for (auto& o : *outcomes) {
        if (env.max_tool_output_length > 0)
            o.result.content = tools::truncate_output(std::move(o.result.content), env.max_tool_output_length);
    }
    co_return std::move(*outcomes);
}

}  // namespace hector::agent
