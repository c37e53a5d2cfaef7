// The store contract, run unchanged against every backend (memory, SQLite, PostgreSQL).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <set>
#include <thread>

#include "hector/a2a/codec.hpp"
#include "store_conformance.hpp"

namespace hector::store::testing {
namespace {

using namespace std::chrono_literals;
using a2a::TaskState;

// Recent (the memory backend drops finished tasks past its 7-day retention at once), with nanoseconds: every
// backend must give times back exactly.
const TimePoint kBase =
    std::chrono::time_point_cast<std::chrono::seconds>(Clock::now()) - 3h + std::chrono::nanoseconds(123456789);

a2a::Message message(a2a::Role role, std::string id, std::string text) {
    a2a::Message m;
    m.role = role;
    m.message_id = std::move(id);
    m.parts.push_back(a2a::Part::make_text(std::move(text)));
    return m;
}

TaskRecord make_task(const std::string& id, const std::string& context = "ctx-1", TaskState state = TaskState::working,
                     const std::string& app = "default", const std::string& user = "u1",
                     std::chrono::minutes age = 0min) {
    TaskRecord r;
    r.task.id = id;
    r.task.context_id = context;
    r.task.status.state = state;
    r.task.status.timestamp = "2025-01-20T10:00:00Z";
    r.task.history.push_back(message(a2a::Role::user, "m-" + id, "hello"));
    r.app_id = app;
    r.user_id = user;
    r.agent = "assistant";
    r.created_at = r.updated_at = kBase + age;
    return r;
}

std::string task_json(const TaskRecord& r) {
    return to_json(a2a::to_json(r.task));
}

TaskEvent event(std::int64_t seq, TaskEvent::Kind kind = TaskEvent::Kind::status, bool final = false) {
    TaskEvent e;
    e.seq = seq;
    e.kind = kind;
    json::object payload;
    payload["kind"] = kind == TaskEvent::Kind::status ? "status-update" : "artifact-update";
    payload["n"] = seq;
    e.payload = make_json_text(json::serialize(payload));
    e.final = final;
    return e;
}

std::vector<std::int64_t> seqs(const std::vector<TaskEvent>& events) {
    std::vector<std::int64_t> out;
    for (const auto& e : events) out.push_back(e.seq);
    return out;
}

a2a::PushNotificationConfig push(const std::string& id, const std::string& url) {
    a2a::PushNotificationConfig c;
    c.id = id;
    c.url = url;
    return c;
}

std::vector<std::string> push_ids(const std::vector<a2a::PushNotificationConfig>& configs) {
    std::vector<std::string> out;
    for (const auto& c : configs) out.push_back(c.id + " " + c.url);
    return out;
}

// ---- tasks -----------------------------------------------------------------------------------------------------

TEST_P(StoreConformance, CreateThenGetGivesEveryFieldBack) {
    auto r = make_task("t1");
    r.task.history.push_back(message(a2a::Role::agent, "a-1", "hi there"));
    a2a::Message status_message;  // built by the server, no parts
    status_message.role = a2a::Role::agent;
    status_message.message_id = "s-1";
    r.task.status.message = status_message;
    a2a::Artifact art;
    art.artifact_id = "art-1";
    art.name = "answer";
    art.parts.push_back(a2a::Part::make_text("42"));
    a2a::Part data;
    data.kind = a2a::Part::Kind::data;
    data.data["nested"] = json::array{1, "two", nullptr};
    art.parts.push_back(data);
    r.task.artifacts.push_back(art);
    r.task.metadata["origin"] = "test";
    r.task.metadata["unicode"] = "żółw ✓";
    r.last_seq = 3;
    r.updated_at = kBase + 5s;
    ASSERT_TRUE(sync(tasks().create(r)).ok());

    auto got = sync(tasks().get("default", "t1"));
    ASSERT_TRUE(got.ok()) << got.error().message;
    EXPECT_EQ(task_json(*got), task_json(r));
    EXPECT_EQ(got->app_id, "default");
    EXPECT_EQ(got->user_id, "u1");
    EXPECT_EQ(got->agent, "assistant");
    EXPECT_EQ(got->created_at, r.created_at);
    EXPECT_EQ(got->updated_at, r.updated_at);
    EXPECT_EQ(got->last_seq, 3);
    ASSERT_TRUE(got->task.status.message.has_value());
    EXPECT_TRUE(got->task.status.message->parts.empty());
}

TEST_P(StoreConformance, CreateRefusesAnExistingIdInAnyApp) {
    ASSERT_TRUE(sync(tasks().create(make_task("t1"))).ok());
    auto again = sync(tasks().create(make_task("t1")));
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, Errc::conflict);
    auto other_app = sync(tasks().create(make_task("t1", "ctx-1", TaskState::working, "other")));
    ASSERT_FALSE(other_app.ok());
    EXPECT_EQ(other_app.error().code, Errc::conflict);
}

TEST_P(StoreConformance, GetIsScopedToTheApp) {
    ASSERT_TRUE(sync(tasks().create(make_task("t1"))).ok());
    EXPECT_EQ(sync(tasks().get("other", "t1")).error().code, Errc::task_not_found);
    EXPECT_EQ(sync(tasks().get("default", "nope")).error().code, Errc::task_not_found);
}

TEST_P(StoreConformance, UpdateReplacesTheSnapshot) {
    ASSERT_TRUE(sync(tasks().create(make_task("t1"))).ok());
    auto r = make_task("t1", "ctx-1", TaskState::completed);
    r.task.artifacts.push_back({"art-1", "answer", "", {a2a::Part::make_text("done")}, {}, {}});
    r.updated_at = kBase + 1min;
    r.last_seq = 7;
    ASSERT_TRUE(sync(tasks().update(r)).ok());
    auto got = sync(tasks().get("default", "t1"));
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(task_json(*got), task_json(r));
    EXPECT_EQ(got->updated_at, r.updated_at);
    EXPECT_EQ(got->last_seq, 7);
}

// A run's end and its conversation: one transaction where the sessions share the database (both or neither), else
// the caller's job.
// A finished task reads back exactly as its end stored it, whatever its parts hold (the memory store keeps finished
// tasks in a compact form of its own), and goes on like any other when it is opened again.
TEST_P(StoreConformance, AFinishedTaskReadsBackExactlyAsStored) {
    ASSERT_TRUE(sync(tasks().create(make_task("t1"))).ok());
    auto done = make_task("t1", "ctx-1", TaskState::completed);
    done.task.metadata["k"] = json::object{{"nested", json::array{1, "two", nullptr}}};
    auto answer = message(a2a::Role::agent, "m-answer", "caf\xC3\xA9 \"q\" \\ \n\t\x01");
    answer.metadata["type"] = "final";
    answer.reference_task_ids = {"t0"};
    a2a::Part file;
    file.kind = a2a::Part::Kind::file;
    file.file = a2a::FileContent{"f.bin", "application/octet-stream", "AAEC", ""};
    a2a::Part data;
    data.kind = a2a::Part::Kind::data;
    data.data = json::object{{"x", 1.5}};
    answer.parts.push_back(file);
    answer.parts.push_back(data);
    done.task.history.push_back(answer);
    done.task.status.message = answer;
    a2a::Artifact artifact;
    artifact.artifact_id = "a1";
    artifact.name = "answer";
    artifact.parts.push_back(a2a::Part::make_text(std::string(5000, 'z')));
    done.task.artifacts.push_back(artifact);
    done.last_seq = 3;
    auto big = event(3, TaskEvent::Kind::artifact, true);
    big.payload = make_json_text(R"({"kind":"artifact-update","text":")" + std::string(3000, 'y') + R"("})");
    TaskStore::RunEnd end{done, {event(1), event(2, TaskEvent::Kind::artifact), big}, {"default", "u1", "ctx-1"}, {}};
    ASSERT_TRUE(sync(tasks().finish_run_with(end)).ok());

    for (int read = 0; read < 2; ++read) {  // reading does not change it
        auto got = sync(tasks().get("default", "t1"));
        ASSERT_TRUE(got.ok()) << got.error().message;
        EXPECT_EQ(task_json(*got), task_json(done));
        EXPECT_EQ(got->last_seq, 3);
        EXPECT_EQ(got->agent, "assistant");
        auto events = sync(tasks().events_after("default", "t1", 1));
        ASSERT_TRUE(events.ok());
        EXPECT_EQ(seqs(*events), (std::vector<std::int64_t>{2, 3}));
        EXPECT_EQ(*events->back().payload, *big.payload);
        EXPECT_TRUE(events->back().final);
        EXPECT_EQ(events->back().kind, TaskEvent::Kind::artifact);
    }
    auto states = sync(tasks().count_states("default"));
    ASSERT_TRUE(states.ok());
    EXPECT_EQ(*states, (std::vector<std::pair<std::string, std::int64_t>>{{"completed", 1}}));

    // Opened again (a reply to an input-required task takes the same way): the whole task comes back.
    auto again = done;
    again.task.status.state = TaskState::working;
    again.task.history.push_back(message(a2a::Role::user, "m-next", "more"));
    ASSERT_TRUE(sync(tasks().reopen(again)).ok());
    auto reopened = sync(tasks().get("default", "t1"));
    ASSERT_TRUE(reopened.ok());
    EXPECT_EQ(task_json(*reopened), task_json(again));
    auto log = sync(tasks().events_after("default", "t1", 0));
    ASSERT_TRUE(log.ok());
    EXPECT_EQ(seqs(*log), (std::vector<std::int64_t>{1, 2, 3}));
    auto found = sync(tasks().find_by_message("default", "u1", "ctx-1", "m-t1"));  // the idempotency key stays
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ(**found, "t1");
}

TEST_P(StoreConformance, FinishRunWithKeepsTheOutcomeAndTheConversationTogether) {
    ASSERT_TRUE(sync(tasks().create(make_task("t1"))).ok());
    auto done = make_task("t1", "ctx-1", TaskState::completed);
    TaskEvent final_event;
    final_event.seq = 1;
    final_event.final = true;
    final_event.payload = make_json_text(R"({"kind":"status-update"})");
    const SessionKey key{"default", "u1", "ctx-1"};
    SessionEvent question, answer;
    question.author = "user";
    question.role = "user";
    answer.author = "agent";
    answer.role = "agent";
    TaskStore::RunEnd end{done, {final_event}, key, {question, answer}};
    auto joined = sync(tasks().finish_run_with(end));
    ASSERT_TRUE(joined.ok()) << joined.error().message;
    EXPECT_EQ(sync(tasks().get("default", "t1"))->task.status.state, TaskState::completed);
    EXPECT_EQ(sync(tasks().events_after("default", "t1", 0))->size(), 1u);
    auto session = sync(sessions().get(key, std::nullopt));
    if (joined->conversation) {
        ASSERT_TRUE(session.ok());
        EXPECT_EQ(session->events.size(), 2u);
    } else {
        EXPECT_EQ(session.error().code, Errc::not_found);  // left to the caller
    }
    // A second end for a finished task is refused, and then its conversation is not stored either.
    auto again = make_task("t1", "ctx-1", TaskState::failed);
    const SessionKey other{"default", "u1", "ctx-2"};
    TaskStore::RunEnd refused_end{again, {final_event}, other, {answer}};
    auto refused = sync(tasks().finish_run_with(refused_end));
    EXPECT_FALSE(refused.ok());
    // What was refused comes back whole, for the caller to store apart.
    EXPECT_EQ(refused_end.record.task.id, "t1");
    EXPECT_EQ(refused_end.record.task.status.state, TaskState::failed);
    ASSERT_EQ(refused_end.events.size(), 1u);
    ASSERT_TRUE(refused_end.events.front().payload);
    EXPECT_EQ(*refused_end.events.front().payload, *final_event.payload);
    ASSERT_EQ(refused_end.conversation.size(), 1u);
    EXPECT_EQ(refused_end.conversation.front().author, "agent");
    EXPECT_EQ(sync(sessions().get(other, std::nullopt)).error().code, Errc::not_found);
    EXPECT_EQ(sync(tasks().get("default", "t1"))->task.status.state, TaskState::completed);
}

// A run's start: working state, the conversation so far and the user's message in one transaction where the
// sessions share the database; a second attempt of the same task finds its message recorded and does not add it
// again.
TEST_P(StoreConformance, StartRunInSessionReadsTheConversationAndRecordsTheMessageOnce) {
    const SessionKey key{"default", "u1", "ctx-1"};
    SessionEvent earlier;
    earlier.author = "user";
    earlier.role = "user";
    earlier.invocation_id = "t0";
    ASSERT_TRUE(sync(sessions().append(key, earlier)).ok());
    ASSERT_TRUE(sync(tasks().create(make_task("t1"))).ok());
    SessionEvent question;
    question.author = "user";
    question.role = "user";
    question.invocation_id = "t1";
    auto started = sync(tasks().start_run_in_session(make_task("t1"), key, question, 10));
    if (!started.ok() && started.error().code == Errc::unsupported) {
        GTEST_SUCCEED() << "the caller opens the session itself on this backend";
        return;
    }
    ASSERT_TRUE(started.ok()) << started.error().message;
    EXPECT_TRUE(started->user_message);
    ASSERT_TRUE(started->session.has_value());
    ASSERT_EQ(started->session->events.size(), 1u);  // what came before, not the message being run
    EXPECT_EQ(started->session->events[0].invocation_id, "t0");
    EXPECT_EQ(sync(sessions().get(key, std::nullopt))->events.size(), 2u);
    // The next attempt of t1: the history leaves the recorded message out and nothing is appended.
    auto again = sync(tasks().start_run_in_session(make_task("t1"), key, question, 10));
    ASSERT_TRUE(again.ok()) << again.error().message;
    ASSERT_EQ(again->session->events.size(), 1u);
    EXPECT_EQ(sync(sessions().get(key, std::nullopt))->events.size(), 2u);
    // A finished task is not started again, and its conversation is untouched.
    ASSERT_TRUE(sync(tasks().update(make_task("t1", "ctx-1", TaskState::completed))).ok());
    auto late = sync(tasks().start_run_in_session(make_task("t1"), key, question, 10));
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().code, Errc::conflict);
    EXPECT_EQ(sync(sessions().get(key, std::nullopt))->events.size(), 2u);
}

