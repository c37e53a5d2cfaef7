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
#include "hector/tasks/live_task.hpp"
#include "hector/tasks/run_emitter.hpp"

namespace hector::tasks {

namespace asio = boost::asio;
namespace json = boost::json;
using store::TaskEvent;

namespace {

Error task_not_found() {
    return Error{Errc::task_not_found, "Task not found"};
}

a2a::TaskStatus status_now(a2a::TaskState state, std::optional<a2a::Message> message = std::nullopt) {
    a2a::TaskStatus s;
    s.state = state;
    s.timestamp = now_rfc3339();
    s.message = std::move(message);
    return s;
}

a2a::Message agent_message(const store::TaskRecord& r, std::string text, json::object metadata = {}) {
    a2a::Message m;
    m.message_id = new_uuid();
    m.role = a2a::Role::agent;
    m.parts.push_back(a2a::Part::make_text(std::move(text)));
    m.context_id = r.task.context_id;
    m.task_id = r.task.id;
    m.metadata = std::move(metadata);
    return m;
}

json::value status_payload(const store::TaskRecord& r, bool final, json::object metadata = {}) {
    a2a::StatusUpdateEvent e;
    e.task_id = r.task.id;
    e.context_id = r.task.context_id;
    e.status = r.task.status;
    e.final = final;
    e.metadata = std::move(metadata);
    return a2a::to_json(e);
}

// `type/*` and `*/*` wildcards on either side (DECISIONS 19).
bool media_matches(std::string_view pattern, std::string_view type) {
    if (pattern == "*/*" || type == "*/*" || pattern == type) return true;
    auto prefix = [](std::string_view s) { return s.substr(0, s.find('/')); };
    if (pattern.size() > 2 && pattern.substr(pattern.size() - 2) == "/*") return prefix(pattern) == prefix(type);
    if (type.size() > 2 && type.substr(type.size() - 2) == "/*") return prefix(pattern) == prefix(type);
    return false;
}

bool any_matches(const std::vector<std::string>& patterns, std::string_view type) {
    for (const auto& p : patterns)
        if (media_matches(p, type)) return true;
    return false;
}

Status check_media(const config::AgentConfig& agent, const a2a::MessageSendParams& params) {
    const auto& parts = params.message.parts;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const auto& p = parts[i];
        if (p.kind != a2a::Part::Kind::file || p.file.mime_type.empty()) continue;
        if (!any_matches(agent.input_modes, p.file.mime_type))
            return Error{Errc::content_type_not_supported,
                         fmt::format("params.message.parts[{}]: media type {} is not accepted by this agent ({})", i,
                                     p.file.mime_type, fmt::join(agent.input_modes, ", "))};
    }
    const auto& accepted = params.configuration.accepted_output_modes;
    if (!accepted.empty()) {
        bool ok = false;
        for (const auto& out : agent.output_modes) ok = ok || any_matches(accepted, out);
        if (!ok)
            return Error{Errc::content_type_not_supported,
                         fmt::format("params.configuration.acceptedOutputModes: this agent answers in {}",
                                     fmt::join(agent.output_modes, ", "))};
    }
    return {};
}

store::SessionEvent user_event(const a2a::Message& m, const std::string& task_id) {
    store::SessionEvent e;
    e.author = "user";
    e.role = "user";
    e.invocation_id = task_id;
    auto parts = a2a::to_json(m).as_object().at("parts");
    e.parts = parts.as_array();
    return e;
}

// Token-level artifact chunks become one event per artifact when a task ends (DECISIONS 26).
std::vector<TaskEvent> compact(const std::vector<TaskEvent>& log, const store::TaskRecord& record) {
    std::vector<TaskEvent> out;
    std::map<std::string, std::size_t> artifact_slot;
    for (const auto& e : log) {
        if (e.kind != TaskEvent::Kind::artifact) {
            out.push_back(e);
            continue;
        }
        const auto& obj = e.payload.as_object();
        std::string id(obj.at("artifact").at("artifactId").as_string());
        auto it = artifact_slot.find(id);
        if (it == artifact_slot.end()) {
            artifact_slot[id] = out.size();
            out.push_back(e);
        } else {
            out[it->second].seq = e.seq;
        }
    }
    for (auto& [id, slot] : artifact_slot) {
        for (const auto& a : record.task.artifacts) {
            if (a.artifact_id != id) continue;
            a2a::ArtifactUpdateEvent full;
            full.task_id = record.task.id;
            full.context_id = record.task.context_id;
            full.artifact = a;
            full.append = false;
            full.last_chunk = true;
            out[slot].payload = a2a::to_json(full);
        }
    }
    return out;
}

}  // namespace

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

