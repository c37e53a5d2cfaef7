// Default implementations shared by the store backends.
#include "hector/store/session_store.hpp"
#include "hector/store/task_store.hpp"

namespace hector::store {

boost::asio::awaitable<Status> TaskStore::finish_run(TaskRecord record, std::vector<TaskEvent> events) {
    auto app = record.app_id;
    auto id = record.task.id;
    if (auto st = co_await update(std::move(record)); !st) co_return st;
    co_return co_await replace_events(std::move(app), std::move(id), std::move(events));
}

}  // namespace hector::store
