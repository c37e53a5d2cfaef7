#include "hector/store/memory/memory_task_store.hpp"

#include <algorithm>
#include <type_traits>
#include <utility>

namespace hector::store {

namespace {

std::string message_key(const std::string& app, const std::string& user, const std::string& ctx,
                        const std::string& msg) {
    std::string k;
    k.reserve(app.size() + user.size() + ctx.size() + msg.size() + 3);
    k.append(app).push_back('\0');
    k.append(user).push_back('\0');
    k.append(ctx).push_back('\0');
    k.append(msg);
    return k;
}

std::string context_key(const std::string& app, const std::string& ctx) {
    std::string k;
    k.reserve(app.size() + ctx.size() + 1);
    k.append(app).push_back('\0');
    k.append(ctx);
    return k;
}

Error not_found() {
    return Error{Errc::task_not_found, "Task not found"};
}

}  // namespace

MemoryTaskStore::MemoryTaskStore(std::size_t max_terminal, std::chrono::milliseconds retention)
    : max_terminal_(max_terminal), retention_(retention) {}

MemoryTaskStore::Entry* MemoryTaskStore::find(const std::string& app_id, const std::string& task_id) {
    auto it = tasks_.find(task_id);
    if (it == tasks_.end() || it->second.record.app_id != app_id) return nullptr;
    return &it->second;
}

void MemoryTaskStore::remember_messages(Entry& e) {
    const auto& r = e.record;
    // A run's updates keep the history it began with and add to it: only what is new is looked at.
    if (e.messages_seen > r.task.history.size()) e.messages_seen = 0;
    for (std::size_t i = e.messages_seen; i < r.task.history.size(); ++i) {
        const auto& m = r.task.history[i];
        if (m.role != a2a::Role::user || m.message_id.empty()) continue;
        auto key = message_key(r.app_id, r.user_id, r.task.context_id, m.message_id);
        if (by_message_.emplace(key, r.task.id).second) e.message_keys.push_back(std::move(key));
    }
    e.messages_seen = r.task.history.size();
}

void MemoryTaskStore::set_active(Entry& e, bool active) {
    if (e.active == active) return;
    e.active = active;
    const auto key = context_key(e.record.app_id, e.record.task.context_id);
    if (active) {
        active_by_context_[key].push_back(e.record.task.id);
        return;
    }
    auto it = active_by_context_.find(key);
    if (it == active_by_context_.end()) return;
    std::erase(it->second, e.record.task.id);
    if (it->second.empty()) active_by_context_.erase(it);
}

void MemoryTaskStore::forget(Entry& e) {
    for (const auto& key : e.message_keys) {
        auto it = by_message_.find(key);
        if (it != by_message_.end() && it->second == e.record.task.id) by_message_.erase(it);
    }
    e.message_keys.clear();
    set_active(e, false);
    if (e.finished_order) terminal_.erase(e.finished_order);
    e.finished_order = 0;
}

void MemoryTaskStore::note_terminal(Entry& e, std::vector<Entry>& dead) {
    const bool terminal = a2a::is_terminal(e.record.task.status.state);
    set_active(e, !terminal);
    if (e.finished_order != 0 || !terminal) return;
    e.finished_order = ++finished_counter_;
    terminal_.emplace(e.finished_order, e.record.task.id);
    purge(dead, &e);
}

void MemoryTaskStore::purge(std::vector<Entry>& dead, const Entry* keep) {
    const auto now = Clock::now();
    while (!terminal_.empty()) {
        auto oldest = terminal_.begin();
        auto it = tasks_.find(oldest->second);
        // The task that just ended stays (callers go on using it), whatever the bounds: the next purge takes it.
        if (it != tasks_.end() && &it->second == keep) break;
        bool expired = it == tasks_.end() || it->second.record.updated_at + retention_ < now;
        if (terminal_.size() <= max_terminal_ && !expired) break;
        terminal_.erase(oldest);
        if (it != tasks_.end()) {
            it->second.finished_order = 0;  // already out of terminal_
            forget(it->second);
            dead.push_back(std::move(it->second));
            tasks_.erase(it);
        }
    }
}

boost::asio::awaitable<Status> MemoryTaskStore::create(TaskRecord record) {
    std::vector<Entry> dead;
    std::lock_guard lock(mu_);
    auto [it, added] = tasks_.try_emplace(record.task.id);
    if (!added) co_return Error{Errc::conflict, "task id already exists"};
    auto& e = it->second;
    e.record = std::move(record);
    remember_messages(e);
    note_terminal(e, dead);
    co_return Status{};
}

boost::asio::awaitable<Result<TaskRecord>> MemoryTaskStore::get(std::string app_id, std::string task_id) {
    std::lock_guard lock(mu_);
    auto* e = find(app_id, task_id);
    if (!e) co_return not_found();
    co_return e->record;
}

template <class Record>
Result<MemoryTaskStore::Entry*> MemoryTaskStore::update_locked(Record&& record, TaskRecord& old,
                                                               std::vector<Entry>& dead) {
    auto* e = find(record.app_id, record.task.id);
    if (!e) return not_found();
    if (a2a::is_terminal(e->record.task.status.state) && e->record.task.status.state != record.task.status.state)
        return Error{Errc::conflict, "task is already " + std::string(a2a::to_string(e->record.task.status.state))};
    if (record.task.context_id != e->record.task.context_id) {
        set_active(*e, false);  // re-listed below
        e->messages_seen = 0;
    }
    if constexpr (std::is_rvalue_reference_v<Record&&>)
        old = std::exchange(e->record, std::move(record));
    else
        e->record = record;  // assigned in place: the stored strings and vectors mostly keep their buffers
    remember_messages(*e);
    note_terminal(*e, dead);
    return e;
}

boost::asio::awaitable<Status> MemoryTaskStore::update(TaskRecord record) {
    std::vector<Entry> dead;
    TaskRecord old;  // freed after the lock, like `dead`
    std::lock_guard lock(mu_);
    if (auto e = update_locked(std::move(record), old, dead); !e) co_return e.error();
    co_return Status{};
}

boost::asio::awaitable<Result<TaskStore::RunStartStored>> MemoryTaskStore::start_run_with(
    const TaskRecord& record, const SessionKey&, const std::optional<SessionEvent>&) {
    std::vector<Entry> dead;
    TaskRecord old;
    std::lock_guard lock(mu_);
    auto e = update_locked(record, old, dead);
    if (!e) co_return e.error();
    RunStartStored done;
    done.push_configs = (*e)->push;
    co_return done;
}

boost::asio::awaitable<Result<TaskStore::RunEndStored>> MemoryTaskStore::finish_run_with(RunEnd& end) {
    std::vector<Entry> dead;
    TaskRecord old;
    std::vector<TaskEvent> old_events;
    std::lock_guard lock(mu_);
    // update_locked() takes the record only when it succeeds (else `end` stays whole for the caller).
    auto e = update_locked(std::move(end.record), old, dead);
    if (!e) co_return e.error();
    RunEndStored done;
    old_events = std::exchange((*e)->events, std::move(end.events));
    done.push_configs = (*e)->push;
    co_return done;
}

boost::asio::awaitable<Status> MemoryTaskStore::reopen(TaskRecord record) {
    std::vector<Entry> dead;
    TaskRecord old;
    std::lock_guard lock(mu_);
    auto* e = find(record.app_id, record.task.id);
    if (!e) co_return not_found();
    if (e->finished_order) {
        terminal_.erase(e->finished_order);
        e->finished_order = 0;
    }
    old = std::exchange(e->record, std::move(record));
    note_terminal(*e, dead);
    co_return Status{};
}

boost::asio::awaitable<Result<TaskRecord>> MemoryTaskStore::finish_if_active(std::string app_id, std::string task_id,
                                                                             a2a::TaskStatus status) {
    std::vector<Entry> dead;
    std::lock_guard lock(mu_);
    auto* e = find(app_id, task_id);
    if (!e) co_return not_found();
    if (a2a::is_terminal(e->record.task.status.state))
        co_return Error{Errc::task_not_cancelable, "Task cannot be canceled: it is already " +
                                                       std::string(a2a::to_string(e->record.task.status.state))};
    e->record.task.status = std::move(status);
    e->record.updated_at = Clock::now();
    TaskRecord copy = e->record;
    note_terminal(*e, dead);
    co_return copy;
}

boost::asio::awaitable<Status> MemoryTaskStore::append_events(std::string app_id, std::string task_id,
                                                              std::vector<TaskEvent> events) {
    std::lock_guard lock(mu_);
    auto* e = find(app_id, task_id);
    if (!e) co_return not_found();
    for (auto& ev : events) {
        e->record.last_seq = std::max(e->record.last_seq, ev.seq);
        e->events.push_back(std::move(ev));
    }
    co_return Status{};
}

boost::asio::awaitable<Result<std::vector<TaskEvent>>> MemoryTaskStore::events_after(std::string app_id,
                                                                                     std::string task_id,
                                                                                     std::int64_t after_seq) {
    std::lock_guard lock(mu_);
    auto* e = find(app_id, task_id);
    if (!e) co_return not_found();
    std::vector<TaskEvent> out;
    for (const auto& ev : e->events)
        if (ev.seq > after_seq) out.push_back(ev);
    co_return out;
}

boost::asio::awaitable<Status> MemoryTaskStore::replace_events(std::string app_id, std::string task_id,
                                                               std::vector<TaskEvent> events) {
    std::lock_guard lock(mu_);
    auto* e = find(app_id, task_id);
    if (!e) co_return not_found();
    e->events = std::move(events);
    co_return Status{};
}

boost::asio::awaitable<Result<std::optional<std::string>>> MemoryTaskStore::find_by_message(std::string app_id,
                                                                                            std::string user_id,
                                                                                            std::string context_id,
                                                                                            std::string message_id) {
    std::lock_guard lock(mu_);
    auto it = by_message_.find(message_key(app_id, user_id, context_id, message_id));
    if (it == by_message_.end()) co_return std::optional<std::string>{};
    co_return std::optional<std::string>{it->second};
}

boost::asio::awaitable<Result<std::vector<TaskRecord>>> MemoryTaskStore::active_in_context(std::string app_id,
                                                                                           std::string context_id) {
    std::lock_guard lock(mu_);
    std::vector<TaskRecord> out;
    if (auto ids = active_by_context_.find(context_key(app_id, context_id)); ids != active_by_context_.end()) {
        for (const auto& id : ids->second)
            if (auto it = tasks_.find(id); it != tasks_.end()) out.push_back(it->second.record);
    }
    std::sort(out.begin(), out.end(),
              [](const TaskRecord& a, const TaskRecord& b) { return a.created_at < b.created_at; });
    co_return out;
}

boost::asio::awaitable<Status> MemoryTaskStore::put_push_config(std::string app_id, std::string task_id,
                                                                a2a::PushNotificationConfig config,
                                                                std::size_t max_per_task) {
    std::lock_guard lock(mu_);
    auto* e = find(app_id, task_id);
    if (!e) co_return not_found();
    for (auto& c : e->push) {
        if (c.id == config.id) {
            c = std::move(config);
            co_return Status{};
        }
    }
    if (e->push.size() >= max_per_task)
        co_return Error{Errc::invalid_argument,
                        "a task holds at most " + std::to_string(max_per_task) + " push notification configs"};
    e->push.push_back(std::move(config));
    co_return Status{};
}

boost::asio::awaitable<Result<std::vector<a2a::PushNotificationConfig>>> MemoryTaskStore::push_configs(
    std::string app_id, std::string task_id) {
    std::lock_guard lock(mu_);
    auto* e = find(app_id, task_id);
    if (!e) co_return not_found();
    co_return e->push;
}

boost::asio::awaitable<Status> MemoryTaskStore::delete_push_config(std::string app_id, std::string task_id,
                                                                   std::string config_id) {
    std::lock_guard lock(mu_);
    auto* e = find(app_id, task_id);
    if (!e) co_return not_found();
    auto before = e->push.size();
    std::erase_if(e->push, [&](const auto& c) { return c.id == config_id; });
    if (e->push.size() == before) co_return Error{Errc::not_found, "push notification config not found"};
    co_return Status{};
}

boost::asio::awaitable<Status> MemoryTaskStore::remove_app(std::string app_id) {
    std::lock_guard lock(mu_);
    for (auto it = tasks_.begin(); it != tasks_.end();) {
        if (it->second.record.app_id != app_id) {
            ++it;
            continue;
        }
        forget(it->second);
        it = tasks_.erase(it);
    }
    co_return Status{};
}

boost::asio::awaitable<Result<std::size_t>> MemoryTaskStore::purge_finished_before(TimePoint cutoff) {
    std::lock_guard lock(mu_);
    std::size_t removed = 0;
    for (auto it = terminal_.begin(); it != terminal_.end();) {
        auto t = tasks_.find(it->second);
        if (t != tasks_.end() && t->second.record.updated_at >= cutoff) {
            ++it;
            continue;
        }
        it = terminal_.erase(it);
        if (t != tasks_.end()) {
            t->second.finished_order = 0;  // already out of terminal_
            forget(t->second);
            tasks_.erase(t);
            ++removed;
        }
    }
    co_return removed;
}

boost::asio::awaitable<Result<std::vector<std::pair<std::string, std::int64_t>>>> MemoryTaskStore::count_states(
    std::string app_id) {
    std::lock_guard lock(mu_);
    std::map<std::string, std::int64_t> counts;
    for (const auto& [id, e] : tasks_)
        if (e.record.app_id == app_id) ++counts[std::string(a2a::to_string(e.record.task.status.state))];
    co_return std::vector<std::pair<std::string, std::int64_t>>(counts.begin(), counts.end());
}

boost::asio::awaitable<Result<std::vector<TaskStore::StateCount>>> MemoryTaskStore::count_all_states() {
    std::lock_guard lock(mu_);
    std::map<std::pair<std::string, std::string>, std::int64_t> counts;
    for (const auto& [id, e] : tasks_)
        ++counts[{e.record.app_id, std::string(a2a::to_string(e.record.task.status.state))}];
    std::vector<StateCount> out;
    out.reserve(counts.size());
    for (auto& [key, n] : counts) out.push_back({key.first, key.second, n});
    co_return out;
}

boost::asio::awaitable<Result<std::vector<std::pair<std::string, std::string>>>> MemoryTaskStore::states_of(

    std::vector<std::string> task_ids) {
    std::lock_guard lock(mu_);
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& id : task_ids)
        if (auto it = tasks_.find(id); it != tasks_.end())
            out.emplace_back(id, std::string(a2a::to_string(it->second.record.task.status.state)));
    co_return out;
}

std::size_t MemoryTaskStore::size() const {
    std::lock_guard lock(mu_);
    return tasks_.size();
}

}  // namespace hector::store
