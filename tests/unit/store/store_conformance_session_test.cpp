// The session half of the store contract (same suite as store_conformance_test.cpp).
#include <algorithm>
#include <thread>

#include "hector/common/json.hpp"
#include "store_conformance.hpp"

namespace hector::store::testing {
namespace {

using namespace std::chrono_literals;

SessionEvent text_event(std::string author, std::string text) {
    SessionEvent e;
    e.author = std::move(author);
    e.role = e.author == "user" ? "user" : "agent";
    json::object part;
    part["kind"] = "text";
    part["text"] = std::move(text);
    e.parts.push_back(part);
    return e;
}

std::vector<std::int64_t> seqs(const Session& s) {
    std::vector<std::int64_t> out;
    for (const auto& e : s.events) out.push_back(e.seq);
    return out;
}

std::vector<std::string> ids(const std::vector<SessionSummary>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.key.id);
    return out;
}

/// Appends one event and waits a little, so that sessions touched in turn have distinct update times.
void touch(SessionStore& store, const SessionKey& key) {
    ASSERT_TRUE(sync(store.append(key, text_event("user", "hi"))).ok());
    std::this_thread::sleep_for(2ms);
}

// Appends racing on one session (several instances, or runs of one conversation) each get their own number, and
// the first of them creates the session.
TEST_P(StoreConformance, ConcurrentAppendsToANewSessionGetDistinctSequenceNumbers) {
    const SessionKey key{"default", "u1", "raced"};
    std::vector<std::thread> threads;
    std::vector<std::int64_t> got(24, 0);
    for (std::size_t i = 0; i < got.size(); ++i)
        threads.emplace_back([&, i] {
            auto e = sync(sessions().append(key, text_event("user", "m" + std::to_string(i))));
            if (e.ok()) got[i] = e->seq;
        });
    for (auto& t : threads) t.join();
    std::sort(got.begin(), got.end());
    std::vector<std::int64_t> expected(got.size());
    for (std::size_t i = 0; i < expected.size(); ++i) expected[i] = static_cast<std::int64_t>(i + 1);
    EXPECT_EQ(got, expected);
    auto s = sync(sessions().get(key, std::nullopt));
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->event_count, 24);
    EXPECT_EQ(seqs(*s), expected);
}

TEST_P(StoreConformance, SessionAppendAssignsSequenceIdAndTime) {
    const SessionKey key{"default", "u1", "s1"};
    auto first = sync(sessions().append(key, text_event("user", "hello")));
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->seq, 1);
    EXPECT_FALSE(first->id.empty());
    EXPECT_NE(first->timestamp, TimePoint{});

    SessionEvent full = text_event("assistant", "calling a tool");
    full.id = "ev-fixed";
    full.timestamp = TimePoint{} + std::chrono::nanoseconds(1737367200123456789);
    full.invocation_id = "task-1";
    full.branch = "root.child";
    full.partial = true;
    full.turn_complete = false;
    json::object call;
    call["id"] = "call-1";
    call["name"] = "search";
    call["arguments"] = json::object{{"q", "żółw"}};
    full.tool_calls.push_back(call);
    json::object result;
    result["tool_call_id"] = "call-1";
    result["content"] = "found";
    result["is_error"] = false;
    full.tool_results.push_back(result);
    full.state_delta["topic"] = "turtles";
    full.error_code = "E1";
    full.error_message = "partial failure";
    auto second = sync(sessions().append(key, full));
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->seq, 2);
    EXPECT_EQ(second->id, "ev-fixed");
    EXPECT_EQ(second->timestamp, full.timestamp);
    auto third = sync(sessions().append(key, SessionEvent{}));
    ASSERT_TRUE(third.ok());
    EXPECT_EQ(third->seq, 3);
    EXPECT_NE(third->id, first->id);

    auto s = sync(sessions().get(key, std::nullopt));
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->event_count, 3);
    EXPECT_EQ(seqs(*s), (std::vector<std::int64_t>{1, 2, 3}));
    EXPECT_LE(s->created_at, s->updated_at);
    EXPECT_EQ(s->events[0].id, first->id);
    EXPECT_EQ(s->events[0].timestamp, first->timestamp);
    EXPECT_EQ(s->events[0].role, "user");
    EXPECT_EQ(s->events[0].parts, text_event("user", "hello").parts);
    const auto& got = s->events[1];
    EXPECT_EQ(got.author, "assistant");
    EXPECT_EQ(got.role, "agent");
    EXPECT_EQ(got.invocation_id, "task-1");
    EXPECT_EQ(got.branch, "root.child");
    EXPECT_TRUE(got.partial);
    EXPECT_FALSE(got.turn_complete);
    EXPECT_EQ(got.parts, full.parts);
    EXPECT_EQ(got.tool_calls, full.tool_calls);
    EXPECT_EQ(got.tool_results, full.tool_results);
    EXPECT_EQ(got.state_delta, full.state_delta);
    EXPECT_EQ(got.error_code, "E1");
    EXPECT_EQ(got.error_message, "partial failure");
    EXPECT_TRUE(s->events[2].role.empty());
    EXPECT_TRUE(s->events[2].turn_complete);
}

