// The durable side of the task manager: queue workers, leases, recovery of runs whose instance died, retries and
// the dead-letter queue, group-committed event logs (DECISIONS 9, 24–26, 33). What crosses instances is in
// task_remote.cpp.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include "hector/a2a/codec.hpp"
#include "hector/common/ids.hpp"
#include "hector/common/logging.hpp"
#include "hector/tasks/detail/task_helpers.hpp"
#include "hector/tasks/live_task.hpp"
#include "hector/tasks/task_manager.hpp"

namespace hector::tasks {

namespace asio = boost::asio;
namespace json = boost::json;
using store::QueueItem;
using store::TaskEvent;
using namespace detail;

namespace {

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

std::optional<agent::Resume> resume_of(const json::value& input) {
    const auto* o = input.if_object();
    const auto* r = o ? o->if_contains("resume") : nullptr;
    if (!r || !r->is_object()) return std::nullopt;
    agent::Resume out;
    const auto& ro = r->as_object();
    if (const auto* a = ro.if_contains("approved"); a && a->is_bool()) out.approved = a->get_bool();
    if (const auto* id = ro.if_contains("tool_call_id"); id && id->is_string())
        out.tool_call_id = std::string(id->get_string());
    if (const auto* p = ro.if_contains("pending_tool_calls"); p && p->is_array())
        out.pending_tool_calls = p->as_array();
    return out;
}

}  // namespace

std::string TaskManager::queue_input(const std::string& agent, const std::string& user, const a2a::Message& message,
                                     const json::object* resume) const {
    JsonWriter w;
    w.begin_object();
    w.key("agent").string(agent);
    w.key("user_id").string(user);
    w.key("message");
    a2a::write(w, message);
    if (resume) w.key("resume").value(*resume);
    w.end_object();
    return w.take();
}

std::chrono::milliseconds TaskManager::backoff(int attempt) const {
    auto d = settings_.retry_backoff;
    for (int i = 1; i < attempt && d < settings_.max_backoff; ++i) d *= 2;
    return std::min(d, settings_.max_backoff);
}

std::size_t TaskManager::background_running() const {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (const auto& [id, t] : live_)
        if (t->background) ++n;
    return n;
}

void TaskManager::wake_workers() {
    asio::post(dispatch_strand_, [this] { wake_.cancel(); });
    if (turn_waiters_.load() == 0) return;
    std::vector<std::shared_ptr<Live>> waiting;
    {
        std::lock_guard lock(mu_);
        for (const auto& [id, t] : live_)
            if (t->waiting_turn) waiting.push_back(t);
    }
    for (auto& t : waiting) asio::post(t->strand, [t] { t->turn.cancel(); });
}

asio::awaitable<void> TaskManager::schedule_in_turn(std::shared_ptr<Live> t) {
    // (A co_await inside the if's condition, with no co_return after it, is miscompiled by g++ 12: SIGILL.)
    const bool turn = co_await wait_for_turn(t);
    if (turn) schedule(t);  // else it ended while it waited: nothing is left to do
    co_return;
}

asio::awaitable<bool> TaskManager::wait_for_turn(std::shared_ptr<Live> t) {
    ++turn_waiters_;
    struct Counted {
        std::atomic<int>& n;
        ~Counted() { --n; }
    } counted{turn_waiters_};
    const auto id = t->record.task.id;
    for (;;) {
        {
            std::lock_guard lock(t->mu);
            if (t->finished) {
                t->waiting_turn = false;
                co_return false;
            }
            if (t->dropped) break;  // its app is gone: run() releases it
        }
        auto took = co_await queue_.take_turn(id, settings_.instance_id, Clock::now() + settings_.lease_timeout);
        if (took && *took) break;
        if (!took && took.error().code == Errc::not_found) {
            log::warn("tasks", "task {}: its queue row is gone while it waited for its turn; running it", id);
            break;
        }
        if (!took) log::warn("tasks", "task {}: could not take its turn: {}", id, took.error().message);
        // Woken by the end of a run or job (here, or a notification from another instance); polled as well.
        t->turn.expires_after(settings_.poll_interval);
        co_await t->turn.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    t->waiting_turn = false;
    co_return true;
}

void TaskManager::start_background_work() {
    asio::co_spawn(dispatch_strand_, dispatch_loop(), asio::detached);
    asio::co_spawn(io_, maintenance_loop(), asio::detached);
}

// Claims what this instance has room for; sleeps until woken by a local enqueue or the poll interval passes.
asio::awaitable<void> TaskManager::dispatch_loop() {
    while (!stopping_) {
        // Claimed items count until start_claimed() has them in live_ (or gave them up), so a burst never claims
        // more than there are workers.
        const std::size_t running = background_running() + starting_.load();
        if (running < settings_.workers) {
            const auto now = Clock::now();
            const store::ClaimRequest request{settings_.instance_id, settings_.workers - running, now,
                                              now + settings_.lease_timeout};
            // Where the queue shares the tasks' database, the claim reads the tasks too.
            const bool joined = store_.claims_runs();
            Result<std::vector<store::ClaimedRun>> runs = std::vector<store::ClaimedRun>{};
            if (joined) {
                runs = co_await store_.claim_runs(request);
            } else if (auto items = co_await queue_.claim(request.owner, request.max, request.now, request.lease_until);
                       items) {
                for (auto& item : *items) runs->push_back(store::ClaimedRun{std::move(item), std::nullopt});
            } else {
                runs = std::move(items).error();
            }
            if (!runs) {
                log::warn("queue", "claim failed: {}", runs.error().message);
            } else {
                const bool any = !runs->empty();
                start_runs(std::move(runs).value(), joined);
                if (any) continue;  // there may be more
            }
        }
        wake_.expires_after(settings_.poll_interval);
        co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
}

void TaskManager::start_runs(std::vector<store::ClaimedRun> runs, bool tasks_read) {
    starting_ += runs.size();
    for (auto& run : runs)
        asio::co_spawn(run_contexts_.next(), start_claimed(std::move(run), tasks_read), asio::detached);
}

asio::awaitable<void> TaskManager::start_claimed(store::ClaimedRun run, bool task_read) {
    struct Started {
        std::atomic<std::size_t>& n;
        ~Started() { --n; }
    } started{starting_};
    auto item = std::move(run.item);
    bool shutting_down;
    {
        std::lock_guard lock(mu_);
        shutting_down = shutting_down_;
    }
    if (shutting_down) {
        // Claimed while the server began to stop (DECISIONS 33): back to pending, the attempt given back.
        co_await queue_.reschedule(item.task_id, Clock::now(), "released at shutdown", true);
        co_return;
    }
    Result<store::TaskRecord> record = Error{Errc::task_not_found, "Task not found"};
    if (!task_read)
        record = co_await store_.get(item.app_id, item.task_id);
    else if (run.task)
        record = std::move(*run.task);
    if (!record || a2a::is_terminal(record->task.status.state) || a2a::is_interrupted(record->task.status.state)) {
        // Gone, canceled while it waited, or waiting for the user: the job is over.
        co_await queue_.remove(item.task_id);
        co_return;
    }
    // Our own text; a row that does not parse is dead-lettered below as unreadable.
    const auto parsed_input = parse_json(item.input, kOwnJsonDepth);
    const json::value input_value = parsed_input ? *parsed_input : json::value();
    const auto* input = input_value.if_object();
    std::string agent_id =
        input && input->contains("agent") ? std::string(input->at("agent").as_string()) : record->agent;
    auto app = apps_.get(item.app_id);
    agent::Agent* agent = app ? app->agent_instance(agent_id) : nullptr;
    auto message = input && input->contains("message")
                       ? a2a::parse_message(input->at("message"), {}, "message")
                       : Result<a2a::Message>(Error{Errc::invalid_argument, "no message"});
    if (!agent || !message) {
        std::string why = !agent ? fmt::format("agent \"{}\" is not available", agent_id)
                                 : "the queued input is unreadable: " + message.error().message;
        store::DeadLetter letter;
        letter.id = "dlq-" + new_uuid();
        letter.task_id = item.task_id;
        letter.app_id = item.app_id;
        letter.error = why;
        letter.failed_at = Clock::now();
        letter.input = input_value;
        auto failed = status_now(a2a::TaskState::failed, agent_message(*record, why));
        if (auto done = co_await store_.finish_if_active(item.app_id, item.task_id, failed); done) notify(*done);
        co_await queue_.bury(item.task_id, std::move(letter));
        co_return;
    }
    const auto here = co_await asio::this_coro::executor;
    auto t = std::make_shared<Live>(net::context_of(here, io_));
    t->record = std::move(record).value();
    t->seq = t->flushed_seq = t->record.last_seq;
    t->app = app;
    t->agent = agent;
    t->input = std::move(message).value();
    t->resume = resume_of(input_value);
    t->background = true;
    t->attempt = std::max(1, item.attempts);
    t->artifact_id = new_uuid();
    {
        std::lock_guard lock(mu_);
        if (live_.contains(t->record.task.id)) co_return;  // already running here
        live_[t->record.task.id] = t;
    }
    schedule(t);
}

asio::awaitable<void> TaskManager::retry_later(std::shared_ptr<Live> t, std::string error) {
    store::TaskRecord snapshot;
    int attempt;
    {
        std::lock_guard lock(t->mu);
        t->finished = true;  // this run is over; the next attempt starts from the queue
        attempt = t->attempt;
        t->record.task.status =
            status_now(a2a::TaskState::submitted,
                       agent_message(t->record, fmt::format("attempt {} failed ({}); retrying", attempt, error)));
        t->record.updated_at = Clock::now();
        t->append(TaskEvent::Kind::status, status_payload(t->record, false), false, false);
        for (auto& s : t->subscribers) s->close();
        t->subscribers.clear();
        snapshot = t->record;
    }
    log::warn("queue", "task {}: attempt {} failed: {}; retrying in {}ms", snapshot.task.id, attempt, error,
              backoff(attempt).count());
    if (auto st = co_await store_.update(snapshot); !st)
        log::warn("queue", "task {}: could not store the retry: {}", snapshot.task.id, st.error().message);
    if (auto st = co_await queue_.reschedule(snapshot.task.id, Clock::now() + backoff(attempt), error, false); !st)
        log::warn("queue", "task {}: could not requeue: {}", snapshot.task.id, st.error().message);
    notify(snapshot);
    {
        std::lock_guard lock(mu_);
        if (auto it = live_.find(snapshot.task.id); it != live_.end() && it->second == t) live_.erase(it);
    }
    wake_workers();
}

// Shutdown (DECISIONS 33): a background job goes back to pending without spending an attempt; an interactive run
// does too when auto_resume is on.
asio::awaitable<void> TaskManager::release(std::shared_ptr<Live> t) {
    store::TaskRecord snapshot;
    bool dropped;
    {
        std::lock_guard lock(t->mu);
        t->finished = true;
        dropped = t->dropped;
    }
    if (dropped) {
        // The app is gone: its streams end without a final event and nothing is written back.
        {
            std::lock_guard lock(t->mu);
            for (auto& s : t->subscribers) s->close();
            t->subscribers.clear();
        }
        std::lock_guard lock(mu_);
        if (auto it = live_.find(t->record.task.id); it != live_.end() && it->second == t) live_.erase(it);
        co_return;
    }
    {
        std::lock_guard lock(t->mu);
        t->record.task.status = status_now(a2a::TaskState::submitted);
        t->record.updated_at = Clock::now();
        t->append(TaskEvent::Kind::status, status_payload(t->record, false), false, false);
        for (auto& s : t->subscribers) s->close();
        t->subscribers.clear();
        snapshot = t->record;
    }
    co_await store_.update(snapshot);
    co_await queue_.reschedule(snapshot.task.id, Clock::now(), "released at shutdown", true);
    std::lock_guard lock(mu_);
    if (auto it = live_.find(snapshot.task.id); it != live_.end() && it->second == t) live_.erase(it);
}

asio::awaitable<void> TaskManager::maintenance_loop() {
    co_await recover_expired();
    auto last_watch = Clock::now();
    auto last_renew = Clock::now();
    auto last_recover = Clock::now();
    auto last_purge = TimePoint{};
    auto last_counts = TimePoint{};
    const auto renew_every = settings_.lease_timeout / 3;
    while (!stopping_) {
        co_await sleep_for(settings_.flush_interval);
        if (stopping_) break;
        co_await flush_events();
        const auto now = Clock::now();
        if (now - last_watch >= settings_.watch_interval) {
            last_watch = now;
            co_await watch_remote_cancels();
        }
        if (now - last_renew >= renew_every) {
            last_renew = now;
            co_await renew_leases();
        }
        if (now - last_recover >= renew_every) {
            last_recover = now;
            co_await recover_expired();
        }
        if (track_counts_ && now - last_counts >= settings_.counts_interval) {
            last_counts = now;
            if (auto counts = co_await store_.count_all_states(); counts) {
                std::lock_guard lock(mu_);
                state_counts_ = std::move(counts).value();
            }
        }
        if (now - last_purge >= std::chrono::minutes(10)) {
            last_purge = now;
            if (auto n = co_await store_.purge_finished_before(now - settings_.retention); n && *n > 0)
                log::info("tasks", "purged {} finished task(s) past retention", *n);
            co_await queue_.purge_dead_letters_before(now - settings_.dlq_retention);
        }
    }
}

// Group commit of the events of running tasks (DECISIONS 26), so resubscribers elsewhere and after a restart
// replay them from the store.
asio::awaitable<void> TaskManager::flush_events() {
    std::vector<std::shared_ptr<Live>> tasks;
    {
        std::lock_guard lock(mu_);
        for (auto& [id, t] : live_) tasks.push_back(t);
    }
    for (auto& t : tasks) {
        std::vector<TaskEvent> batch;
        std::string app, id;
        {
            std::lock_guard lock(t->mu);
            if (t->finished) continue;  // persist() writes the final, compacted log
            for (const auto& e : t->log)
                if (e.seq > t->flushed_seq) batch.push_back(e);
            app = t->record.app_id;
            id = t->record.task.id;
        }
        if (batch.empty()) continue;
        const auto last = batch.back().seq;
        if (auto st = co_await store_.append_events(app, id, std::move(batch)); st) {
            std::lock_guard lock(t->mu);
            t->flushed_seq = std::max(t->flushed_seq, last);
        }
    }
}

asio::awaitable<void> TaskManager::renew_leases() {
    std::vector<std::string> ids;
    {
        std::lock_guard lock(mu_);
        for (auto& [id, t] : live_) ids.push_back(id);
    }
    if (ids.empty()) co_return;
    if (auto st = co_await queue_.renew(settings_.instance_id, std::move(ids), Clock::now() + settings_.lease_timeout);
        !st)
        log::warn("queue", "lease renewal failed: {}", st.error().message);
}

// DECISIONS 25: runs whose lease expired belonged to an instance that died. Background jobs go back to pending
// (the expired run counted as an attempt); interactive runs fail "interrupted" unless auto_resume re-queues them.
asio::awaitable<void> TaskManager::recover_expired() {
    if (auto released = co_await queue_.release_parked(); !released)
        log::warn("queue", "could not release parked jobs: {}", released.error().message);
    else if (*released > 0) {
        log::info("queue", "{} queued job(s) released from waiting behind a finished one", *released);
        wake_workers();
    }
    for (;;) {
        const auto now = Clock::now();
        auto items = co_await queue_.reclaim_expired(settings_.instance_id, 100, now, now + settings_.lease_timeout);
        if (!items || items->empty()) co_return;
        for (auto& item : *items) {
            // Our own run, whose renewal came late (a stalled loop or store): reclaiming leased it to us again.
            if (auto t = live(item.task_id)) {
                std::lock_guard lock(t->mu);
                if (!t->finished) {
                    log::warn("queue", "task {}: its lease lapsed while it ran here; renewed", item.task_id);
                    continue;
                }
            }
            auto record = co_await store_.get(item.app_id, item.task_id);

            if (!record || a2a::is_terminal(record->task.status.state) ||
                a2a::is_interrupted(record->task.status.state)) {
                co_await queue_.remove(item.task_id);
                continue;
            }
            const bool background = item.kind == QueueItem::Kind::background;
            // server.md §10: an interactive run last saved longer ago than recovery.timeout is not resumed.
            const bool expired = !background && record->updated_at < now - settings_.resume_timeout;
            if (background || (settings_.auto_resume && !expired)) {
                if (background && item.attempts > settings_.max_retries) {
                    std::string why = "interrupted: its instance stopped and no retries are left";
                    auto failed = status_now(a2a::TaskState::failed, agent_message(*record, why));
                    if (auto done = co_await store_.finish_if_active(item.app_id, item.task_id, failed); done)
                        notify(*done);
                    store::DeadLetter letter;
                    letter.id = "dlq-" + new_uuid();
                    letter.task_id = item.task_id;
                    letter.app_id = item.app_id;
                    letter.error = why;
                    letter.failed_at = now;
                    letter.retry_count = item.attempts - 1;
                    if (auto in = parse_json(item.input, kOwnJsonDepth); in) letter.input = std::move(in).value();
                    co_await queue_.bury(item.task_id, std::move(letter));
                    continue;
                }
                record->task.status = status_now(a2a::TaskState::submitted);
                record->updated_at = now;
                co_await store_.update(*record);
                co_await queue_.reschedule(item.task_id, now, "lease expired", false);
                log::warn("queue", "task {}: its run was interrupted; queued again", item.task_id);
                wake_workers();
            } else {
                auto failed = status_now(
                    a2a::TaskState::failed,
                    agent_message(*record, expired && settings_.auto_resume ? "checkpoint expired" : "interrupted"));

                if (auto done = co_await store_.finish_if_active(item.app_id, item.task_id, failed); done)
                    notify(*done);
                co_await queue_.remove(item.task_id);
                log::warn("queue", "task {}: its run was interrupted; marked failed", item.task_id);
            }
        }
    }
}

asio::awaitable<Result<QueueStats>> TaskManager::queue_stats(std::string app_id) {
    auto counts = co_await store_.count_states(app_id);
    if (!counts) co_return std::move(counts).error();
    QueueStats out;
    for (const auto& [state, n] : *counts) {
        if (state == "submitted")
            out.pending += n;
        else if (state == "working")
            out.running += n;
        else if (state == "completed")
            out.completed += n;
        else if (state == "failed")
            out.failed += n;
    }
    co_return out;
}

void TaskManager::track_state_counts() {
    track_counts_ = true;
}

std::vector<store::TaskStore::StateCount> TaskManager::state_counts() const {
    std::lock_guard lock(mu_);
    return state_counts_;
}

void TaskManager::drop(const std::shared_ptr<Live>& t) {
    {
        std::lock_guard lock(t->mu);
        if (t->finished || t->dropped) return;
        t->dropped = true;
        t->released = true;
    }
    asio::post(t->strand, [t] { t->cancel_agent(); });
}

asio::awaitable<void> TaskManager::forget_app(std::string app_id) {
    std::vector<std::shared_ptr<Live>> tasks;
    {
        std::lock_guard lock(mu_);
        for (auto& [id, t] : live_)
            if (t->record.app_id == app_id) tasks.push_back(t);
    }
    for (auto& t : tasks) drop(t);
    if (auto st = co_await queue_.remove_app(app_id); !st)
        log::error("queue", "app {}: removing its queue entries failed: {}", app_id, st.error().message);
    else if (!tasks.empty())
        log::info("tasks", "app {}: stopped {} run(s) of the deleted app", app_id, tasks.size());
}

asio::awaitable<Result<std::vector<store::DeadLetter>>> TaskManager::dead_letters(std::string app_id,
                                                                                  std::size_t limit) {
    co_return co_await queue_.dead_letters(std::move(app_id), limit);
}

asio::awaitable<Status> TaskManager::requeue(std::string id) {
    auto taken = co_await queue_.take_dead_letter(id);
    if (!taken) co_return std::move(taken).error();
    if (!*taken) co_return Error{Errc::not_found, "dead letter not found"};
    auto& letter = **taken;
    auto record = co_await store_.get(letter.app_id, letter.task_id);
    if (!record) co_return Error{Errc::not_found, "the dead letter's task no longer exists"};
    // Back to submitted from the original input: a finished task is reopened here, deliberately.
    record->task.status = status_now(a2a::TaskState::submitted);
    record->updated_at = Clock::now();
    auto reopened = co_await store_.reopen(*record);
    if (!reopened) co_return reopened;
    QueueItem item;
    item.task_id = letter.task_id;
    item.app_id = letter.app_id;
    item.context_id = record->task.context_id;
    item.kind = QueueItem::Kind::background;
    item.state = QueueItem::State::pending;
    item.input = hector::to_json(letter.input);
    item.created_at = item.available_at = Clock::now();
    if (auto st = co_await queue_.put(std::move(item)); !st) co_return st;
    notify(*record);
    wake_workers();
    co_return Status{};
}

}  // namespace hector::tasks