TEST_P(StoreConformance, UpdateNeverResurrectsAFinishedTask) {
    ASSERT_TRUE(sync(tasks().create(make_task("t1"))).ok());
    ASSERT_TRUE(sync(tasks().update(make_task("t1", "ctx-1", TaskState::completed))).ok());
    auto back = sync(tasks().update(make_task("t1", "ctx-1", TaskState::working)));
    ASSERT_FALSE(back.ok());
    EXPECT_EQ(back.error().code, Errc::conflict);
    auto other_end = sync(tasks().update(make_task("t1", "ctx-1", TaskState::failed)));
    ASSERT_FALSE(other_end.ok());
    EXPECT_EQ(other_end.error().code, Errc::conflict);
    EXPECT_EQ(sync(tasks().get("default", "t1"))->task.status.state, TaskState::completed);
    // The same final state may be written again (the final snapshot after compaction).
    auto same = make_task("t1", "ctx-1", TaskState::completed);
    same.task.metadata["compacted"] = true;
    ASSERT_TRUE(sync(tasks().update(same)).ok());
    EXPECT_EQ(task_json(*sync(tasks().get("default", "t1"))), task_json(same));
}

TEST_P(StoreConformance, UpdateOfAnUnknownTaskIsNotFound) {
    EXPECT_EQ(sync(tasks().update(make_task("nope"))).error().code, Errc::task_not_found);
    ASSERT_TRUE(sync(tasks().create(make_task("t1"))).ok());
    EXPECT_EQ(sync(tasks().update(make_task("t1", "ctx-1", TaskState::working, "other"))).error().code,
              Errc::task_not_found);
}