TEST_P(StoreConformance, SessionGetLastNGivesTheNewestOldestFirst) {
    const SessionKey key{"default", "u1", "s1"};
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(sync(sessions().append(key, text_event("user", "m"))).ok());
    auto last2 = sync(sessions().get(key, std::size_t{2}));
    ASSERT_TRUE(last2.ok());
    EXPECT_EQ(seqs(*last2), (std::vector<std::int64_t>{4, 5}));
    EXPECT_EQ(last2->event_count, 5);
    auto none = sync(sessions().get(key, std::size_t{0}));
    EXPECT_TRUE(none->events.empty());
    EXPECT_EQ(none->event_count, 5);
    EXPECT_EQ(sync(sessions().get(key, std::size_t{10}))->events.size(), 5u);
}

TEST_P(StoreConformance, SessionStateMergesDeltasAndNullDeletes) {
    const SessionKey key{"default", "u1", "s1"};
    SessionEvent a;
    a.state_delta["a"] = 1;
    a.state_delta["b"] = json::object{{"x", 1}};
    ASSERT_TRUE(sync(sessions().append(key, a)).ok());
    SessionEvent b;
    b.state_delta["a"] = nullptr;
    b.state_delta["c"] = "s";
    ASSERT_TRUE(sync(sessions().append(key, b)).ok());
    SessionEvent c;
    c.state_delta["b"] = json::object{{"y", 2}};  // replaces the value, no deep merge
    ASSERT_TRUE(sync(sessions().append(key, c)).ok());
    ASSERT_TRUE(sync(sessions().append(key, text_event("user", "no delta"))).ok());
    json::object expected;
    expected["b"] = json::object{{"y", 2}};
    expected["c"] = "s";
    EXPECT_EQ(sync(sessions().get(key, std::nullopt))->state, expected);
}

// platform.md §6.2: user: keys follow the user into new sessions, app: keys every session of the app, temp: keys
// are never stored.
TEST_P(StoreConformance, ScopedStateReachesTheUsersAndTheAppsOtherSessions) {
    SessionEvent e;
    e.state_delta["s"] = "session";
    e.state_delta["user:y"] = "for u1";
    e.state_delta["app:z"] = "for all";
    e.state_delta["temp:x"] = "this run only";
    ASSERT_TRUE(sync(sessions().append({"app-a", "u1", "s1"}, e)).ok());

    json::object own{{"s", "session"}, {"user:y", "for u1"}, {"app:z", "for all"}};
    EXPECT_EQ(sync(sessions().get({"app-a", "u1", "s1"}, std::nullopt))->state, own);
    EXPECT_EQ(sync(sessions().open({"app-a", "u1", "s1"}, std::nullopt))->state, own);
    // The event itself keeps the whole delta.
    EXPECT_EQ(sync(sessions().get({"app-a", "u1", "s1"}, std::nullopt))->events.at(0).state_delta, e.state_delta);

    // A new session of the same user: not stored yet, but a run there sees the user's and the app's keys.
    EXPECT_EQ(sync(sessions().get({"app-a", "u1", "s2"}, std::nullopt)).error().code, Errc::not_found);
    auto fresh = sync(sessions().open({"app-a", "u1", "s2"}, std::nullopt));
    ASSERT_TRUE(fresh.ok()) << fresh.error().message;
    EXPECT_EQ(fresh->event_count, 0);
    EXPECT_TRUE(fresh->events.empty());
    EXPECT_EQ(fresh->state, (json::object{{"user:y", "for u1"}, {"app:z", "for all"}}));
    // Another user of the app: the app's keys only. Another app: nothing.
    EXPECT_EQ(sync(sessions().open({"app-a", "u2", "s1"}, std::nullopt))->state, (json::object{{"app:z", "for all"}}));
    EXPECT_TRUE(sync(sessions().open({"app-b", "u1", "s1"}, std::nullopt))->state.empty());

    // Null removes a scoped key, from every session that sees it.
    SessionEvent drop;
    drop.state_delta["user:y"] = nullptr;
    ASSERT_TRUE(sync(sessions().append({"app-a", "u1", "s3"}, drop)).ok());
    EXPECT_EQ(sync(sessions().get({"app-a", "u1", "s1"}, std::nullopt))->state,
              (json::object{{"s", "session"}, {"app:z", "for all"}}));

    // Deleting the app forgets its scoped state too.
    ASSERT_TRUE(sync(sessions().remove_app("app-a")).ok());
    EXPECT_TRUE(sync(sessions().open({"app-a", "u1", "s9"}, std::nullopt))->state.empty());
}

