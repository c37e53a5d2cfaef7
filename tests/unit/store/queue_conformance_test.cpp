// The queue and dead-letter contract (QueueStore), and the claims that stores holding the queue make with their
// tasks (TaskStore::claim_runs, RunEnd::claim_next), on every backend.
#include <boost/json.hpp>

#include <algorithm>

#include "store_conformance.hpp"

namespace hector::store::testing {
namespace {

using namespace std::chrono_literals;
using a2a::TaskState;
namespace json = boost::json;

const TimePoint kNow = std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now());

QueueItem pending(const std::string& task_id, TimePoint available_at, const std::string& app = "default") {
    QueueItem q;
    q.task_id = task_id;
    q.app_id = app;
    q.kind = QueueItem::Kind::background;
    q.state = QueueItem::State::pending;
    q.available_at = available_at;
    q.created_at = available_at;
    q.input = json::serialize(json::object{{"agent", "assistant"}, {"n", task_id}});
    return q;
}

TaskRecord queued_task(const std::string& id, const std::string& app = "default") {
    TaskRecord r;
    r.task.id = id;
    r.task.context_id = "ctx-" + id;
    r.task.status.state = TaskState::submitted;
    r.task.status.timestamp = "2025-01-20T10:00:00Z";
    r.app_id = app;
    r.user_id = "u1";
    r.agent = "assistant";
    r.created_at = r.updated_at = kNow;
    return r;
}

QueueItem in_conversation(QueueItem item, const std::string& context_id) {
    item.context_id = context_id;
    return item;
}

std::vector<std::string> ids_of(const std::vector<QueueItem>& items) {
    std::vector<std::string> out;
    for (const auto& i : items) out.push_back(i.task_id);
    return out;
}

// Queue rows belong to tasks (a foreign key on SQL engines): the task comes first.
#define PUT(item)                                                                                 \
    do {                                                                                          \
        const QueueItem put_item_ = (item);                                                       \
        ASSERT_TRUE(sync(tasks().create(queued_task(put_item_.task_id, put_item_.app_id))).ok()); \
        auto put_st_ = sync(queue().put(put_item_));                                              \
        ASSERT_TRUE(put_st_.ok()) << put_st_.error().message;                                     \
    } while (0)

TEST_P(StoreConformance, QueueClaimsTakeTheOldestAvailableItemsUpToTheLimit) {
    PUT(pending("late", kNow - 1s));
    PUT(pending("early", kNow - 3s));
    PUT(pending("middle", kNow - 2s));
    PUT(pending("future", kNow + 1h));
    auto first = sync(queue().claim("worker-a", 2, kNow, kNow + 60s));
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(ids_of(*first), (std::vector<std::string>{"early", "middle"}));
    for (const auto& item : *first) {
        EXPECT_EQ(item.state, QueueItem::State::running);
        EXPECT_EQ(item.attempts, 1);
        EXPECT_EQ(item.lease_owner, "worker-a");
        EXPECT_EQ(item.lease_expires_at, kNow + 60s);
        EXPECT_EQ(json::parse(item.input).at("n").as_string(), item.task_id);  // the input's text comes back
    }
    // Claimed items are not claimed again; the future one waits for its time.
    auto second = sync(queue().claim("worker-b", 10, kNow, kNow + 60s));
    EXPECT_EQ(ids_of(*second), (std::vector<std::string>{"late"}));
    EXPECT_TRUE(sync(queue().claim("worker-b", 10, kNow, kNow + 60s))->empty());
    EXPECT_EQ(ids_of(*sync(queue().claim("worker-b", 10, kNow + 2h, kNow + 3h))), (std::vector<std::string>{"future"}));
}

// A run's end wakes the workers only when remove_and_peek says a job may be waiting: it must never hide one.
TEST_P(StoreConformance, QueueRemoveAndPeekNeverHidesAPendingJob) {
    PUT(pending("a", kNow - 2s));
    PUT(pending("b", kNow - 1s));
    auto claimed = sync(queue().claim("w", 1, kNow, kNow + 60s));  // a (the older) runs, b waits
    ASSERT_EQ(claimed->size(), 1u);
    ASSERT_EQ(claimed->front().task_id, "a");
    auto left = sync(queue().remove_and_peek("a"));
    ASSERT_TRUE(left.ok()) << left.error().message;
    EXPECT_TRUE(*left);
    EXPECT_FALSE(sync(queue().get("a"))->has_value());
    ASSERT_TRUE(sync(queue().remove("b")).ok());
    PUT(pending("c", kNow - 1s));
    ASSERT_EQ(sync(queue().claim("w", 1, kNow, kNow + 60s))->size(), 1u);
    auto none = sync(queue().remove_and_peek("c"));  // nothing pending: a store may say false, or true if unsure
    ASSERT_TRUE(none.ok()) << none.error().message;
    EXPECT_FALSE(sync(queue().get("c"))->has_value());
}

TEST_P(StoreConformance, QueueAPutOfAQueuedTaskIsAConflict) {
    PUT(pending("t1", kNow));
    auto again = sync(queue().put(pending("t1", kNow)));
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, Errc::conflict);
}