TEST_P(StoreConformance, FinishIfActiveIsACompareAndSet) {
    ASSERT_TRUE(sync(tasks().create(make_task("t1"))).ok());
    a2a::TaskStatus canceled;
    canceled.state = TaskState::canceled;
    canceled.timestamp = "2025-01-20T10:05:00Z";
    canceled.message = message(a2a::Role::agent, "c-1", "canceled by the user");
    auto done = sync(tasks().finish_if_active("default", "t1", canceled));
    ASSERT_TRUE(done.ok()) << done.error().message;
    EXPECT_EQ(done->task.status.state, TaskState::canceled);
    EXPECT_EQ(to_json(a2a::to_json(done->task.status)), to_json(a2a::to_json(canceled)));
    EXPECT_EQ(task_json(*sync(tasks().get("default", "t1"))), task_json(*done));

    auto again = sync(tasks().finish_if_active("default", "t1", canceled));
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, Errc::task_not_cancelable);
    EXPECT_EQ(sync(tasks().update(make_task("t1"))).error().code, Errc::conflict);
    EXPECT_EQ(sync(tasks().finish_if_active("default", "nope", canceled)).error().code, Errc::task_not_found);
    EXPECT_EQ(sync(tasks().finish_if_active("other", "t1", canceled)).error().code, Errc::task_not_found);
}