TEST_P(StoreConformance, SessionsAreKeyedByAppUserAndId) {
    ASSERT_TRUE(sync(sessions().append({"app-a", "u1", "s1"}, text_event("user", "a"))).ok());
    ASSERT_TRUE(sync(sessions().append({"app-a", "u2", "s1"}, text_event("user", "b"))).ok());
    ASSERT_TRUE(sync(sessions().append({"app-a", "u2", "s1"}, text_event("user", "c"))).ok());
    ASSERT_TRUE(sync(sessions().append({"app-b", "u1", "s1"}, text_event("user", "d"))).ok());
    EXPECT_EQ(sync(sessions().get({"app-a", "u1", "s1"}, std::nullopt))->event_count, 1);
    EXPECT_EQ(sync(sessions().get({"app-a", "u2", "s1"}, std::nullopt))->event_count, 2);
    EXPECT_EQ(sync(sessions().get({"app-b", "u1", "s1"}, std::nullopt))->event_count, 1);
    EXPECT_EQ(sync(sessions().get({"app-a", "u1", "nope"}, std::nullopt)).error().code, Errc::not_found);
    EXPECT_EQ(sync(sessions().get({"app-c", "u1", "s1"}, std::nullopt)).error().code, Errc::not_found);
}

TEST_P(StoreConformance, SessionListPagesByLastUpdateThenId) {
    const std::string app = "default", user = "u1";
    touch(sessions(), {app, user, "s1"});
    touch(sessions(), {app, user, "s2"});
    touch(sessions(), {app, user, "s3"});
    touch(sessions(), {app, user, "s1"});  // s1 is now the most recent, with 2 events
    touch(sessions(), {app, "someone-else", "s4"});
    touch(sessions(), {"other-app", user, "s5"});

    auto page1 = sync(sessions().list(app, user, 2, std::nullopt));
    ASSERT_TRUE(page1.ok()) << page1.error().message;
    EXPECT_EQ(ids(*page1), (std::vector<std::string>{"s1", "s3"}));
    EXPECT_EQ(page1->front().event_count, 2);
    EXPECT_EQ(page1->front().key.app_id, app);
    EXPECT_EQ(page1->front().key.user_id, user);
    EXPECT_EQ(page1->front().updated_at, sync(sessions().get({app, user, "s1"}, 0))->updated_at);

    const SessionCursor after{page1->back().updated_at, page1->back().key.id};
    auto page2 = sync(sessions().list(app, user, 2, after));
    ASSERT_TRUE(page2.ok());
    EXPECT_EQ(ids(*page2), (std::vector<std::string>{"s2"}));
    auto page3 = sync(sessions().list(app, user, 2, SessionCursor{page2->back().updated_at, "s2"}));
    EXPECT_TRUE(page3->empty());
    EXPECT_TRUE(sync(sessions().list(app, user, 0, std::nullopt))->empty());
    EXPECT_EQ(ids(*sync(sessions().list(app, user, 100, std::nullopt))), (std::vector<std::string>{"s1", "s3", "s2"}));
    // Rows with the cursor's time continue by id.
    auto same_time = sync(sessions().list(app, user, 10, SessionCursor{page1->front().updated_at, "s0"}));
    EXPECT_EQ(ids(*same_time), (std::vector<std::string>{"s1", "s3", "s2"}));
    auto past_id = sync(sessions().list(app, user, 10, SessionCursor{page1->front().updated_at, "s1"}));
    EXPECT_EQ(ids(*past_id), (std::vector<std::string>{"s3", "s2"}));
}

TEST_P(StoreConformance, SessionRemoveAndRemoveApp) {
    const SessionKey key{"app-a", "u1", "s1"};
    ASSERT_TRUE(sync(sessions().append(key, text_event("user", "a"))).ok());
    ASSERT_TRUE(sync(sessions().append(key, text_event("user", "b"))).ok());
    ASSERT_TRUE(sync(sessions().remove(key)).ok());
    EXPECT_EQ(sync(sessions().get(key, std::nullopt)).error().code, Errc::not_found);
    EXPECT_EQ(sync(sessions().remove(key)).error().code, Errc::not_found);
    // A new session under the same key starts afresh.
    EXPECT_EQ(sync(sessions().append(key, text_event("user", "again")))->seq, 1);

    ASSERT_TRUE(sync(sessions().append({"app-a", "u2", "s2"}, text_event("user", "x"))).ok());
    ASSERT_TRUE(sync(sessions().append({"app-b", "u1", "s1"}, text_event("user", "y"))).ok());
    ASSERT_TRUE(sync(sessions().remove_app("app-a")).ok());
    EXPECT_EQ(sync(sessions().get(key, std::nullopt)).error().code, Errc::not_found);
    EXPECT_EQ(sync(sessions().get({"app-a", "u2", "s2"}, std::nullopt)).error().code, Errc::not_found);
    EXPECT_TRUE(sync(sessions().list("app-a", "u2", 10, std::nullopt))->empty());
    EXPECT_TRUE(sync(sessions().get({"app-b", "u1", "s1"}, std::nullopt)).ok());
}

}  // namespace
}  // namespace hector::store::testing