void TaskManager::add_status_listener(StatusListener listener) {
    std::lock_guard lock(mu_);
    listeners_.push_back(std::move(listener));
}

void TaskManager::add_usage_listener(UsageListener listener) {
    std::lock_guard lock(mu_);
    usage_listeners_.push_back(std::move(listener));
}

void TaskManager::notify(const store::TaskRecord& record) {

    std::vector<StatusListener> copy;
    {
        std::lock_guard lock(mu_);
        copy = listeners_;
    }
    for (auto& l : copy) l(record);
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

asio::awaitable<Result<store::TaskRecord>> TaskManager::owned(const Caller& caller, const std::string& agent,
                                                              const std::string& task_id) {
    store::TaskRecord record;
    if (auto l = live(task_id)) {
        std::lock_guard lock(l->mu);
        record = l->record;
    } else {
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

    if (msg.context_id.empty()) msg.context_id = new_uuid();
    // DECISIONS 20: a new message supersedes a task of this conversation that waits for approval.
    co_await supersede_waiting(req.caller, msg.context_id);
    // DECISIONS 21: a messageId already accepted in this conversation returns that task.
    auto previous =
        co_await store_.find_by_message(req.caller.app_id, req.caller.user_id, msg.context_id, msg.message_id);
    if (previous && previous->has_value()) {
        co_return co_await resubscribe(req.caller, req.agent_id, **previous, std::nullopt);
    }

    {
        std::lock_guard lock(mu_);
        if (shutting_down_) co_return Error{Errc::unavailable, "the server is shutting down"};
        if (live_.size() >= settings_.max_concurrent_runs)
            co_return Error{Errc::unavailable, fmt::format("too many concurrent runs (limit {}); retry shortly",
                                                           settings_.max_concurrent_runs)};
    }

    auto t = std::make_shared<Live>(io_);
    auto& r = t->record;
    r.app_id = req.caller.app_id;
    r.user_id = req.caller.user_id;
    r.agent = req.agent_id;
    r.created_at = r.updated_at = Clock::now();
    r.task.id = new_uuid();
    r.task.context_id = msg.context_id;
    msg.task_id = r.task.id;
    r.task.status = status_now(a2a::TaskState::submitted);
    r.task.history.push_back(msg);
    t->app = req.app;
    t->agent = agent;
    t->input = msg;
    t->artifact_id = new_uuid();

    if (auto st = co_await store_.create(r); !st) co_return st.error();
    if (params.configuration.push_notification_config) {
        auto cfg = *params.configuration.push_notification_config;
        if (cfg.id.empty()) cfg.id = r.task.id;
        if (auto st = co_await store_.put_push_config(r.app_id, r.task.id, cfg, settings_.max_push_configs); !st)
            co_return st.error();
    }

    Started out;
    {
        std::lock_guard lock(t->mu);
        out.task = t->record.task;
        out.seq = t->seq;
        if (req.subscribe) {
            out.subscription =
                std::make_shared<Subscription>(co_await asio::this_coro::executor, settings_.subscriber_queue);
            t->subscribers.push_back(out.subscription);
        }
    }
    {
        std::lock_guard lock(mu_);
        live_[r.task.id] = t;
    }
    notify(out_record(t));
    schedule(t);
    co_return out;
}

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

namespace {

// An approval answer (platform.md §5.6): a data part {"approved": bool, "tool_call_id"?} or the text
// approve/deny (yes/no), case-insensitive.
std::optional<agent::Resume> approval_of(const a2a::Message& m) {
    for (const auto& p : m.parts) {
        if (p.kind == a2a::Part::Kind::data) {
            if (const auto* a = p.data.if_contains("approved"); a && a->is_bool()) {
                agent::Resume r;
                r.approved = a->get_bool();
                if (const auto* id = p.data.if_contains("tool_call_id"); id && id->is_string())
                    r.tool_call_id = std::string(id->get_string());
                return r;
            }
        } else if (p.kind == a2a::Part::Kind::text) {
            std::string t;
            for (char c : p.text)
                if (!std::isspace(static_cast<unsigned char>(c)) && c != '.' && c != '!')
                    t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
            if (t == "approve" || t == "approved" || t == "yes" || t == "y") return agent::Resume{true};
            if (t == "deny" || t == "denied" || t == "no" || t == "n") return agent::Resume{false};
        }
    }
    return std::nullopt;
}

}  // namespace

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
        if (live_.contains(record.task.id))
            co_return Error{Errc::invalid_argument, "params.message.taskId: task is still running"};
    }
    msg.context_id = record.task.context_id;
    msg.task_id = record.task.id;
    auto t = std::make_shared<Live>(io_);
    record.task.metadata.erase("pending_tool_calls");
    record.task.history.push_back(msg);
    record.updated_at = Clock::now();
    t->record = std::move(record);
    t->seq = t->record.last_seq;
    t->app = req.app;
    t->agent = req.app->agent_instance(req.agent_id);
    t->input = msg;
    t->resume = std::move(decision);
    t->artifact_id = new_uuid();
    if (auto st = co_await store_.update(t->record); !st) co_return st.error();

    Started out;
    {
        std::lock_guard lock(t->mu);
        out.task = t->record.task;
        out.seq = t->seq;
        if (req.subscribe) {
            out.subscription =
                std::make_shared<Subscription>(co_await asio::this_coro::executor, settings_.subscriber_queue);
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
        if (!a2a::is_interrupted(r.task.status.state) || live(r.task.id)) continue;
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
        asio::post(t->strand, [t] { t->cancel.emit(asio::cancellation_type::terminal); });
        co_return out_record(t).task;
    }
    auto done = co_await store_.finish_if_active(caller.app_id, task_id, canceled);
    if (!done) co_return std::move(done).error();
    notify(*done);
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
                out.backlog.push_back(Event{e.seq, e.kind, e.final, false,
                                            std::make_shared<const std::string>(json::serialize(e.payload))});
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
    out.ended = true;
    if (last_event_id) {
        auto events = co_await store_.events_after(caller.app_id, task_id, *last_event_id);
        // The id must still be in the log (compaction may have removed it): else fall back to the snapshot.
        auto all = co_await store_.events_after(caller.app_id, task_id, 0);
        bool known = *last_event_id == 0;
        if (all)
            for (const auto& e : *all) known = known || e.seq == *last_event_id;
        if (events && known) {
            out.snapshot = false;
            for (const auto& e : *events)
                out.backlog.push_back(Event{e.seq, e.kind, e.final, false,
                                            std::make_shared<const std::string>(json::serialize(e.payload))});
        }
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
    for (auto& t : tasks) {
        auto snapshot = out_record(t);
        if (commit(t, status_now(a2a::TaskState::failed, agent_message(snapshot, reason))))
            asio::post(t->strand, [t] { t->cancel.emit(asio::cancellation_type::terminal); });
    }
}

}  // namespace hector::tasks