TEST_P(StoreConformance, EventsAreOrderedAndReadAfterASequence) {
    ASSERT_TRUE(sync(tasks().create(make_task("t1"))).ok());
    std::vector<TaskEvent> first{event(1), event(2, TaskEvent::Kind::artifact), event(3)};
    ASSERT_TRUE(sync(tasks().append_events("default", "t1", first)).ok());
    std::vector<TaskEvent> second{event(4, TaskEvent::Kind::artifact), event(5, TaskEvent::Kind::status, true)};
    ASSERT_TRUE(sync(tasks().append_events("default", "t1", second)).ok());

    auto all = sync(tasks().events_after("default", "t1", 0));
    ASSERT_TRUE(all.ok()) << all.error().message;
    EXPECT_EQ(seqs(*all), (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
    EXPECT_EQ((*all)[1].kind, TaskEvent::Kind::artifact);
    EXPECT_EQ((*all)[0].kind, TaskEvent::Kind::status);
    ASSERT_TRUE((*all)[3].payload);
    EXPECT_EQ(*(*all)[3].payload, *event(4, TaskEvent::Kind::artifact).payload);
    EXPECT_FALSE((*all)[3].final);
    EXPECT_TRUE((*all)[4].final);
    EXPECT_EQ(seqs(*sync(tasks().events_after("default", "t1", 3))), (std::vector<std::int64_t>{4, 5}));
    EXPECT_TRUE(sync(tasks().events_after("default", "t1", 5))->empty());
    EXPECT_EQ(sync(tasks().get("default", "t1"))->last_seq, 5);

    EXPECT_EQ(sync(tasks().events_after("other", "t1", 0)).error().code, Errc::task_not_found);
    EXPECT_EQ(sync(tasks().events_after("default", "nope", 0)).error().code, Errc::task_not_found);
    EXPECT_EQ(sync(tasks().append_events("other", "t1", {event(6)})).error().code, Errc::task_not_found);
    EXPECT_EQ(seqs(*sync(tasks().events_after("default", "t1", 0))).size(), 5u);
}

// SQL stores write a batch in multi-row statements of a few events each: a long batch comes back whole and in
// order, and one that clashes with a stored event in a later statement leaves none of its events behind.
TEST_P(StoreConformance, ALongBatchOfEventsIsStoredWholeOrNotAtAll) {
    ASSERT_TRUE(sync(tasks().create(make_task("t1"))).ok());
    std::vector<TaskEvent> batch;
    for (int i = 1; i <= 40; ++i)
        batch.push_back(event(i, i % 2 == 0 ? TaskEvent::Kind::artifact : TaskEvent::Kind::status));
    ASSERT_TRUE(sync(tasks().append_events("default", "t1", batch)).ok());
    auto all = sync(tasks().events_after("default", "t1", 0));
    ASSERT_TRUE(all.ok()) << all.error().message;
    ASSERT_EQ(all->size(), 40u);
    for (std::size_t i = 0; i < all->size(); ++i) {
        EXPECT_EQ((*all)[i].seq, static_cast<std::int64_t>(i + 1));
        EXPECT_EQ((*all)[i].kind, batch[i].kind);
        ASSERT_TRUE((*all)[i].payload);
        EXPECT_EQ(*(*all)[i].payload, *batch[i].payload);
    }
    std::vector<TaskEvent> clash;
    for (int i = 41; i <= 60; ++i) clash.push_back(event(i));
    clash.push_back(event(40));  // already stored, in the batch's second statement
    auto st = sync(tasks().append_events("default", "t1", clash));
    EXPECT_EQ(st.ok(), !tasks().claims_runs());  // SQL stores refuse it; the in-memory store does not check
    if (!st.ok()) {
        EXPECT_EQ(st.error().code, Errc::conflict);
        EXPECT_EQ(sync(tasks().events_after("default", "t1", 0))->size(), 40u);
    }
}

TEST_P(StoreConformance, ReplaceEventsSwapsTheWholeLog) {
    ASSERT_TRUE(sync(tasks().create(make_task("t1"))).ok());
    ASSERT_TRUE(sync(tasks().append_events("default", "t1", {event(1), event(2), event(3), event(4)})).ok());
    std::vector<TaskEvent> compacted{event(1), event(4, TaskEvent::Kind::status, true)};
    ASSERT_TRUE(sync(tasks().replace_events("default", "t1", compacted)).ok());
    auto all = sync(tasks().events_after("default", "t1", 0));
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(seqs(*all), (std::vector<std::int64_t>{1, 4}));
    EXPECT_TRUE(all->back().final);
    ASSERT_TRUE(sync(tasks().replace_events("default", "t1", {})).ok());
    EXPECT_TRUE(sync(tasks().events_after("default", "t1", 0))->empty());
    EXPECT_EQ(sync(tasks().replace_events("default", "nope", compacted)).error().code, Errc::task_not_found);
}

TEST_P(StoreConformance, FindByMessageMatchesAppUserAndContext) {
    ASSERT_TRUE(sync(tasks().create(make_task("t1", "c1"))).ok());
    auto found = [&](std::string app, std::string user, std::string ctx, std::string msg) {
        auto r = sync(tasks().find_by_message(app, user, ctx, msg));
        EXPECT_TRUE(r.ok());
        return r.ok() && r->has_value() ? **r : std::string("none");
    };
    EXPECT_EQ(found("default", "u1", "c1", "m-t1"), "t1");
    EXPECT_EQ(found("default", "u2", "c1", "m-t1"), "none");
    EXPECT_EQ(found("default", "u1", "c2", "m-t1"), "none");
    EXPECT_EQ(found("other", "u1", "c1", "m-t1"), "none");
    EXPECT_EQ(found("default", "u1", "c1", "m-unknown"), "none");

    // Messages recorded by a later update count; agent messages never do.
    auto r = make_task("t1", "c1");
    r.task.history.push_back(message(a2a::Role::agent, "a-1", "answer"));
    r.task.history.push_back(message(a2a::Role::user, "m-2", "more"));
    ASSERT_TRUE(sync(tasks().update(r)).ok());
    EXPECT_EQ(found("default", "u1", "c1", "m-2"), "t1");
    EXPECT_EQ(found("default", "u1", "c1", "a-1"), "none");

    // The first task to take a message id keeps it.
    auto t2 = make_task("t2", "c1");
    t2.task.history.front().message_id = "m-t1";
    ASSERT_TRUE(sync(tasks().create(t2)).ok());
    EXPECT_EQ(found("default", "u1", "c1", "m-t1"), "t1");
}

TEST_P(StoreConformance, ActiveInContextListsUnfinishedTasksOldestFirst) {
    ASSERT_TRUE(sync(tasks().create(make_task("t3", "c1", TaskState::submitted, "default", "u1", 3min))).ok());
    ASSERT_TRUE(sync(tasks().create(make_task("t1", "c1", TaskState::working, "default", "u1", 1min))).ok());
    ASSERT_TRUE(sync(tasks().create(make_task("t2", "c1", TaskState::completed, "default", "u1", 2min))).ok());
    ASSERT_TRUE(sync(tasks().create(make_task("t4", "c2", TaskState::working, "default", "u1", 0min))).ok());
    ASSERT_TRUE(sync(tasks().create(make_task("t5", "c1", TaskState::working, "other", "u1", 0min))).ok());
    ASSERT_TRUE(sync(tasks().create(make_task("t6", "c1", TaskState::input_required, "default", "u2", 4min))).ok());
    auto active = sync(tasks().active_in_context("default", "c1"));
    ASSERT_TRUE(active.ok());
    std::vector<std::string> ids;
    for (const auto& r : *active) ids.push_back(r.task.id);
    EXPECT_EQ(ids, (std::vector<std::string>{"t1", "t3", "t6"}));
    EXPECT_TRUE(sync(tasks().active_in_context("default", "c9"))->empty());
}

TEST_P(StoreConformance, PushConfigsKeepOrderReplaceAndCap) {
    ASSERT_TRUE(sync(tasks().create(make_task("t1"))).ok());
    auto a = push("a", "https://a.example/hook");
    a.token = "tok";
    a.authentication = a2a::PushAuthentication{{"Bearer"}, "secret"};
    ASSERT_TRUE(sync(tasks().put_push_config("default", "t1", a, 3)).ok());
    ASSERT_TRUE(sync(tasks().put_push_config("default", "t1", push("b", "https://b.example/"), 3)).ok());
    auto listed = sync(tasks().push_configs("default", "t1"));
    ASSERT_TRUE(listed.ok());
    ASSERT_EQ(listed->size(), 2u);
    EXPECT_EQ(to_json(a2a::to_json(listed->front())), to_json(a2a::to_json(a)));

    ASSERT_TRUE(sync(tasks().put_push_config("default", "t1", push("a", "https://a2.example/"), 3)).ok());
    EXPECT_EQ(push_ids(*sync(tasks().push_configs("default", "t1"))),
              (std::vector<std::string>{"a https://a2.example/", "b https://b.example/"}));
    ASSERT_TRUE(sync(tasks().put_push_config("default", "t1", push("c", "https://c.example/"), 3)).ok());
    auto over = sync(tasks().put_push_config("default", "t1", push("d", "https://d.example/"), 3));
    ASSERT_FALSE(over.ok());
    EXPECT_EQ(over.error().code, Errc::invalid_argument);
    ASSERT_TRUE(sync(tasks().put_push_config("default", "t1", push("b", "https://b2.example/"), 3)).ok());

    ASSERT_TRUE(sync(tasks().delete_push_config("default", "t1", "b")).ok());
    EXPECT_EQ(push_ids(*sync(tasks().push_configs("default", "t1"))),
              (std::vector<std::string>{"a https://a2.example/", "c https://c.example/"}));
    EXPECT_EQ(sync(tasks().delete_push_config("default", "t1", "b")).error().code, Errc::not_found);
    EXPECT_EQ(sync(tasks().put_push_config("default", "nope", a, 3)).error().code, Errc::task_not_found);
    EXPECT_EQ(sync(tasks().push_configs("other", "t1")).error().code, Errc::task_not_found);
    EXPECT_EQ(sync(tasks().delete_push_config("other", "t1", "a")).error().code, Errc::task_not_found);
}

TEST_P(StoreConformance, PurgeRemovesOnlyFinishedTasksOlderThanTheCutoff) {
    auto old_done = make_task("old-done", "c1", TaskState::completed);
    auto old_running = make_task("old-running", "c1", TaskState::working);
    auto new_failed = make_task("new-failed", "c1", TaskState::failed);
    new_failed.updated_at = kBase + 2h;
    for (const auto& r : {old_done, old_running, new_failed}) {
        ASSERT_TRUE(sync(tasks().create(r)).ok());
        ASSERT_TRUE(sync(tasks().append_events("default", r.task.id, {event(1)})).ok());
        ASSERT_TRUE(sync(tasks().put_push_config("default", r.task.id, push("p", "https://x.example/"), 5)).ok());
    }
    auto removed = sync(tasks().purge_finished_before(kBase + 1h));
    ASSERT_TRUE(removed.ok()) << removed.error().message;
    EXPECT_EQ(*removed, 1u);
    EXPECT_EQ(sync(tasks().get("default", "old-done")).error().code, Errc::task_not_found);
    EXPECT_EQ(sync(tasks().events_after("default", "old-done", 0)).error().code, Errc::task_not_found);
    EXPECT_FALSE(sync(tasks().find_by_message("default", "u1", "c1", "m-old-done"))->has_value());
    EXPECT_TRUE(sync(tasks().get("default", "old-running")).ok());
    EXPECT_EQ(sync(tasks().push_configs("default", "new-failed"))->size(), 1u);
    EXPECT_EQ(*sync(tasks().purge_finished_before(kBase + 1h)), 0u);
}

TEST_P(StoreConformance, RemoveAppDropsThatAppsTasksOnly) {
    ASSERT_TRUE(sync(tasks().create(make_task("a1", "c1", TaskState::working, "app-a"))).ok());
    ASSERT_TRUE(sync(tasks().create(make_task("a2", "c1", TaskState::completed, "app-a"))).ok());
    ASSERT_TRUE(sync(tasks().append_events("app-a", "a1", {event(1)})).ok());
    ASSERT_TRUE(sync(tasks().put_push_config("app-a", "a1", push("p", "https://x.example/"), 5)).ok());
    ASSERT_TRUE(sync(tasks().create(make_task("b1", "c1", TaskState::working, "app-b"))).ok());
    ASSERT_TRUE(sync(tasks().remove_app("app-a")).ok());
    EXPECT_EQ(sync(tasks().get("app-a", "a1")).error().code, Errc::task_not_found);
    EXPECT_EQ(sync(tasks().get("app-a", "a2")).error().code, Errc::task_not_found);
    EXPECT_FALSE(sync(tasks().find_by_message("app-a", "u1", "c1", "m-a1"))->has_value());
    EXPECT_TRUE(sync(tasks().active_in_context("app-a", "c1"))->empty());
    EXPECT_TRUE(sync(tasks().get("app-b", "b1")).ok());
    // The ids are free again.
    EXPECT_TRUE(sync(tasks().create(make_task("a1", "c1", TaskState::working, "app-a"))).ok());
}

// ---- concurrency -----------------------------------------------------------------------------------------------

/// Runs `workers` coroutines made by `make` on an io_context served by 4 threads, as the server does.
template <class Make>
void run_concurrently(int workers, Make make) {
    asio::io_context io;
    std::atomic<int> failures{0};
    for (int i = 0; i < workers; ++i)
        asio::co_spawn(io, make(i), [&](std::exception_ptr e) {
            if (e) ++failures;
        });
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) threads.emplace_back([&] { io.run(); });
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
}

TEST_P(StoreConformance, ConcurrentWritersLoseNothing) {
    constexpr int kWorkers = 8;
    constexpr int kRounds = 20;
    ASSERT_TRUE(sync(tasks().create(make_task("t1"))).ok());
    const SessionKey key{"default", "u1", "s1"};
    std::atomic<int> errors{0};
    run_concurrently(kWorkers, [&](int worker) -> asio::awaitable<void> {
        for (int round = 0; round < kRounds; ++round) {
            SessionEvent e;
            e.author = "worker-" + std::to_string(worker);
            e.state_delta["k" + std::to_string(worker)] = round;
            auto appended = co_await sessions().append(key, std::move(e));
            if (!appended) ++errors;
            std::vector<TaskEvent> batch{event(worker * 100 + round + 1)};
            auto st = co_await tasks().append_events("default", "t1", std::move(batch));
            if (!st) ++errors;
        }
    });
    EXPECT_EQ(errors.load(), 0);

    auto s = sync(sessions().get(key, std::nullopt));
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->event_count, kWorkers * kRounds);
    std::set<std::int64_t> session_seqs;
    for (const auto& e : s->events) session_seqs.insert(e.seq);
    EXPECT_EQ(session_seqs.size(), static_cast<std::size_t>(kWorkers * kRounds));
    EXPECT_EQ(*session_seqs.begin(), 1);
    EXPECT_EQ(*session_seqs.rbegin(), kWorkers * kRounds);
    for (int w = 0; w < kWorkers; ++w) {
        const auto* v = s->state.if_contains("k" + std::to_string(w));
        ASSERT_NE(v, nullptr) << "worker " << w << "'s state change was lost";
        EXPECT_EQ(v->to_number<int>(), kRounds - 1);
    }
    auto events = sync(tasks().events_after("default", "t1", 0));
    ASSERT_TRUE(events.ok());
    EXPECT_EQ(events->size(), static_cast<std::size_t>(kWorkers * kRounds));
    EXPECT_EQ(sync(tasks().get("default", "t1"))->last_seq, (kWorkers - 1) * 100 + kRounds);
}

TEST_P(StoreConformance, ConcurrentFinishesHaveExactlyOneWinner) {
    ASSERT_TRUE(sync(tasks().create(make_task("t1"))).ok());
    std::atomic<int> won{0}, refused{0}, other{0};
    run_concurrently(8, [&](int worker) -> asio::awaitable<void> {
        a2a::TaskStatus status;
        status.state = worker % 2 ? TaskState::canceled : TaskState::failed;
        status.timestamp = "2025-01-20T10:00:00Z";
        auto r = co_await tasks().finish_if_active("default", "t1", std::move(status));
        if (r)
            ++won;
        else if (r.error().code == Errc::task_not_cancelable)
            ++refused;
        else
            ++other;
    });
    EXPECT_EQ(won.load(), 1);
    EXPECT_EQ(refused.load(), 7);
    EXPECT_EQ(other.load(), 0);
}

}  // namespace
}  // namespace hector::store::testing
