#include "hector/automation/task_watcher.hpp"

#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace hector::automation {

namespace asio = boost::asio;

// A wake-up signal: one slot, so any number of status changes between two looks cost one wake-up.
struct TaskWatcher::Waiter {
    explicit Waiter(asio::any_io_executor ex) : wake(std::move(ex), 1) {}
    asio::experimental::concurrent_channel<void(boost::system::error_code)> wake;
};

bool stopped_running(a2a::TaskState state) {
    return a2a::is_terminal(state) || a2a::is_interrupted(state);
}

std::string final_text(const a2a::Task& task) {
    std::string out;
    for (const auto& artifact : task.artifacts) {
        for (const auto& part : artifact.parts) {
            if (part.kind != a2a::Part::Kind::text) continue;
            if (!out.empty()) out += "\n";
            out += part.text;
        }
    }
    if (out.empty() && task.status.message) out = task.status.message->text();
    return out;
}

TaskWatcher::TaskWatcher(tasks::TaskManager& tasks, std::chrono::milliseconds poll) : tasks_(tasks), poll_(poll) {}

void TaskWatcher::on_status(const store::TaskRecord& record) {
    if (!stopped_running(record.task.status.state)) return;
    std::lock_guard lock(mu_);
    auto [it, last] = waiters_.equal_range(record.task.id);
    while (it != last) {
        if (auto w = it->second.lock()) {
            w->wake.try_send(boost::system::error_code{});
            ++it;
        } else {
            it = waiters_.erase(it);
        }
    }
}

void TaskWatcher::forget(const std::string& task_id, const Waiter* waiter) {
    std::lock_guard lock(mu_);
    auto [it, last] = waiters_.equal_range(task_id);
    while (it != last) {
        auto w = it->second.lock();
        if (!w || w.get() == waiter)
            it = waiters_.erase(it);
        else
            ++it;
    }
}

asio::awaitable<Result<std::optional<a2a::Task>>> TaskWatcher::wait(tasks::Caller caller, std::string agent,
                                                                    std::string task_id,
                                                                    std::chrono::milliseconds timeout) {
    auto waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor);
    {
        // Registered before the first look, so an end between the look and the wait still wakes us.
        std::lock_guard lock(mu_);
        waiters_.emplace(task_id, waiter);
    }
    std::optional<Result<std::optional<a2a::Task>>> outcome;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!outcome) {
        auto task = co_await tasks_.get(caller, agent, task_id);
        if (!task) {
            outcome.emplace(std::move(task).error());
            break;
        }
        const auto state = task->status.state;
        if (stopped_running(state)) {
            outcome.emplace(std::optional<a2a::Task>(std::move(task).value()));
            break;
        }
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            outcome.emplace(std::optional<a2a::Task>());
            break;
        }
        asio::steady_timer timer(co_await asio::this_coro::executor,
                                 std::min<std::chrono::steady_clock::duration>(deadline - now, poll_));
        co_await asio::experimental::make_parallel_group(waiter->wake.async_receive(asio::deferred),
                                                         timer.async_wait(asio::deferred))
            .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
    }
    forget(task_id, waiter.get());
    co_return std::move(*outcome);
}

}  // namespace hector::automation
