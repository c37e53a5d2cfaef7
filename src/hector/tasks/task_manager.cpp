#include "hector/tasks/task_manager.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/serialize.hpp>

#include <cctype>

#include <fmt/format.h>

#include "hector/a2a/codec.hpp"
#include "hector/common/ids.hpp"
#include "hector/common/logging.hpp"
#include "hector/tasks/detail/task_helpers.hpp"
#include "hector/tasks/live_task.hpp"
#include "hector/tasks/push_notifier.hpp"
#include "hector/tasks/run_emitter.hpp"

namespace hector::tasks {

namespace asio = boost::asio;
namespace json = boost::json;
using store::TaskEvent;
using namespace detail;

void TaskManager::add_status_listener(StatusListener listener) {
    std::lock_guard lock(mu_);
    listeners_.push_back(std::move(listener));
}

void TaskManager::add_usage_listener(UsageListener listener) {
    std::lock_guard lock(mu_);
    usage_listeners_.push_back(std::move(listener));
}

void TaskManager::notify(const store::TaskRecord& record,
                         const std::vector<a2a::PushNotificationConfig>* push_configs) {
    std::vector<StatusListener> copy;
    {
        std::lock_guard lock(mu_);
        copy = listeners_;
    }
    for (auto& l : copy) l(record);
    if (push_) push_->on_status(record, push_configs);
}

std::size_t TaskManager::running() const {
    std::lock_guard lock(mu_);
    return live_.size();
}

std::shared_ptr<TaskManager::Live> TaskManager::live(const std::string& task_id) const {
    std::lock_guard lock(mu_);
    auto it = live_.find(task_id);
    return it == live_.end() ? nullptr : it->second;
}

bool TaskManager::running_here(const std::string& task_id) const {
    auto t = live(task_id);
    if (!t) return false;
    // A run that has committed its outcome stays in live_ until the outcome is stored and fanned out; a client
    // that saw the outcome may already act on it (answer an approval, send the next message).
    std::lock_guard lock(t->mu);
    return !t->finished;
}

asio::awaitable<Result<store::TaskRecord>> TaskManager::owned(const Caller& caller, const std::string& agent,
                                                              const std::string& task_id) {
    store::TaskRecord record;
    bool have = false;
    if (auto l = live(task_id)) {
        co_await until_stored(l);
        std::lock_guard lock(l->mu);
        if (l->confirmed || l->finished) {
            record = l->record;
            have = true;
        }
    }
    if (!have) {
        auto r = co_await store_.get(caller.app_id, task_id);
        if (!r) co_return std::move(r).error();
        record = std::move(r).value();
    }
    // DECISIONS 22: the endpoint's agent and the caller's (app, user) must own the task; the admin sees all.
    if (record.app_id != caller.app_id || (!agent.empty() && record.agent != agent) ||
        (!caller.admin && record.user_id != caller.user_id))
        co_return task_not_found();
    co_return record;
}

// A committed end state is shown once it is stored, with what goes with it (the dead-letter item, the session
// events): a client that read it can rely on every later read agreeing. Bounded: a failing store does not hold
// readers for longer than a few seconds.
asio::awaitable<void> TaskManager::until_stored(std::shared_ptr<Live> t) {
    const auto pending = [&] { return t->finished && t->persisting && !t->stored; };
    {
        std::lock_guard lock(t->mu);
        if (!pending()) co_return;  // the common case: nothing to wait for, nothing allocated
    }
    auto wait = std::make_shared<Subscription>(co_await asio::this_coro::executor, 1);
    {
        std::lock_guard lock(t->mu);
        if (!pending()) co_return;
        t->store_waiters.push_back(wait);
    }
    co_await wait->next(std::chrono::seconds(5));
}

asio::awaitable<Result<Started>> TaskManager::start(StartRequest req) {
    auto& params = req.params;
    auto& msg = params.message;
    const config::AgentConfig* agent_config = req.app->agent(req.agent_id);
    agent::Agent* agent = req.app->agent_instance(req.agent_id);
    if (!agent_config) co_return Error{Errc::not_found, "agent not found"};
    if (!agent)
        co_return Error{Errc::unsupported, fmt::format("agent \"{}\" is a {} agent, which this build cannot run yet",
                                                       req.agent_id, agent_config->type)};
    if (auto st = check_media(*agent_config, params); !st) co_return st.error();

    if (!msg.task_id.empty()) {
        auto existing = co_await owned(req.caller, req.agent_id, msg.task_id);
        if (!existing) co_return std::move(existing).error();
        const auto state = existing->task.status.state;
        if (a2a::is_terminal(state))
            co_return Error{Errc::invalid_argument, "params.message.taskId: task is in a terminal state"};
        if (!a2a::is_interrupted(state))
            co_return Error{Errc::invalid_argument, "params.message.taskId: task is still running"};
        if (!msg.context_id.empty() && msg.context_id != existing->task.context_id)
            co_return Error{Errc::invalid_argument, "params.message.contextId does not match the task's context"};
        co_return co_await resume(req, std::move(existing).value());
    }

    // A conversation this server opens now has no earlier tasks: nothing to supersede and no message id to find.
    const bool new_conversation = msg.context_id.empty();
    if (new_conversation) msg.context_id = new_ordered_uuid();
    if (!new_conversation) {
        // DECISIONS 20: a new message supersedes a task of this conversation that waits for approval.
        co_await supersede_waiting(req.caller, msg.context_id);
        // DECISIONS 21: a messageId already accepted in this conversation returns that task.
        auto previous =
            co_await store_.find_by_message(req.caller.app_id, req.caller.user_id, msg.context_id, msg.message_id);
        if (previous && previous->has_value())
            co_return co_await resubscribe(req.caller, req.agent_id, **previous, std::nullopt);
    }

    {
        std::lock_guard lock(mu_);
        if (shutting_down_) co_return Error{Errc::unavailable, "the server is shutting down"};
        if (live_.size() >= settings_.max_concurrent_runs)
            co_return Error{Errc::unavailable, fmt::format("too many concurrent runs (limit {}); retry shortly",
                                                           settings_.max_concurrent_runs)};
    }

    // The run executes where its request is served: no hand-off between I/O threads on the way.
    const auto here = co_await asio::this_coro::executor;
    auto t = std::make_shared<Live>(net::context_of(here, io_));
    auto& r = t->record;
    r.app_id = req.caller.app_id;
    r.user_id = req.caller.user_id;
    r.agent = req.agent_id;
    r.created_at = r.updated_at = Clock::now();
    r.task.id = new_ordered_uuid();
    r.task.context_id = msg.context_id;
    msg.task_id = r.task.id;
    r.task.status = status_now(a2a::TaskState::submitted);
    r.task.metadata = std::move(req.task_metadata);
    r.task.history.push_back(msg);
    t->app = req.app;
    t->agent = agent;
    t->artifact_id = new_uuid();

    // A non-blocking send is a background job (DECISIONS 9): a queue item any instance's workers may claim.
    // Blocking sends and streams run here, under a lease, so a dead instance's runs are found by recovery.
    store::QueueItem item;
    item.task_id = r.task.id;
    item.app_id = r.app_id;
    item.context_id = r.task.context_id;
    item.input = queue_input(req.agent_id, r.user_id, msg);
    item.created_at = item.available_at = Clock::now();
    const bool background = !params.configuration.blocking && !req.subscribe;
    if (background) {
        item.kind = store::QueueItem::Kind::background;
        item.state = store::QueueItem::State::pending;
        // Other instances hear of it only when this one has no worker free for it.
        item.announce = background_running() + starting_.load() >= settings_.workers;
    } else {
        item.kind = store::QueueItem::Kind::interactive;
        item.state = store::QueueItem::State::running;
        item.attempts = 1;
        item.lease_owner = settings_.instance_id;
        item.lease_expires_at = Clock::now() + settings_.lease_timeout;
    }
    // The task and its queue row in one transaction where the store allows it; an interactive run that may begin
    // at once has its start (working state, session, user message) stored with them where the sessions share the
    // database. A config given with the send is stored after: such a run starts as usual, so its start's
    // notification reads the config.
    store::TaskStore::Queued queued = store::TaskStore::Queued::elsewhere;
    if (!background && !params.configuration.push_notification_config && store_.starts_runs_with_creation()) {
        store::TaskStore::RunStart start;
        start.working = r;
        start.working.task.status = status_now(a2a::TaskState::working);
        start.session = store::SessionKey{r.app_id, r.user_id, r.task.context_id};
        start.user_message = user_event(msg, r.task.id);
        start.last_events = kRunHistoryEvents;
        const auto status = start.working.task.status;
        auto created = co_await store_.create_and_start(r, item, std::move(start));
        if (!created) co_return created.error();
        queued = created->queued;
        if (created->started) {
            t->prestarted = std::move(created->started);
            t->prestarted_status = status;
        }
    } else if (store_.claims_runs()) {  // the queue is in the store's database
        auto created = co_await store_.create_queued(r, std::move(item));
        if (!created) co_return created.error();
        queued = *created;
    } else {
        if (auto st = co_await store_.create(r); !st) co_return st.error();
    }
    if (queued == store::TaskStore::Queued::elsewhere) {
        if (auto st = co_await queue_.put(std::move(item)); !st) co_return st.error();
    }
    // Another run or job of the conversation is queued or running (maybe on another instance): this one waits.
    t->waiting_turn = queued == store::TaskStore::Queued::waiting;
    if (params.configuration.push_notification_config) {
        auto cfg = *params.configuration.push_notification_config;
        if (cfg.id.empty()) cfg.id = r.task.id;
        if (auto st = co_await store_.put_push_config(r.app_id, r.task.id, cfg, settings_.max_push_configs); !st)
            co_return st.error();
    }
    if (background) {
        Started out;
        out.task = r.task;
        notify(r);
        wake_workers();
        co_return out;
    }
    t->input = std::move(msg);  // read last above; a queue worker runs a background job from its queued input

    Started out;

    {
        std::lock_guard lock(t->mu);
        if (req.finals_only) {
            // The caller waits for the outcome and reads the task then: it needs only the id now.
            out.task.id = t->record.task.id;
            out.task.context_id = t->record.task.context_id;
            out.task.status = t->record.task.status;
        } else {
            out.task = t->record.task;
        }
        out.seq = t->seq;
        out.run = t;
        if (req.subscribe) {
            out.subscription = std::make_shared<Subscription>(co_await asio::this_coro::executor,
                                                              settings_.subscriber_queue, req.finals_only);
            t->subscribers.push_back(out.subscription);
        }
    }
    // Told before the run is listed: until then nothing else reads or changes the record.
    notify(t->record);
    {
        std::lock_guard lock(mu_);
        live_[r.task.id] = t;
    }
    if (t->waiting_turn.load()) {
        // Its turn comes before its lane: a queued job of the conversation may still have to enter the lane first.
        asio::co_spawn(t->strand, schedule_in_turn(t), asio::detached);
    } else {
        schedule(t);
    }
    co_return out;
}

asio::awaitable<Result<Started>> TaskManager::resume(StartRequest& req, store::TaskRecord record) {
    auto& msg = req.params.message;
    auto decision = approval_of(msg);
    if (!decision)
        co_return Error{Errc::invalid_argument,
                        "params.message: the task waits for an approval: send a data part {\"approved\": true|false} "
                        "or the text approve/deny"};
    if (const auto* p = record.task.metadata.if_contains("pending_tool_calls"); p && p->is_array())
        decision->pending_tool_calls = p->as_array();
    {
        std::lock_guard lock(mu_);
        if (shutting_down_) co_return Error{Errc::unavailable, "the server is shutting down"};
    }
    if (running_here(record.task.id))
        co_return Error{Errc::invalid_argument, "params.message.taskId: task is still running"};
    msg.context_id = record.task.context_id;
    msg.task_id = record.task.id;
    // The run executes where its request is served: no hand-off between I/O threads on the way.
    const auto here = co_await asio::this_coro::executor;
    auto t = std::make_shared<Live>(net::context_of(here, io_));
    record.task.metadata.erase("pending_tool_calls");
    record.task.history.push_back(msg);
    record.updated_at = Clock::now();
    t->record = std::move(record);
    t->seq = t->record.last_seq;
    t->app = req.app;
    t->agent = req.app->agent_instance(req.agent_id);
    t->input = msg;
    t->resume = decision;
    t->artifact_id = new_uuid();
    if (auto st = co_await store_.update(t->record); !st) co_return st.error();
    store::QueueItem item;
    item.task_id = t->record.task.id;
    item.app_id = t->record.app_id;
    item.context_id = t->record.task.context_id;
    const boost::json::object resume{{"approved", decision->approved},
                                     {"tool_call_id", decision->tool_call_id},
                                     {"pending_tool_calls", decision->pending_tool_calls}};
    item.input = queue_input(req.agent_id, t->record.user_id, msg, &resume);
    item.kind = store::QueueItem::Kind::interactive;
    item.state = store::QueueItem::State::running;
    item.attempts = 1;
    item.lease_owner = settings_.instance_id;
    item.created_at = item.available_at = Clock::now();
    item.lease_expires_at = Clock::now() + settings_.lease_timeout;
    if (auto st = co_await queue_.put(std::move(item)); !st) co_return st.error();

    Started out;
    {
        std::lock_guard lock(t->mu);
        out.task = t->record.task;
        out.seq = t->seq;
        out.run = t;
        if (req.subscribe) {
            out.subscription = std::make_shared<Subscription>(co_await asio::this_coro::executor,
                                                              settings_.subscriber_queue, req.finals_only);
            t->subscribers.push_back(out.subscription);
        }
    }
    {
        std::lock_guard lock(mu_);
        live_[t->record.task.id] = t;
    }
    schedule(t);
    co_return out;
}

asio::awaitable<void> TaskManager::supersede_waiting(const Caller& caller, const std::string& context_id) {
    auto active = co_await store_.active_in_context(caller.app_id, context_id);
    if (!active) co_return;
    for (auto& r : *active) {
        if (!a2a::is_interrupted(r.task.status.state) || running_here(r.task.id)) continue;
        auto canceled =
            status_now(a2a::TaskState::canceled, agent_message(r, "superseded by a new message in the conversation"));
        auto done = co_await store_.finish_if_active(caller.app_id, r.task.id, canceled);
        if (!done) continue;
        notify(*done);
        // Every pending tool call gets a result, so the conversation stays well formed for the model.
        store::SessionEvent denied;
        denied.author = r.agent;
        denied.invocation_id = r.task.id;
        if (const auto* p = r.task.metadata.if_contains("pending_tool_calls"); p && p->is_array()) {
            for (const auto& c : p->as_array()) {
                const auto* o = c.if_object();
                if (!o) continue;
                json::object res{{"content", "tool call denied: superseded by a new message"}, {"is_error", true}};
                if (const auto* id = o->if_contains("tool_call_id")) res["tool_call_id"] = *id;
                if (const auto* n = o->if_contains("tool_name")) res["name"] = *n;
                denied.tool_results.push_back(std::move(res));
            }
        }
        if (!denied.tool_results.empty()) {
            store::SessionKey key{r.app_id, r.user_id, r.task.context_id};
            co_await sessions_.append(std::move(key), std::move(denied));
        }
    }
}

asio::awaitable<Result<bool>> TaskManager::cancel_tool_call(const Caller& caller, std::string task_id,
                                                            std::string call_id) {
    auto r = co_await owned(caller, "", task_id);
    if (!r) co_return std::move(r).error();
    auto t = live(task_id);
    if (!t) co_return false;
    std::function<void()> cancel;
    {
        std::lock_guard lock(t->mu);
        auto it = t->tool_calls.find(call_id);
        if (it == t->tool_calls.end() && call_id.rfind("tool_", 0) == 0) it = t->tool_calls.find(call_id.substr(5));
        if (it == t->tool_calls.end()) co_return false;
        cancel = it->second;
    }
    asio::post(t->strand, std::move(cancel));
    co_return true;
}

asio::awaitable<Result<a2a::Task>> TaskManager::get(const Caller& caller, std::string agent, std::string task_id) {
    auto r = co_await owned(caller, agent, task_id);
    if (!r) co_return std::move(r).error();
    co_return std::move(r->task);
}

asio::awaitable<Result<std::string>> TaskManager::outcome_text(const Caller& caller, std::string agent,
                                                               const Started& started,
                                                               std::optional<int> history_length) {
    if (auto t = std::static_pointer_cast<Live>(started.run)) {
        co_await until_stored(t);
        std::lock_guard lock(t->mu);
        if (t->confirmed || t->finished) co_return a2a::to_text(t->record.task, history_length);
    }
    auto task = co_await get(caller, std::move(agent), started.task.id);
    if (!task) co_return std::move(task).error();
    co_return a2a::to_text(*task, history_length);
}

asio::awaitable<Result<a2a::Task>> TaskManager::cancel(const Caller& caller, std::string agent, std::string task_id) {
    auto r = co_await owned(caller, agent, task_id);
    if (!r) co_return std::move(r).error();
    if (a2a::is_terminal(r->task.status.state))
        co_return Error{Errc::task_not_cancelable,
                        fmt::format("Task cannot be canceled: it is already {}", a2a::to_string(r->task.status.state))};
    auto canceled = status_now(a2a::TaskState::canceled);
    if (auto t = live(task_id)) {
        if (!commit(t, canceled))
            co_return Error{Errc::task_not_cancelable, "Task cannot be canceled: it already finished"};
        // Stop the run where it is (the LLM request is aborted); its later results are discarded.
        asio::post(t->strand, [t] { t->cancel_agent(); });
        co_await until_stored(t);
        co_return out_record(t).task;
    }
    auto done = co_await store_.finish_if_active(caller.app_id, task_id, canceled);
    if (!done) co_return std::move(done).error();
    // A worker here claimed it meanwhile: its run takes the cancel too (it would find out on its next store write).
    if (auto t = live(task_id); t && commit(t, done->task.status)) {
        asio::post(t->strand, [t] { t->cancel_agent(); });
        co_await until_stored(t);
        co_return out_record(t).task;
    }

    notify(*done);
    // A job no worker has claimed yet leaves the queue now rather than when a worker gets to it, so the rest of its
    // conversation does not wait for a free worker to discard it.
    if (auto dropped = co_await queue_.drop_pending(task_id); !dropped)
        log::warn("tasks", "task {}: canceled, but its queue row stays until a worker takes it: {}", task_id,
                  dropped.error().message);
    else if (*dropped)
        wake_workers();

    co_return std::move(done->task);
}

asio::awaitable<Result<Started>> TaskManager::follow(std::shared_ptr<Live> t, std::optional<std::int64_t> last) {
    Started out;
    std::lock_guard lock(t->mu);
    out.task = t->record.task;
    out.seq = t->seq;
    if (last && *last <= t->seq) {
        // Replay what the caller missed, if the log still holds everything after `last`.
        const bool covered = t->log.empty() ? *last == t->seq : t->log.front().seq <= *last + 1;
        if (covered) {
            out.snapshot = false;
            for (const auto& e : t->log) {
                if (e.seq <= *last) continue;
                out.backlog.push_back(Event{e.seq, e.kind, e.final, false, e.payload});
            }
        }
    }
    if (t->finished) {
        out.ended = true;
        co_return out;
    }
    if (t->subscribers.size() >= settings_.max_subscribers)
        co_return Error{Errc::unavailable,
                        fmt::format("this task already has {} subscribers", settings_.max_subscribers)};
    out.subscription = std::make_shared<Subscription>(co_await asio::this_coro::executor, settings_.subscriber_queue);
    t->subscribers.push_back(out.subscription);
    co_return out;
}

asio::awaitable<Result<Started>> TaskManager::resubscribe(const Caller& caller, std::string agent, std::string task_id,
                                                          std::optional<std::int64_t> last_event_id) {
    auto r = co_await owned(caller, agent, task_id);
    if (!r) co_return std::move(r).error();
    if (auto t = live(task_id)) co_return co_await follow(t, last_event_id);
    Started out;
    out.task = r->task;
    out.seq = r->last_seq;
    const auto state = r->task.status.state;
    out.ended = a2a::is_terminal(state) || a2a::is_interrupted(state);
    if (last_event_id) {
        auto events = co_await store_.events_after(caller.app_id, task_id, *last_event_id);
        // The id must still be in the log (compaction may have removed it): else fall back to the snapshot.
        auto all = co_await store_.events_after(caller.app_id, task_id, 0);
        bool known = *last_event_id == 0;
        if (all)
            for (const auto& e : *all) known = known || e.seq == *last_event_id;
        if (events && known) {
            out.snapshot = false;
            for (const auto& e : *events) out.backlog.push_back(Event{e.seq, e.kind, e.final, false, e.payload});
        }
    }
    if (!out.ended) {
        // Queued, or running on another instance: follow the stored log as that instance writes it.
        out.subscription =
            std::make_shared<Subscription>(co_await asio::this_coro::executor, settings_.subscriber_queue);
        std::int64_t after =
            out.backlog.empty() ? (out.snapshot ? out.seq : last_event_id.value_or(out.seq)) : out.backlog.back().seq;
        follow_remote(out.subscription, caller.app_id, task_id, after);
    }
    co_return out;
}

asio::awaitable<Result<a2a::TaskPushNotificationConfig>> TaskManager::set_push_config(
    const Caller& caller, std::string agent, std::string task_id, a2a::PushNotificationConfig config) {
    auto r = co_await owned(caller, agent, task_id);
    if (!r) co_return std::move(r).error();
    if (config.id.empty()) config.id = task_id;
    if (auto st = co_await store_.put_push_config(caller.app_id, task_id, config, settings_.max_push_configs); !st)
        co_return st.error();
    co_return a2a::TaskPushNotificationConfig{task_id, std::move(config)};
}

asio::awaitable<Result<a2a::TaskPushNotificationConfig>> TaskManager::get_push_config(const Caller& caller,
                                                                                      std::string agent,
                                                                                      std::string task_id,
                                                                                      std::string config_id) {
    auto r = co_await owned(caller, agent, task_id);
    if (!r) co_return std::move(r).error();
    auto configs = co_await store_.push_configs(caller.app_id, task_id);
    if (!configs) co_return std::move(configs).error();
    for (auto& c : *configs) {
        if (config_id.empty() || config_id == "default" || c.id == config_id)
            co_return a2a::TaskPushNotificationConfig{task_id, std::move(c)};
    }
    co_return Error{Errc::task_not_found, "push notification config not found"};
}

asio::awaitable<Result<std::vector<a2a::TaskPushNotificationConfig>>> TaskManager::list_push_configs(
    const Caller& caller, std::string agent, std::string task_id) {
    auto r = co_await owned(caller, agent, task_id);
    if (!r) co_return std::move(r).error();
    auto configs = co_await store_.push_configs(caller.app_id, task_id);
    if (!configs) co_return std::move(configs).error();
    std::vector<a2a::TaskPushNotificationConfig> out;
    for (auto& c : *configs) out.push_back({task_id, std::move(c)});
    co_return out;
}

asio::awaitable<Status> TaskManager::delete_push_config(const Caller& caller, std::string agent, std::string task_id,
                                                        std::string config_id) {
    auto r = co_await owned(caller, agent, task_id);
    if (!r) co_return std::move(r).error();
    auto st = co_await store_.delete_push_config(caller.app_id, task_id, config_id);
    if (!st && st.error().code == Errc::not_found) co_return Error{Errc::task_not_found, st.error().message};
    co_return st;
}

void TaskManager::shutdown(const std::string& reason) {
    std::vector<std::shared_ptr<Live>> tasks;
    {
        std::lock_guard lock(mu_);
        shutting_down_ = true;
        for (auto& [id, t] : live_) tasks.push_back(t);
    }
    stopping_ = true;
    wake_workers();
    // DECISIONS 33: background jobs go back to pending without spending an attempt (so do interactive runs with
    // auto_resume); interactive runs still going fail with `reason`, never `canceled`.
    for (auto& t : tasks) {
        bool release;
        {
            std::lock_guard lock(t->mu);
            if (t->finished) continue;
            release = t->background || settings_.auto_resume;
            t->released = release;
        }
        if (!release) {
            auto snapshot = out_record(t);
            if (!commit(t, status_now(a2a::TaskState::failed, agent_message(snapshot, reason)))) continue;
        }
        asio::post(t->strand, [t] { t->cancel_agent(); });
    }
}

}  // namespace hector::tasks