TEST_P(StoreConformance, QueueRescheduleMakesAnItemPendingAgainAndMayRefundTheAttempt) {
    PUT(pending("t1", kNow - 1s));
    PUT(pending("t2", kNow - 1s));
    ASSERT_EQ(sync(queue().claim("w", 2, kNow, kNow + 60s))->size(), 2u);
    // A retry: later, the attempt spent, with its error.
    ASSERT_TRUE(sync(queue().reschedule("t1", kNow + 10s, "boom", false)).ok());
    // A shutdown: at once, the attempt given back.
    ASSERT_TRUE(sync(queue().reschedule("t2", kNow, "", true)).ok());
    auto now = sync(queue().claim("w", 10, kNow, kNow + 60s));
    ASSERT_EQ(ids_of(*now), (std::vector<std::string>{"t2"}));
    EXPECT_EQ(now->front().attempts, 1);  // 1 claimed, 1 refunded, 1 claimed again
    auto later = sync(queue().claim("w", 10, kNow + 11s, kNow + 60s));
    ASSERT_EQ(ids_of(*later), (std::vector<std::string>{"t1"}));
    EXPECT_EQ(later->front().attempts, 2);
    EXPECT_EQ(later->front().last_error, "boom");
    EXPECT_EQ(sync(queue().reschedule("nope", kNow, "", false)).error().code, Errc::not_found);
}

TEST_P(StoreConformance, QueueLeasesAreRenewedByTheirOwnerAndReclaimedWhenTheyLapse) {
    PUT(pending("t1", kNow - 1s));
    PUT(pending("t2", kNow - 1s));
    ASSERT_EQ(sync(queue().claim("dead", 2, kNow, kNow + 1s))->size(), 2u);
    // Only the owner renews: "other" cannot extend t1's lease.
    ASSERT_TRUE(sync(queue().renew("other", {"t1"}, kNow + 1h)).ok());
    ASSERT_TRUE(sync(queue().renew("dead", {"t2"}, kNow + 1h)).ok());
    auto reclaimed = sync(queue().reclaim_expired("alive", 10, kNow + 2s, kNow + 2min));
    ASSERT_TRUE(reclaimed.ok()) << reclaimed.error().message;
    ASSERT_EQ(ids_of(*reclaimed), (std::vector<std::string>{"t1"}));
    EXPECT_EQ(reclaimed->front().lease_owner, "alive");
    auto stored = sync(queue().get("t1"));
    ASSERT_TRUE(stored.ok() && stored->has_value());
    EXPECT_EQ((*stored)->lease_owner, "alive");
    EXPECT_EQ((*stored)->lease_expires_at, kNow + 2min);
    EXPECT_TRUE(sync(queue().reclaim_expired("alive", 10, kNow + 3s, kNow + 2min))->empty());
}

