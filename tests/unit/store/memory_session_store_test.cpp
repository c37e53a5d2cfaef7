// The in-memory session store's bounds: it must not grow with every conversation a long-running server ever had.
#include <gtest/gtest.h>

#include <thread>

#include "hector/store/memory/memory_session_store.hpp"
#include "store_test_support.hpp"

namespace hector::store::testing {
namespace {

SessionEvent said(std::string text) {
    SessionEvent e;
    e.author = "user";
    e.role = "user";
    e.parts = boost::json::array{boost::json::object{{"kind", "text"}, {"text", std::move(text)}}};
    return e;
}

SessionKey key(const std::string& id) {
    return {"default", "u1", id};
}

bool has(MemorySessionStore& s, const std::string& id) {
    return sync(s.get(key(id), std::nullopt)).ok();
}

TEST(MemorySessions, BeyondTheCapTheLeastRecentlyWrittenConversationGoes) {
    MemorySessionStore s(3, std::chrono::hours(1));
    for (const auto* id : {"a", "b", "c"}) ASSERT_TRUE(sync(s.append(key(id), said(id))).ok());
    ASSERT_TRUE(sync(s.append(key("a"), said("again"))).ok());  // a is now the most recently written
    ASSERT_TRUE(sync(s.append(key("d"), said("d"))).ok());
    EXPECT_TRUE(has(s, "a"));
    EXPECT_FALSE(has(s, "b"));  // the least recently written
    EXPECT_TRUE(has(s, "c"));
    EXPECT_TRUE(has(s, "d"));
    auto a = sync(s.get(key("a"), std::nullopt));
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->events.size(), 2u);  // a kept its whole conversation
    auto listed = sync(s.list("default", "u1", 10, std::nullopt));
    ASSERT_TRUE(listed.ok());
    EXPECT_EQ(listed->size(), 3u);
}

TEST(MemorySessions, ConversationsNotWrittenToWithinTheRetentionAreDropped) {
    MemorySessionStore s(100, std::chrono::milliseconds(50));
    ASSERT_TRUE(sync(s.append(key("old"), said("x"))).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    ASSERT_TRUE(sync(s.append(key("new"), said("y"))).ok());  // a write trims what is past the retention
    EXPECT_FALSE(has(s, "old"));
    EXPECT_TRUE(has(s, "new"));
}

TEST(MemorySessions, RemovedConversationsLeaveNoTraceInTheOrder) {
    MemorySessionStore s(2, std::chrono::hours(1));
    ASSERT_TRUE(sync(s.append(key("a"), said("a"))).ok());
    ASSERT_TRUE(sync(s.append(key("b"), said("b"))).ok());
    ASSERT_TRUE(sync(s.remove(key("a"))).ok());
    ASSERT_TRUE(sync(s.remove_app("other")).ok());
    ASSERT_TRUE(sync(s.append(key("c"), said("c"))).ok());  // two now: nothing to drop
    EXPECT_TRUE(has(s, "b"));
    EXPECT_TRUE(has(s, "c"));
    ASSERT_TRUE(sync(s.remove_app("default")).ok());
    EXPECT_FALSE(has(s, "b"));
    ASSERT_TRUE(sync(s.append(key("d"), said("d"))).ok());
    EXPECT_TRUE(has(s, "d"));
}

}  // namespace
}  // namespace hector::store::testing
