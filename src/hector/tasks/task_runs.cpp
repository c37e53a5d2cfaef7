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
#include "hector/tasks/run_emitter.hpp"

namespace hector::tasks {

namespace asio = boost::asio;
namespace json = boost::json;
using store::TaskEvent;
using namespace detail;

void TaskManager::Live::append(TaskEvent::Kind kind, json::value payload, bool final, bool interrupted, bool publish) {
    TaskEvent e;
    e.seq = ++seq;
    record.last_seq = seq;
    e.kind = kind;
    e.final = final;
    auto text = std::make_shared<const std::string>(json::serialize(payload));
    e.payload = std::move(payload);
    log.push_back(std::move(e));
    Event ev{seq, kind, final, interrupted, std::move(text)};
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

TaskManager::TaskManager(asio::io_context& io, store::TaskStore& tasks, store::SessionStore& sessions,
                         TaskManagerSettings settings)
    : io_(io), store_(tasks), sessions_(sessions), settings_(settings) {}

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
    // The completion handler owns a reference so the task (and its cancellation signal, which the coroutine's
    // slot points into) outlives the coroutine frame.
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
                         const std::function<void(store::TaskRecord&)>& mutate) {
    store::TaskRecord snapshot;
    std::vector<TaskEvent> events;
    {
        std::lock_guard lock(t->mu);
        if (t->finished) return false;
        t->finished = true;
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
            t->append(TaskEvent::Kind::artifact, a2a::to_json(last), false, false);
        }
        t->record.task.status = std::move(status);
        t->record.updated_at = Clock::now();
        // The final event is logged now but fanned out only once the state is stored: a client that saw it can
        // rely on every later read, here or after a restart, agreeing with it.
        t->append(TaskEvent::Kind::status, status_payload(t->record, true), true, interrupted, /*publish=*/false);
        snapshot = t->record;
        events = compact(t->log, t->record);
    }
    asio::co_spawn(io_, persist(t, snapshot, std::move(events)), asio::detached);
    return true;
}

asio::awaitable<void> TaskManager::persist(std::shared_ptr<Live> t, store::TaskRecord snapshot,
                                           std::vector<TaskEvent> events) {
    const auto id = snapshot.task.id;
    const auto app = snapshot.app_id;
    if (auto st = co_await store_.update(snapshot); !st)

        log::warn("tasks", "task {}: could not store its final state: {}", id, st.error().message);
    if (auto st = co_await store_.replace_events(app, id, std::move(events)); !st)
        log::warn("tasks", "task {}: could not store its event log: {}", id, st.error().message);
    {
        std::lock_guard lock(t->mu);
        t->publish_final();
    }
    notify(snapshot);
    std::lock_guard lock(mu_);
    if (auto it = live_.find(id); it != live_.end() && it->second == t) live_.erase(it);
}

asio::awaitable<void> TaskManager::run(std::shared_ptr<Live> t) {
    store::TaskRecord working;
    {
        std::lock_guard lock(t->mu);
        if (t->finished) {
            // Canceled while it waited for its turn.
            run_finished(t);
            co_return;
        }
        t->record.task.status = status_now(a2a::TaskState::working);
        t->record.updated_at = Clock::now();
        t->append(TaskEvent::Kind::status, status_payload(t->record, false), false, false);
        working = t->record;
    }
    notify(working);
    if (auto st = co_await store_.update(working); !st)
        log::debug("tasks", "task {}: working state not stored: {}", working.task.id, st.error().message);

    t->deadline.expires_after(settings_.run_timeout);
    t->deadline.async_wait([this, t](boost::system::error_code ec) {
        if (ec) return;
        auto limit = std::chrono::duration_cast<std::chrono::seconds>(settings_.run_timeout).count();
        std::string text = fmt::format("the run did not finish within {}s", limit);
        if (commit(t, status_now(a2a::TaskState::failed, agent_message(out_record(t), text)))) {
            log::warn("tasks", "task {}: {}", out_record(t).task.id, text);
            t->cancel.emit(asio::cancellation_type::terminal);
        }
    });

    agent::RunInput input;
    input.app_id = working.app_id;
    input.user_id = working.user_id;
    input.context_id = working.task.context_id;
    input.task_id = working.task.id;
    input.message = t->input;
    input.resume = t->resume;
    const store::SessionKey key{working.app_id, working.user_id, working.task.context_id};

    agent::RunResult result;
    std::string failure;
    try {
        auto session = co_await sessions_.get(key, std::size_t{1000});
        if (session) {
            input.history = std::move(session->events);
            input.session_state = std::move(session->state);
        }
        // An approval answer belongs to the task's history, not to the conversation the model sees.
        if (!t->resume) {
            if (auto st = co_await sessions_.append(key, user_event(t->input, working.task.id)); !st)
                log::warn("tasks", "task {}: user message not recorded in the session: {}", working.task.id,
                          st.error().message);
        }
        RunEmitter emitter(*t);
        result = co_await t->agent->run(input, emitter);
    } catch (const boost::system::system_error& e) {
        failure = e.code() == asio::error::operation_aborted ? "canceled" : e.what();
    } catch (const std::exception& e) {
        failure = e.what();
    }
    t->deadline.cancel();

    bool finished_here = false;
    if (!failure.empty()) {
        finished_here = commit(t, status_now(a2a::TaskState::failed, agent_message(out_record(t), failure)));
    } else if (result.outcome == agent::RunResult::Outcome::failed) {
        finished_here = commit(t, status_now(a2a::TaskState::failed, agent_message(out_record(t), result.error)));
    } else if (result.outcome == agent::RunResult::Outcome::input_required) {
        auto snapshot = out_record(t);
        auto prompt = agent_message(snapshot, result.text, result.metadata);
        finished_here = commit(t, status_now(a2a::TaskState::input_required, prompt), [&](store::TaskRecord& r) {
            r.task.metadata = result.metadata;
            r.task.history.push_back(prompt);
        });
    } else {
        auto snapshot = out_record(t);
        auto answer = agent_message(snapshot, result.text);
        std::string artifact_id;
        {
            std::lock_guard lock(t->mu);
            artifact_id = t->artifact_id;
        }
        finished_here = commit(t, status_now(a2a::TaskState::completed, answer), [&](store::TaskRecord& r) {
            a2a::Artifact artifact;
            artifact.artifact_id = artifact_id;
            artifact.name = "answer";
            artifact.parts.push_back(a2a::Part::make_text(result.text));
            r.task.artifacts = {std::move(artifact)};
            r.task.history.push_back(answer);
        });
    }

    if (result.prompt_tokens > 0 || result.completion_tokens > 0) {
        std::vector<UsageListener> usage;
        {
            std::lock_guard lock(mu_);
            usage = usage_listeners_;
        }
        auto snapshot = out_record(t);
        for (auto& l : usage) l(snapshot, result.prompt_tokens, result.completion_tokens);
    }
    // What the run produced goes into the conversation only when the run's outcome stands.

    if (finished_here) {
        for (auto& e : result.events) {
            e.invocation_id = working.task.id;
            if (auto st = co_await sessions_.append(key, std::move(e)); !st)
                log::warn("tasks", "task {}: session event not recorded: {}", working.task.id, st.error().message);
        }
        if (!failure.empty() || result.outcome == agent::RunResult::Outcome::failed) {
            store::SessionEvent err;
            err.author = working.agent;
            err.invocation_id = working.task.id;
            err.error_code = "run_failed";
            err.error_message = failure.empty() ? result.error : failure;
            co_await sessions_.append(key, std::move(err));
        }
    }
    run_finished(t);
}

}  // namespace hector::tasks