TEST_P(StoreConformance, QueueBuriedItemsBecomeDeadLettersNewestFirst) {
    PUT(pending("t1", kNow));
    PUT(pending("t2", kNow));
    PUT(pending("t3", kNow, "other-app"));
    auto letter = [](const std::string& task, const std::string& app, TimePoint at) {
        DeadLetter l;
        l.id = "dlq-" + task;
        l.task_id = task;
        l.app_id = app;
        l.error = "failed " + task;
        l.failed_at = at;
        l.retry_count = 3;
        l.input = json::object{{"n", task}};
        return l;
    };
    ASSERT_TRUE(sync(queue().bury("t1", letter("t1", "default", kNow - 1h))).ok());
    ASSERT_TRUE(sync(queue().bury("t2", letter("t2", "default", kNow))).ok());
    ASSERT_TRUE(sync(queue().bury("t3", letter("t3", "other-app", kNow))).ok());
    EXPECT_FALSE(sync(queue().get("t1"))->has_value());  // out of the queue
    auto letters = sync(queue().dead_letters("default", 10));
    ASSERT_TRUE(letters.ok()) << letters.error().message;
    ASSERT_EQ(letters->size(), 2u);
    EXPECT_EQ(letters->at(0).id, "dlq-t2");
    EXPECT_EQ(letters->at(1).id, "dlq-t1");
    EXPECT_EQ(letters->at(1).error, "failed t1");
    EXPECT_EQ(letters->at(1).retry_count, 3);
    EXPECT_EQ(letters->at(1).failed_at, kNow - 1h);
    EXPECT_EQ(letters->at(1).input.at("n"), "t1");
    EXPECT_EQ(sync(queue().dead_letters("default", 1))->size(), 1u);
    // Taking one removes it; purging drops those older than the cutoff.
    auto taken = sync(queue().take_dead_letter("dlq-t2"));
    ASSERT_TRUE(taken.ok() && taken->has_value());
    EXPECT_EQ((*taken)->task_id, "t2");
    EXPECT_FALSE(sync(queue().take_dead_letter("dlq-t2"))->has_value());
    EXPECT_EQ(*sync(queue().purge_dead_letters_before(kNow - 1min)), 1u);
    EXPECT_TRUE(sync(queue().dead_letters("default", 10))->empty());
    EXPECT_EQ(sync(queue().dead_letters("other-app", 10))->size(), 1u);
}

TEST_P(StoreConformance, QueueRemovingAnAppDropsItsItemsAndLettersOnly) {
    PUT(pending("mine", kNow - 1s, "gone"));
    PUT(pending("kept", kNow - 1s));
    DeadLetter l;
    l.id = "dlq-x";
    l.task_id = "mine";
    l.app_id = "gone";
    l.failed_at = kNow;
    ASSERT_TRUE(sync(queue().bury("mine", l)).ok());
    PUT(pending("mine-2", kNow - 2s, "gone"));
    ASSERT_TRUE(sync(queue().remove_app("gone")).ok());
    EXPECT_TRUE(sync(queue().dead_letters("gone", 10))->empty());
    EXPECT_EQ(ids_of(*sync(queue().claim("w", 10, kNow, kNow + 60s))), (std::vector<std::string>{"kept"}));
    ASSERT_TRUE(sync(queue().remove("kept")).ok());
    EXPECT_FALSE(sync(queue().get("kept"))->has_value());
}

// ---- claims with their tasks ----------------------------------------------------------------------------------

TEST_P(StoreConformance, QueueClaimRunsCarryTheirTasksWhereTheStoreHoldsTheQueue) {
    auto created = sync(tasks().create_queued(queued_task("t1"), pending("t1", kNow - 1s)));
    ASSERT_TRUE(created.ok()) << created.error().message;
    if (*created == TaskStore::Queued::elsewhere) ASSERT_TRUE(sync(queue().put(pending("t1", kNow - 1s))).ok());
    auto runs = sync(tasks().claim_runs({"w", 4, kNow, kNow + 60s}));
    if (!tasks().claims_runs()) {
        ASSERT_FALSE(runs.ok());
        EXPECT_EQ(runs.error().code, Errc::unsupported);
        return;
    }
    ASSERT_TRUE(runs.ok()) << runs.error().message;
    ASSERT_EQ(runs->size(), 1u);
    EXPECT_EQ(runs->front().item.task_id, "t1");
    EXPECT_EQ(runs->front().item.lease_owner, "w");
    ASSERT_TRUE(runs->front().task.has_value());
    EXPECT_EQ(runs->front().task->task.context_id, "ctx-t1");
    EXPECT_EQ(runs->front().task->task.status.state, TaskState::submitted);
    EXPECT_TRUE(sync(tasks().claim_runs({"w", 4, kNow, kNow + 60s}))->empty());
}

