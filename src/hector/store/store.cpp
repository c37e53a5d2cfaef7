// Default implementations shared by the store backends.
#include "hector/store/session_store.hpp"
#include "hector/store/task_store.hpp"

namespace hector::store {

StateScope state_scope(std::string_view key) {
    if (key.starts_with("user:")) return StateScope::user;
    if (key.starts_with("app:")) return StateScope::app;
    if (key.starts_with("temp:")) return StateScope::temp;
    return StateScope::session;
}

void apply_state(boost::json::object& state, std::string_view key, const boost::json::value& value) {
    if (value.is_null())
        state.erase(key);
    else
        state[key] = value;
}

bool take_recorded_user_message(std::vector<SessionEvent>& history, const std::string& task_id) {
    for (auto it = history.rbegin(); it != history.rend(); ++it) {
        if (it->invocation_id == task_id && it->role == "user") {
            history.erase(std::next(it).base());
            return true;
        }
    }
    return false;
}

boost::asio::awaitable<Result<bool>> QueueStore::remove_and_peek(std::string task_id) {
    if (auto st = co_await remove(std::move(task_id)); !st) co_return st.error();
    co_return true;
}

boost::asio::awaitable<Status> TaskStore::finish_run(TaskRecord record, std::vector<TaskEvent> events) {
    auto app = record.app_id;
    auto id = record.task.id;
    if (auto st = co_await update(std::move(record)); !st) co_return st;
    co_return co_await replace_events(std::move(app), std::move(id), std::move(events));
}

boost::asio::awaitable<Result<TaskStore::Queued>> TaskStore::create_queued(TaskRecord record, QueueItem) {
    if (auto st = co_await create(std::move(record)); !st) co_return st.error();
    co_return Queued::elsewhere;
}

boost::asio::awaitable<Result<TaskStore::CreatedRun>> TaskStore::create_and_start(TaskRecord record, QueueItem item,
                                                                                  RunStart) {
    auto queued = co_await create_queued(std::move(record), std::move(item));
    if (!queued) co_return queued.error();
    co_return CreatedRun{*queued, std::nullopt};
}

boost::asio::awaitable<Result<TaskStore::RunStartStored>> TaskStore::start_run_with(
    const TaskRecord& record, const SessionKey&, const std::optional<SessionEvent>&) {
    if (auto st = co_await update(record); !st) co_return st.error();
    RunStartStored done;
    // Read here so that a notification of the change needs no read of its own (none, mostly: nobody asked).
    if (auto push = co_await push_configs(record.app_id, record.task.id); push) done.push_configs = std::move(*push);
    co_return done;
}

boost::asio::awaitable<Result<TaskStore::RunEndStored>> TaskStore::finish_run_with(RunEnd& end) {
    auto app = end.record.app_id;
    auto id = end.record.task.id;
    if (auto st = co_await finish_run(end.record, end.events); !st) co_return st.error();
    RunEndStored done;
    if (auto push = co_await push_configs(std::move(app), std::move(id)); push) done.push_configs = std::move(*push);
    co_return done;
}

boost::asio::awaitable<Result<TaskStore::RunStartStored>> TaskStore::start_run_in_session(
    const TaskRecord&, const SessionKey&, const std::optional<SessionEvent>&, std::size_t) {
    co_return Error{Errc::unsupported, "the sessions are not in this task store's database"};
}

boost::asio::awaitable<Result<std::vector<ClaimedRun>>> TaskStore::claim_runs(ClaimRequest) {
    co_return Error{Errc::unsupported, "this task store does not hold the queue"};
}

}  // namespace hector::store
