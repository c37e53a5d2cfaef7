// A task's events as the run makes them: the answer's chunks (written from a template the codec makes on the first
// chunk), status events written from the task by reference, and the compaction of a finished task's log
// (DECISIONS 26). Each is compared with what the codec writes for the equivalent event struct.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "hector/a2a/codec.hpp"
#include "hector/common/json.hpp"
#include "hector/tasks/detail/task_helpers.hpp"
#include "hector/tasks/live_task.hpp"
#include "hector/tasks/run_emitter.hpp"

namespace hector::tasks {
namespace {

json::value parsed(const store::JsonText& text) {
    auto v = parse_json(*text);
    EXPECT_TRUE(v.ok()) << *text;
    return v ? *v : json::value();
}

a2a::ArtifactUpdateEvent chunk_event(const TaskManager::Live& t, std::string text, bool append) {
    a2a::ArtifactUpdateEvent e;
    e.task_id = t.record.task.id;
    e.context_id = t.record.task.context_id;
    e.artifact.artifact_id = t.artifact_id;
    e.artifact.name = "answer";
    e.artifact.parts.push_back(a2a::Part::make_text(std::move(text)));
    e.append = append;
    e.last_chunk = false;
    return e;
}

class TaskEvents : public ::testing::Test {
  protected:
    TaskEvents() : t(io) {
        // Client-chosen ids may hold any printable ASCII, including what the chunk template looks for.
        t.record.task.id = R"(task"1\u0001)";
        t.record.task.context_id = R"(ctx "append":false,)";
        t.artifact_id = "artifact-1";
    }
    boost::asio::io_context io;
    TaskManager::Live t;
};

TEST_F(TaskEvents, ChunkEventsAreWhatTheCodecWritesForEachChunk) {
    const std::vector<std::string> chunks = {"one \"two\"\n", "\\ back", std::string("ctl\x01 bad \xff byte"),
                                             "\xC3\xA9"};
    {
        RunEmitter emitter(t);
        for (const auto& c : chunks) emitter.answer_delta(c);
        emitter.answer_delta("");  // nothing to say: no event
    }
    ASSERT_EQ(t.log.size(), chunks.size());
    std::string all;
    for (std::size_t i = 0; i < chunks.size(); ++i) {
        EXPECT_EQ(parsed(t.log[i].payload), a2a::to_json(chunk_event(t, chunks[i], i > 0))) << *t.log[i].payload;
        EXPECT_EQ(t.log[i].seq, static_cast<std::int64_t>(i + 1));
        EXPECT_EQ(t.log[i].kind, store::TaskEvent::Kind::artifact);
        EXPECT_EQ(t.log[i].artifact_id, "artifact-1");
        all += chunks[i];
    }
    EXPECT_EQ(t.answer, all);
    EXPECT_TRUE(t.artifact_open);
}

TEST_F(TaskEvents, StatusEventsAreWrittenFromTheTask) {
    t.record.task.status =
        detail::status_now(a2a::TaskState::completed, detail::agent_message(t.record, "done \"quoted\"", {{"k", 1}}));
    for (bool final : {false, true}) {
        a2a::StatusUpdateEvent e{t.record.task.id, t.record.task.context_id, t.record.task.status, final, {}};
        EXPECT_EQ(detail::status_payload(t.record, final), a2a::to_text(e));
    }
}

TEST_F(TaskEvents, CompactionKeepsOneEventPerArtifactWithTheWholeArtifact) {
    {
        std::lock_guard lock(t.mu);
        t.record.task.status = detail::status_now(a2a::TaskState::working);
        t.append(store::TaskEvent::Kind::status, detail::status_payload(t.record, false), false, false);
    }
    {
        RunEmitter emitter(t);
        emitter.answer_delta("Hello, ");
        emitter.answer_delta("wor");
        emitter.answer_delta("ld");
    }
    a2a::Artifact whole;
    whole.artifact_id = t.artifact_id;
    whole.name = "answer";
    whole.parts.push_back(a2a::Part::make_text(t.answer));
    t.record.task.artifacts = {whole};
    t.record.task.status = detail::status_now(a2a::TaskState::completed);
    {
        std::lock_guard lock(t.mu);
        t.append(store::TaskEvent::Kind::status, detail::status_payload(t.record, true), true, false, false);
    }
    ASSERT_EQ(t.log.size(), 5u);

    const auto out = detail::compact(t.log, t.record);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].seq, 1);
    EXPECT_EQ(out[0].payload, t.log[0].payload);  // shared, not copied
    EXPECT_EQ(out[1].kind, store::TaskEvent::Kind::artifact);
    EXPECT_EQ(out[1].seq, 4);  // the last chunk's place in the log
    a2a::ArtifactUpdateEvent full{t.record.task.id, t.record.task.context_id, whole, false, true, {}};
    EXPECT_EQ(*out[1].payload, a2a::to_text(full));
    EXPECT_EQ(out[2].seq, 5);
    EXPECT_TRUE(out[2].final);
    for (const auto& e : out) EXPECT_TRUE(e.artifact_id.empty());  // only compaction reads it
}

}  // namespace
}  // namespace hector::tasks