// A background run's end fills its worker slot in the same transaction, and says which push configs to notify.
TEST_P(StoreConformance, QueueARunsEndClaimsTheNextJobAndReadsItsPushConfigs) {
    for (const auto* id : {"t1", "t2"}) {
        auto created = sync(tasks().create_queued(queued_task(id), pending(id, kNow - 1s)));
        ASSERT_TRUE(created.ok()) << created.error().message;
        if (*created == TaskStore::Queued::elsewhere) ASSERT_TRUE(sync(queue().put(pending(id, kNow - 1s))).ok());
    }
    auto cfg = a2a::PushNotificationConfig{};
    cfg.id = "c1";
    cfg.url = "https://hooks.example.com/t1";
    ASSERT_TRUE(sync(tasks().put_push_config("default", "t1", cfg, 10)).ok());
    ASSERT_EQ(sync(queue().claim("w", 1, kNow, kNow + 60s))->size(), 1u);  // t1, the older

    auto working = queued_task("t1");
    working.task.status.state = TaskState::working;
    auto started = sync(tasks().start_run_with(working, {"default", "u1", "ctx-t1"}, std::nullopt));
    ASSERT_TRUE(started.ok()) << started.error().message;
    if (started->push_configs) {
        ASSERT_EQ(started->push_configs->size(), 1u);
        EXPECT_EQ(started->push_configs->front().url, cfg.url);
    }

    auto done = queued_task("t1");
    done.task.status.state = TaskState::completed;
    TaskStore::RunEnd end{done, {}, {"default", "u1", "ctx-t1"}, {}, true, std::nullopt, std::nullopt};
    if (tasks().claims_runs()) end.claim_next = ClaimRequest{"w", 1, kNow, kNow + 60s};
    auto stored = sync(tasks().finish_run_with(end));
    ASSERT_TRUE(stored.ok()) << stored.error().message;
    EXPECT_EQ(sync(tasks().get("default", "t1"))->task.status.state, TaskState::completed);
    if (stored->push_configs) EXPECT_EQ(stored->push_configs->size(), 1u);
    if (!tasks().claims_runs()) {
        EXPECT_FALSE(stored->claimed_next);
        return;
    }
    EXPECT_TRUE(stored->queue);
    EXPECT_FALSE(sync(queue().get("t1"))->has_value());
    ASSERT_TRUE(stored->claimed_next);
    ASSERT_EQ(stored->claimed.size(), 1u);
    EXPECT_EQ(stored->claimed.front().item.task_id, "t2");
    ASSERT_TRUE(stored->claimed.front().task.has_value());
    EXPECT_EQ(stored->claimed.front().task->task.id, "t2");
    auto t2 = sync(queue().get("t2"));
    ASSERT_TRUE(t2.ok() && t2->has_value());
    EXPECT_EQ((*t2)->state, QueueItem::State::running);
    EXPECT_EQ((*t2)->lease_owner, "w");

    // Nothing left: the next end claims nothing, and says so.
    auto done2 = queued_task("t2");
    done2.task.status.state = TaskState::completed;
    TaskStore::RunEnd end2{done2, {},           {"default", "u1", "ctx-t2"},           {},
                           true,  std::nullopt, ClaimRequest{"w", 1, kNow, kNow + 60s}};
    auto last = sync(tasks().finish_run_with(end2));
    ASSERT_TRUE(last.ok()) << last.error().message;
    EXPECT_TRUE(last->claimed_next);
    EXPECT_TRUE(last->claimed.empty());
    ASSERT_TRUE(last->push_configs.has_value());
    EXPECT_TRUE(last->push_configs->empty());
}

