#include "hector/tasks/task_manager.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include <cctype>

#include <fmt/format.h>

#include "hector/a2a/codec.hpp"
#include "hector/common/ids.hpp"
#include "hector/common/logging.hpp"
#include "hector/net/io.hpp"
#include "hector/tasks/detail/task_helpers.hpp"
#include "hector/tasks/live_task.hpp"
#include "hector/tasks/run_emitter.hpp"

namespace hector::tasks {

namespace asio = boost::asio;
namespace json = boost::json;
using store::TaskEvent;
using namespace detail;

void TaskManager::Live::append(TaskEvent::Kind kind, std::string payload, bool final, bool interrupted, bool publish,
                               std::string_view artifact_id) {
    TaskEvent e;
    e.seq = ++seq;
    record.last_seq = seq;
    e.kind = kind;
    e.final = final;
    e.payload = store::make_json_text(std::move(payload));
    e.artifact_id = artifact_id;
    Event ev{seq, kind, final, interrupted, e.payload};
    log.push_back(std::move(e));
    if (!publish) {
        pending_final = std::move(ev);
        return;
    }
    std::erase_if(subscribers, [&](const std::shared_ptr<Subscription>& s) { return !s->push(ev); });
    if (final) {
        for (auto& s : subscribers) s->close();
        subscribers.clear();
    }
}

void TaskManager::Live::publish_final() {
    if (!pending_final) return;
    Event ev = std::move(*pending_final);
    pending_final.reset();
    for (auto& s : subscribers) {
        s->push(ev);
        s->close();
    }
    subscribers.clear();
}

TaskManager::TaskManager(asio::io_context& io, runtime::Registry& apps, store::TaskStore& tasks,
                         store::SessionStore& sessions, store::QueueStore& queue, TaskManagerSettings settings,
                         std::vector<asio::io_context*> run_contexts)
    : io_(io),
      run_contexts_(io, std::move(run_contexts)),
      apps_(apps),
      store_(tasks),
      sessions_(sessions),
      queue_(queue),
      settings_(std::move(settings)),
      dispatch_strand_(asio::make_strand(io)),
      wake_(dispatch_strand_) {
    if (settings_.instance_id.empty()) settings_.instance_id = "hector-" + new_uuid();
}

TaskManager::~TaskManager() = default;

void TaskManager::schedule(std::shared_ptr<Live> t) {
    bool start_now = false;
    {
        std::lock_guard lock(mu_);
        auto& lane = lanes_[{t->record.app_id, t->record.task.context_id}];
        lane.push_back(t);
        start_now = lane.size() == 1;
    }
    if (!start_now) return;
    launch(t);
}

void TaskManager::launch(const std::shared_ptr<Live>& t) {
    // The task's cancel signal is bound to the run's frame, which lets it through only while the agent runs
    // (Live::cancel_agent()), so the bookkeeping after a cancel always completes. The handler keeps the task alive
    // past the frame.
    asio::co_spawn(t->strand, run(t), asio::bind_cancellation_slot(t->cancel.slot(), [t](std::exception_ptr e) {
                       if (e) log::error("tasks", "task {}: run ended with an unexpected exception", t->record.task.id);
                   }));
}

void TaskManager::run_finished(const std::shared_ptr<Live>& t) {
    std::shared_ptr<Live> next;
    {
        std::lock_guard lock(mu_);
        auto key = std::make_pair(t->record.app_id, t->record.task.context_id);
        auto it = lanes_.find(key);
        if (it != lanes_.end()) {
            auto& lane = it->second;
            std::erase(lane, t);
            if (!lane.empty())
                next = lane.front();
            else
                lanes_.erase(it);
        }
    }
    if (next) launch(next);
}

store::TaskRecord TaskManager::out_record(const std::shared_ptr<Live>& t) {
    std::lock_guard lock(t->mu);
    return t->record;
}

bool TaskManager::commit(const std::shared_ptr<Live>& t, a2a::TaskStatus status,
                         const std::function<void(store::TaskRecord&)>& mutate, std::optional<store::DeadLetter> letter,
                         std::vector<store::SessionEvent> conversation) {
    auto settled = settle(t, std::move(status), mutate);
    if (!settled) return false;
    // On the run's own context: the caller waiting for the stored end is usually on it too.
    asio::co_spawn(t->strand.get_inner_executor(),
                   persist(t, std::move(settled->snapshot), std::move(settled->events), std::move(letter),
                           std::move(conversation)),
                   asio::detached);
    return true;
}

asio::awaitable<bool> TaskManager::commit_here(const std::shared_ptr<Live>& t, a2a::TaskStatus status,
                                               const std::function<void(store::TaskRecord&)>& mutate,
                                               std::optional<store::DeadLetter> letter,
                                               std::vector<store::SessionEvent> conversation) {
    auto settled = settle(t, std::move(status), mutate);
    if (!settled) co_return false;
    try {
        co_await persist(t, std::move(settled->snapshot), std::move(settled->events), std::move(letter),
                         std::move(conversation), /*run_waits=*/false);
    } catch (const std::exception& e) {
        log::error("tasks", "task {}: storing its end failed unexpectedly: {}", t->record.task.id, e.what());
    }
    co_return true;
}

std::optional<TaskManager::Settled> TaskManager::settle(const std::shared_ptr<Live>& t, a2a::TaskStatus status,
                                                        const std::function<void(store::TaskRecord&)>& mutate) {
    Settled out;
    {
        std::lock_guard lock(t->mu);
        if (t->finished) return std::nullopt;
        t->finished = true;
        t->persisting = true;
        if (mutate) mutate(t->record);
        const bool interrupted = a2a::is_interrupted(status.state);
        if (t->artifact_open && status.state == a2a::TaskState::completed) {
            // Close the streamed answer: an empty appended chunk carrying lastChunk.
            a2a::ArtifactUpdateEvent last;
            last.task_id = t->record.task.id;
            last.context_id = t->record.task.context_id;
            last.artifact.artifact_id = t->artifact_id;
            last.artifact.name = "answer";
            last.append = true;
            last.last_chunk = true;
            t->append(TaskEvent::Kind::artifact, a2a::to_text(last), false, false, true, t->artifact_id);
        }
        t->record.task.status = std::move(status);
        t->record.updated_at = Clock::now();
        // The final event is logged now but fanned out only once the state is stored: a client that saw it can
        // rely on every later read, here or after a restart, agreeing with it.
        t->append(TaskEvent::Kind::status, status_payload(t->record, true), true, interrupted, /*publish=*/false);
        out.snapshot = t->record;
        out.events = compact(t->log, t->record);
    }
    return out;
}

asio::awaitable<void> TaskManager::persist(std::shared_ptr<Live> t, store::TaskRecord snapshot,
                                           std::vector<TaskEvent> events, std::optional<store::DeadLetter> letter,
                                           std::vector<store::SessionEvent> conversation, bool run_waits) {
    const auto id = snapshot.task.id;
    // What the run produced joins the conversation before anyone sees the outcome, so a reply or the next run in
    // the conversation always finds it; where the store allows, in the outcome's own transaction, so a crash keeps
    // both or neither (then the run is done again).
    store::TaskStore::RunEndStored joined;
    store::TaskStore::RunEnd end{std::move(snapshot), std::move(events), {}, std::move(conversation), true,
                                 std::move(letter),   std::nullopt};
    end.session = store::SessionKey{end.record.app_id, end.record.user_id, end.record.task.context_id};
    const auto& key = end.session;
    // A background run frees a worker slot: where the store can, the next job is claimed in the same transaction,
    // so the slot is filled without another round trip to the database.
    if (t->background && store_.claims_runs()) {
        bool stopping;
        {
            std::lock_guard lock(mu_);
            stopping = shutting_down_ || stopping_;
        }
        const std::size_t busy = background_running() + starting_.load();  // this run still counts
        if (!stopping && busy <= settings_.workers) {
            const auto now = Clock::now();
            end.claim_next = store::ClaimRequest{settings_.instance_id, settings_.workers - busy + 1, now,
                                                 now + settings_.lease_timeout};
        }
    }
    if (auto stored = co_await store_.finish_run_with(end); stored) {
        joined = std::move(stored).value();
    } else {
        log::warn("tasks", "task {}: could not store its end with its conversation ({}); storing them apart", id,
                  stored.error().message);
        if (auto st = co_await store_.finish_run(std::move(end.record), std::move(end.events)); !st)
            log::warn("tasks", "task {}: could not store its final state and event log: {}", id, st.error().message);
    }
    if (!joined.conversation) {
        for (auto& e : end.conversation) {
            if (auto st = co_await sessions_.append(key, std::move(e)); !st)
                log::warn("tasks", "task {}: session event not recorded: {}", id, st.error().message);
        }
    }

    // The run is over: its queue row goes (to the dead-letter queue when the job failed for good), unless the
    // store did that with the outcome. (Two statements: g++ 12 miscompiles a conditional expression with co_await
    // in both branches.)
    bool pending_left = true;  // whether a queued job may be claimable now that this run is over
    if (!joined.queue) {
        Status st;
        if (end.letter) {
            st = co_await queue_.bury(id, std::move(*end.letter));
        } else {
            auto peeked = co_await queue_.remove_and_peek(id);
            if (peeked)
                pending_left = *peeked;
            else
                st = std::move(peeked).error();
        }
        if (!st) log::warn("tasks", "task {}: could not update its queue entry: {}", id, st.error().message);
    }

    std::vector<std::shared_ptr<Subscription>> waiters;
    {
        std::lock_guard lock(t->mu);
        t->flushed_seq = t->seq;
        t->stored = true;
        waiters.swap(t->store_waiters);
        t->publish_final();
    }
    for (auto& w : waiters) w->close();
    // The store took the snapshot; the run's own record is the same, and nothing changes it once committed (every
    // writer checks `finished` under mu, which the block above took after commit() released it).
    notify(t->record, joined.push_configs ? &*joined.push_configs : nullptr);
    // The jobs claimed with the outcome count as starting before this run stops counting, so the dispatcher never
    // sees the slot free twice.
    const bool refilled = joined.claimed_next;
    if (refilled) start_runs(std::move(joined.claimed), true);
    {
        std::lock_guard lock(mu_);
        if (auto it = live_.find(id); it != live_.end() && it->second == t) live_.erase(it);
    }
    if (run_waits) asio::post(t->strand, [t] { t->persisted.expires_at(asio::steady_timer::time_point::min()); });
    // A worker slot is free, unless the claim above filled it or found the queue empty. A run's end may let a
    // queued job or a waiting interactive run of its conversation through (DECISIONS 20): the store says so where
    // it holds the queue; else the queue says whether anything is pending at all.
    const bool others_may_wait = pending_left || turn_waiters_.load() > 0;
    if ((t->background && !refilled) || joined.conversation_waits ||
        (!t->background && !joined.queue && others_may_wait))
        wake_workers();
}

namespace {

// Failures worth another attempt of a background job (DECISIONS 24): the provider or the network, not the input.
bool transient(Errc code) {
    return code == Errc::upstream_error || code == Errc::rate_limited || code == Errc::timeout ||
           code == Errc::unavailable;
}

}  // namespace

asio::awaitable<void> TaskManager::run(std::shared_ptr<Live> t) {
    // The frame is bound to the task's cancel signal (launch()), but lets it through only around the agent call
    // below: the bookkeeping before and after always completes, and a cancel never throws out of an await.
    co_await asio::this_coro::throw_if_cancelled(false);
    co_await asio::this_coro::reset_cancellation_state(asio::disable_cancellation());
    store::TaskRecord working;
    bool dropped_while_waiting = false;
    {
        std::lock_guard lock(t->mu);
        if (t->finished) {
            // Canceled while it waited for its turn.
            run_finished(t);
            co_return;
        }
        dropped_while_waiting = t->dropped;
    }
    if (dropped_while_waiting) {
        co_await release(t);
        run_finished(t);
        co_return;
    }
    {
        std::lock_guard lock(t->mu);
        t->record.task.status = t->prestarted ? t->prestarted_status : status_now(a2a::TaskState::working);
        t->record.updated_at = Clock::now();
        t->append(TaskEvent::Kind::status, status_payload(t->record, false), false, false);
        working = t->record;
    }

    agent::RunInput input;
    input.app_id = working.app_id;
    input.user_id = working.user_id;
    input.context_id = working.task.context_id;
    input.task_id = working.task.id;
    input.message = std::move(t->input);  // only this run reads it (a retry starts from the queued input)
    input.resume = t->resume;
    const store::SessionKey key{working.app_id, working.user_id, working.task.context_id};
    // The user's message joins the conversation once: an earlier attempt of this task may have recorded it (the
    // agent then gets the history without it and adds it itself); an approval answer never does.
    std::optional<store::SessionEvent> user_message;
    if (!t->resume) user_message = user_event(input.message, working.task.id);

    // The working state, the conversation so far and the user's message in one transaction where the sessions
    // share the tasks' database (stored with the task itself when it could start at once); else the session is
    // read first and the rest stored together where possible.
    Result<store::TaskStore::RunStartStored> started = Error{Errc::internal, "not started"};
    if (t->prestarted)
        started = std::move(*std::exchange(t->prestarted, std::nullopt));
    else
        started = co_await store_.start_run_in_session(working, key, user_message, kRunHistoryEvents);
    if (!started && started.error().code == Errc::unsupported) {
        if (auto session = co_await sessions_.open(key, kRunHistoryEvents); session) {
            input.history = std::move(session->events);
            input.session_state = std::move(session->state);
        }
        if (user_message && store::take_recorded_user_message(input.history, working.task.id)) user_message.reset();
        started = co_await store_.start_run_with(working, key, user_message);
    } else if (started && started->session) {
        input.history = std::move(started->session->events);
        input.session_state = std::move(started->session->state);
    }
    if (!started) {
        log::debug("tasks", "task {}: working state not stored: {}", working.task.id, started.error().message);
        // Canceled (here or on another instance) between the claim and now: the stored end state stands.
        if (started.error().code == Errc::conflict) {
            if (auto stored = co_await store_.get(working.app_id, working.task.id);
                stored && a2a::is_terminal(stored->task.status.state)) {
                commit(t, stored->task.status);
                run_finished(t);
                co_return;
            }
        }
    }
    // Told once the working state is stored, with the push configs its transaction read where the store did.
    notify(working, started && started->push_configs ? &*started->push_configs : nullptr);
    if (user_message && !(started && started->user_message)) {
        if (auto st = co_await sessions_.append(key, std::move(*user_message)); !st)
            log::warn("tasks", "task {}: user message not recorded in the session: {}", working.task.id,
                      st.error().message);
    }
    {
        std::lock_guard lock(t->mu);
        t->confirmed = true;
    }

    // queue.task_timeout bounds each attempt: the run is cancelled and the attempt counts as a transient failure.
    t->deadline.expires_after(settings_.run_timeout);
    t->deadline.async_wait([t](boost::system::error_code ec) {
        if (ec) return;
        t->timed_out = true;
        t->cancel_agent();
    });

    agent::RunResult result;
    std::string failure;
    Errc failure_code = Errc::internal;

    RunEmitter emitter(*t);
    // Only the agent is cancellable (tasks/cancel, timeout, shutdown); this frame always finishes its bookkeeping.
    co_await asio::this_coro::reset_cancellation_state(asio::enable_terminal_cancellation());
    t->agent_running = true;
    try {
        result = co_await t->agent->run(input, emitter);
    } catch (const boost::system::system_error& e) {
        failure = e.code() == asio::error::operation_aborted ? "canceled" : e.what();
        failure_code = e.code() == asio::error::operation_aborted ? Errc::cancelled : Errc::internal;
    } catch (const std::exception& e) {
        failure = e.what();
    }
    t->agent_running = false;
    t->deadline.cancel();
    co_await asio::this_coro::reset_cancellation_state(asio::disable_cancellation());
    // The agent's answer came in a handler of this thread's: what follows (commit, store, notifications, the
    // answer to a waiting caller) goes to the back of the thread's queue, behind the requests that arrived
    // meanwhile, as a spawned agent's completion did. Without this yield a busy thread ran each request to its end
    // first: about the same CPU, but under load the slowest tenth of the requests waited ~25 % longer.
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
    if (failure.empty() && result.outcome == agent::RunResult::Outcome::failed) {
        failure = result.error;
        failure_code = result.error_code;
    }
    if (t->timed_out && (!failure.empty() || result.outcome != agent::RunResult::Outcome::completed)) {
        failure = fmt::format("timeout: the run did not finish within {}s",
                              std::chrono::duration_cast<std::chrono::seconds>(settings_.run_timeout).count());
        failure_code = Errc::timeout;
    }

    // What the run produced goes into the conversation only with the commit that makes its outcome stand.
    auto conversation = [&] {
        std::vector<store::SessionEvent> out;
        out.reserve(result.events.size() + 1);
        for (auto& e : result.events) {
            e.invocation_id = working.task.id;
            out.push_back(std::move(e));
        }
        if (!failure.empty()) {
            store::SessionEvent err;
            err.author = working.agent;
            err.invocation_id = working.task.id;
            err.error_code = "run_failed";
            err.error_message = failure;
            out.push_back(std::move(err));
        }
        return out;
    };
    bool released;
    {
        std::lock_guard lock(t->mu);
        released = t->released;
    }
    bool persisted_here = false;  // this frame committed the outcome and has stored it

    if (released) {
        co_await release(t);
    } else if (!failure.empty()) {
        const bool retry = t->background && transient(failure_code) && t->attempt <= settings_.max_retries;
        bool already_finished;
        {
            std::lock_guard lock(t->mu);
            already_finished = t->finished;
        }
        if (retry && !already_finished) {
            co_await retry_later(t, failure);
        } else {
            std::optional<store::DeadLetter> letter;
            if (t->background) {
                letter.emplace();
                letter->id = "dlq-" + new_uuid();
                letter->task_id = working.task.id;
                letter->app_id = working.app_id;
                letter->error = failure;
                letter->failed_at = Clock::now();
                // Deterministic failures are dead-lettered at once with retry_count 0 (DECISIONS 24).
                letter->retry_count = transient(failure_code) ? t->attempt - 1 : 0;
                if (auto in = parse_json(queue_input(working.agent, working.user_id, input.message), kOwnJsonDepth); in)
                    letter->input = std::move(in).value();
            }
            persisted_here =
                co_await commit_here(t, status_now(a2a::TaskState::failed, agent_message(working, failure)), nullptr,
                                     std::move(letter), conversation());
        }
    } else if (result.outcome == agent::RunResult::Outcome::input_required) {
        auto prompt = agent_message(working, result.text, result.metadata);
        const std::function<void(store::TaskRecord&)> add_prompt = [&](store::TaskRecord& r) {
            for (const auto& kv : result.metadata) r.task.metadata[kv.key()] = kv.value();  // keeps the server's keys
            r.task.history.push_back(prompt);
        };
        persisted_here = co_await commit_here(t, status_now(a2a::TaskState::input_required, prompt), add_prompt,
                                              std::nullopt, conversation());
    } else {
        auto answer = agent_message(working, result.text);
        std::string artifact_id;
        {
            std::lock_guard lock(t->mu);
            artifact_id = t->artifact_id;
        }
        auto status = status_now(a2a::TaskState::completed, answer);
        const std::function<void(store::TaskRecord&)> add_answer = [&](store::TaskRecord& r) {
            a2a::Artifact artifact;
            artifact.artifact_id = artifact_id;
            artifact.name = "answer";
            artifact.parts.push_back(a2a::Part::make_text(std::move(result.text)));  // `answer` has a copy
            r.task.artifacts.clear();
            r.task.artifacts.push_back(std::move(artifact));
            r.task.history.push_back(std::move(answer));  // the status has a copy
        };
        persisted_here = co_await commit_here(t, std::move(status), add_answer, std::nullopt, conversation());
    }

    if (result.prompt_tokens > 0 || result.completion_tokens > 0) {
        std::vector<UsageListener> usage;
        {
            std::lock_guard lock(mu_);
            usage = usage_listeners_;
        }
        for (auto& l : usage) l(working, result.prompt_tokens, result.completion_tokens);  // ids and agent only
    }
    // The next run of this conversation starts once this outcome (and what it added to the session) is stored.
    bool persisting;
    {
        std::lock_guard lock(t->mu);
        persisting = t->persisting;
    }
    if (persisting && !persisted_here) co_await t->persisted.async_wait(asio::as_tuple(asio::use_awaitable));
    run_finished(t);
}

}  // namespace hector::tasks
