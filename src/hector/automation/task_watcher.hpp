#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "hector/a2a/types.hpp"
#include "hector/common/result.hpp"
#include "hector/store/task_store.hpp"
#include "hector/tasks/task_manager.hpp"

namespace hector::automation {

/// Lets a coroutine wait until a task stops running (a terminal state, or input-required/auth-required): sync
/// webhooks and webhook callbacks. Woken by the TaskManager status listener (on_status), and reading the task every
/// `poll` as well, so a task that another instance runs (the queue) or that ended before the wait began is seen
/// too. Thread-safe; on_status never blocks.
class TaskWatcher {
  public:
    TaskWatcher(tasks::TaskManager& tasks, std::chrono::milliseconds poll);

    /// The status listener.
    void on_status(const store::TaskRecord& record);

    /// The task once it stopped running (terminal, or waiting on its caller); nullopt when `timeout` passed first.
    /// Errors of tasks/get (the task is gone) are returned as they are.
    boost::asio::awaitable<Result<std::optional<a2a::Task>>> wait(tasks::Caller caller, std::string agent,
                                                                  std::string task_id,
                                                                  std::chrono::milliseconds timeout);

    struct Waiter;

  private:
    /// Drops `waiter` and any waiter of the task whose wait is gone.
    void forget(const std::string& task_id, const Waiter* waiter);

    tasks::TaskManager& tasks_;
    std::chrono::milliseconds poll_;
    std::mutex mu_;
    // By task id. Weak: a wait whose coroutine is destroyed without finishing (the io_context going away at
    // shutdown) leaves an expired entry behind, pruned later, instead of touching this object from its frame.
    std::multimap<std::string, std::weak_ptr<Waiter>> waiters_;
};

/// True once a task no longer runs: terminal or waiting on its client.
bool stopped_running(a2a::TaskState state);

/// The agent's final text: the text parts of the task's artifacts, else of its status message.
std::string final_text(const a2a::Task& task);

}  // namespace hector::automation