// DECISIONS 20 across instances: the queue itself keeps one job at a time per (app, context), in order, so no two
// claimers (two instances on one database) ever run two jobs of one conversation at once.
TEST_P(StoreConformance, QueueAConversationRunsOneJobAtATimeInItsOrder) {
    PUT(in_conversation(pending("a1", kNow - 3s), "c1"));
    PUT(in_conversation(pending("a2", kNow - 2s), "c1"));
    PUT(in_conversation(pending("a3", kNow - 1s), "c1"));
    PUT(in_conversation(pending("b1", kNow - 2500ms), "c2"));
    PUT(in_conversation(pending("x1", kNow - 1900ms, "other-app"), "c1"));  // same context id, another app
    PUT(pending("n1", kNow - 1500ms));                                      // no conversation: no order
    PUT(pending("n2", kNow - 500ms));
    auto first = sync(queue().claim("a", 10, kNow, kNow + 60s));
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(ids_of(*first), (std::vector<std::string>{"a1", "b1", "x1", "n1", "n2"}));
    EXPECT_EQ(first->front().context_id, "c1");
    // Another claimer finds nothing: a2 and a3 wait for a1.
    EXPECT_TRUE(sync(queue().claim("b", 10, kNow, kNow + 60s))->empty());

    // a1 fails and waits for its retry: it is still the conversation's oldest, so a2 keeps waiting.
    ASSERT_TRUE(sync(queue().reschedule("a1", kNow + 10s, "boom", false)).ok());
    EXPECT_TRUE(sync(queue().claim("b", 10, kNow, kNow + 60s))->empty());
    EXPECT_EQ(ids_of(*sync(queue().claim("b", 10, kNow + 11s, kNow + 60s))), (std::vector<std::string>{"a1"}));

    // a1 is done: a2, and only a2, may go.
    ASSERT_TRUE(sync(queue().remove("a1")).ok());
    EXPECT_EQ(ids_of(*sync(queue().claim("b", 10, kNow, kNow + 60s))), (std::vector<std::string>{"a2"}));
    ASSERT_TRUE(sync(queue().remove("a2")).ok());

    // An interactive run of the conversation holds it too, although it is newer than a3.
    auto interactive = in_conversation(pending("i1", kNow), "c1");
    interactive.kind = QueueItem::Kind::interactive;
    interactive.state = QueueItem::State::running;
    interactive.lease_owner = "a";
    interactive.lease_expires_at = kNow + 60s;
    PUT(interactive);
    EXPECT_TRUE(sync(queue().claim("b", 10, kNow, kNow + 60s))->empty());
    ASSERT_TRUE(sync(queue().remove("i1")).ok());
    EXPECT_EQ(ids_of(*sync(queue().claim("b", 10, kNow, kNow + 60s))), (std::vector<std::string>{"a3"}));
    auto stored = sync(queue().get("a3"));
    ASSERT_TRUE(stored.ok() && stored->has_value());
    EXPECT_EQ((*stored)->context_id, "c1");
}

QueueItem interactive_run(const std::string& task_id, const std::string& context_id, TimePoint created,
                          TimePoint lease_until) {
    auto q = in_conversation(pending(task_id, created), context_id);
    q.kind = QueueItem::Kind::interactive;
    q.state = QueueItem::State::running;
    q.attempts = 1;
    q.lease_owner = "a";
    q.lease_expires_at = lease_until;
    return q;
}

// A run that may begin as soon as it is stored has its start stored with it where the sessions share the tasks'
// database: the working state, the conversation so far and the user's message. One whose conversation is busy only
// waits (its start comes with its turn); other stores leave the start to the run.
TEST_P(StoreConformance, QueueARunAloneInItsConversationIsStartedWithItsCreation) {
    auto start_of = [](const std::string& id, const std::string& context) {
        TaskStore::RunStart start;
        start.working = queued_task(id);
        start.working.task.context_id = context;
        start.working.task.status.state = TaskState::working;
        start.session = SessionKey{"default", "u1", context};
        SessionEvent user;
        user.invocation_id = id;
        user.author = "user";
        user.role = "user";
        user.parts = json::array{json::object{{"kind", "text"}, {"text", "hello from " + id}}};
        start.user_message = user;
        start.last_events = 100;
        return start;
    };
    auto task_in = [](const std::string& id, const std::string& context) {
        auto r = queued_task(id);
        r.task.context_id = context;
        return r;
    };
    auto created = sync(tasks().create_and_start(task_in("s1", "cs"), interactive_run("s1", "cs", kNow, kNow + 60s),
                                                 start_of("s1", "cs")));
    ASSERT_TRUE(created.ok()) << created.error().message;
    auto session = sync(sessions().get(SessionKey{"default", "u1", "cs"}, std::nullopt));
    if (!created->started) {
        // Not stored here: the task and its row are, as create_queued() stores them; the session is untouched.
        EXPECT_NE(created->queued, TaskStore::Queued::waiting);
        EXPECT_EQ((*sync(tasks().get("default", "s1"))).task.status.state, TaskState::submitted);
        EXPECT_TRUE(!session.ok() || session->events.empty());
        return;
    }
    EXPECT_EQ(created->queued, TaskStore::Queued::as_given);
    EXPECT_TRUE(created->started->user_message);
    ASSERT_TRUE(created->started->session.has_value());
    EXPECT_TRUE(created->started->session->events.empty());  // the conversation before the user's message
    ASSERT_TRUE(created->started->push_configs.has_value());
    EXPECT_TRUE(created->started->push_configs->empty());
    EXPECT_EQ((*sync(tasks().get("default", "s1"))).task.status.state, TaskState::working);
    ASSERT_TRUE(session.ok()) << session.error().message;
    ASSERT_EQ(session->events.size(), 1u);
    EXPECT_EQ(session->events.front().parts.at(0).at("text"), "hello from s1");
    EXPECT_EQ((*sync(queue().get("s1")))->state, QueueItem::State::running);

    // The next run of the conversation waits for s1: nothing of its start is stored yet.
    auto next = sync(tasks().create_and_start(task_in("s2", "cs"), interactive_run("s2", "cs", kNow + 1s, kNow + 60s),
                                              start_of("s2", "cs")));
    ASSERT_TRUE(next.ok()) << next.error().message;
    EXPECT_EQ(next->queued, TaskStore::Queued::waiting);
    EXPECT_FALSE(next->started.has_value());
    EXPECT_EQ((*sync(tasks().get("default", "s2"))).task.status.state, TaskState::submitted);
    EXPECT_EQ(sync(sessions().get(SessionKey{"default", "u1", "cs"}, std::nullopt))->events.size(), 1u);
}

// An interactive run that arrives while its conversation has a queued or running task (on any instance) waits for
// its turn (DECISIONS 20): its row is pending, leased, never claimed, and take_turn lets it run once the earlier
// ones are over. A lapsed lease (its instance died) is reclaimed like a running one's.
TEST_P(StoreConformance, QueueAnInteractiveRunWaitsForItsConversationsTurn) {
    PUT(in_conversation(pending("b1", kNow - 2s), "c1"));
    auto created = sync(tasks().create_queued(queued_task("i1"), interactive_run("i1", "c1", kNow - 1s, kNow + 1s)));
    ASSERT_TRUE(created.ok()) << created.error().message;
    if (*created == TaskStore::Queued::elsewhere) GTEST_SKIP() << "the queue is not in this task store";
    EXPECT_EQ(*created, TaskStore::Queued::waiting);
    auto i1 = sync(queue().get("i1"));
    ASSERT_TRUE(i1.ok() && i1->has_value());
    EXPECT_EQ((*i1)->state, QueueItem::State::pending);
    EXPECT_EQ((*i1)->kind, QueueItem::Kind::interactive);
    EXPECT_EQ((*i1)->lease_owner, "a");

    // Claims never take it, even far in the future; they take b1, the older job.
    EXPECT_EQ(ids_of(*sync(queue().claim("w", 10, kNow + 24h, kNow + 25h))), (std::vector<std::string>{"b1"}));
    EXPECT_FALSE(*sync(queue().take_turn("i1", "a", kNow + 60s)));  // b1 runs
    // Its lease is renewed while it waits, and lapses like any other when its instance dies.
    ASSERT_TRUE(sync(queue().renew("a", {"i1"}, kNow + 10s)).ok());
    EXPECT_TRUE(sync(queue().reclaim_expired("r", 10, kNow + 5s, kNow + 60s))->empty());
    auto lapsed = sync(queue().reclaim_expired("r", 10, kNow + 11s, kNow + 60s));
    ASSERT_TRUE(lapsed.ok()) << lapsed.error().message;
    EXPECT_EQ(ids_of(*lapsed), (std::vector<std::string>{"i1"}));
    EXPECT_EQ(lapsed->front().state, QueueItem::State::pending);

    // b1 is over: i1 takes its turn, and a job queued after it waits for it.
    ASSERT_TRUE(sync(queue().remove("b1")).ok());
    EXPECT_TRUE(*sync(queue().take_turn("i1", "a", kNow + 60s)));
    i1 = sync(queue().get("i1"));
    EXPECT_EQ((*i1)->state, QueueItem::State::running);
    EXPECT_EQ((*i1)->lease_owner, "a");
    EXPECT_TRUE(*sync(queue().take_turn("i1", "a", kNow + 60s)));  // already running
    PUT(in_conversation(pending("b2", kNow), "c1"));
    EXPECT_TRUE(sync(queue().claim("w", 10, kNow + 1s, kNow + 60s))->empty());

    // Alone in its conversation, an interactive run starts at once.
    auto alone = sync(tasks().create_queued(queued_task("i2"), interactive_run("i2", "c2", kNow, kNow + 60s)));
    ASSERT_TRUE(alone.ok()) << alone.error().message;
    EXPECT_EQ(*alone, TaskStore::Queued::as_given);
    EXPECT_EQ((*sync(queue().get("i2")))->state, QueueItem::State::running);
    EXPECT_EQ(sync(queue().take_turn("gone", "a", kNow + 60s)).error().code, Errc::not_found);
}

// A canceled job that no worker took leaves at once (its conversation stops waiting for it); claimed jobs and
// interactive runs keep their rows.
TEST_P(StoreConformance, QueueACanceledJobNotYetClaimedLeavesAtOnce) {
    PUT(in_conversation(pending("b1", kNow - 2s), "c1"));
    PUT(in_conversation(pending("b2", kNow - 1s), "c1"));
    PUT(in_conversation(pending("b3", kNow - 1s), "c3"));
    auto dropped = sync(queue().drop_pending("b1"));
    ASSERT_TRUE(dropped.ok()) << dropped.error().message;
    EXPECT_TRUE(*dropped);  // b2 waits in its conversation
    EXPECT_FALSE(sync(queue().get("b1"))->has_value());
    EXPECT_FALSE(*sync(queue().drop_pending("b1")));  // gone already
    EXPECT_EQ(ids_of(*sync(queue().claim("w", 10, kNow, kNow + 60s))), (std::vector<std::string>{"b2", "b3"}));
    EXPECT_FALSE(*sync(queue().drop_pending("b2")));  // claimed: its run ends it
    EXPECT_TRUE(sync(queue().get("b2"))->has_value());
    auto waiting = interactive_run("i1", "c1", kNow, kNow + 60s);
    waiting.state = QueueItem::State::pending;
    PUT(waiting);
    EXPECT_FALSE(*sync(queue().drop_pending("i1")));
    EXPECT_TRUE(sync(queue().get("i1"))->has_value());
}

// Where the store holds the queue, a run's end says whether a job of its conversation is waiting, so the workers
// (of every instance) look again at once.
TEST_P(StoreConformance, QueueARunsEndSaysWhenItsConversationHasAJobWaiting) {
    if (!tasks().claims_runs()) GTEST_SKIP() << "the queue is not in this task store";
    auto interactive = in_conversation(pending("t1", kNow - 2s), "c1");
    interactive.kind = QueueItem::Kind::interactive;
    interactive.state = QueueItem::State::running;
    interactive.lease_owner = "a";
    interactive.lease_expires_at = kNow + 60s;
    PUT(interactive);
    PUT(in_conversation(pending("t2", kNow - 1s), "c1"));
    PUT(in_conversation(pending("t3", kNow - 1s), "c3"));
    EXPECT_EQ(ids_of(*sync(queue().claim("b", 10, kNow, kNow + 60s))), (std::vector<std::string>{"t3"}));

    auto end_of = [&](const std::string& id) {
        auto done = queued_task(id);
        done.task.status.state = TaskState::completed;
        TaskStore::RunEnd end{done, {}, {"default", "u1", "ctx-" + id}, {}, true, std::nullopt, std::nullopt};
        return sync(tasks().finish_run_with(end));
    };
    auto t1 = end_of("t1");
    ASSERT_TRUE(t1.ok()) << t1.error().message;
    EXPECT_TRUE(t1->queue);
    EXPECT_TRUE(t1->conversation_waits);  // t2
    auto t3 = end_of("t3");
    ASSERT_TRUE(t3.ok()) << t3.error().message;
    EXPECT_FALSE(t3->conversation_waits);
    EXPECT_EQ(ids_of(*sync(queue().claim("b", 10, kNow, kNow + 60s))), (std::vector<std::string>{"t2"}));
}

#undef PUT

}  // namespace

}  // namespace hector::store::testing
