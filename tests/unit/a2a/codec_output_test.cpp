// Exact output (DECISIONS 3-4): every emitted object is compared with its expected JSON text and checked against
// the v0.3.0 JSON Schema.
#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

#include "hector/a2a/codec.hpp"
#include "hector/common/time.hpp"
#include "unit/a2a/schema_check.hpp"
#include "unit/a2a/test_util.hpp"

namespace hector::a2a {
namespace {

using testing::J;
using testing::SameJson;

constexpr const char* kTs = "2025-08-01T10:00:00Z";

Message user_message(std::string id, std::string text) {
    Message m;
    m.message_id = std::move(id);
    m.parts.push_back(Part::make_text(std::move(text)));
    return m;
}

Task sample_task() {
    Task t;
    t.id = "t-1";
    t.context_id = "c-1";
    t.status.state = TaskState::completed;
    t.status.timestamp = kTs;
    for (int i = 1; i <= 3; ++i)
        t.history.push_back(user_message("m-" + std::to_string(i), "msg " + std::to_string(i)));
    Artifact a;
    a.artifact_id = "a-1";
    a.name = "answer";
    a.parts.push_back(Part::make_text("hello"));
    t.artifacts.push_back(a);
    return t;
}

/// Fails the test when v does not satisfy definitions/<definition> of the v0.3.0 schema.
void expect_schema(const json::value& v, std::string_view definition) {
    static const testing::SchemaCheck schema;
    if (!schema.loaded()) GTEST_SKIP() << "spec/a2a-v0.3.0.schema.json not found (HECTOR_SPEC_DIR)";
    const auto errors = schema.check(v, definition);
    for (const auto& e : errors) ADD_FAILURE() << definition << " " << e << "\n in " << hector::to_json(v);
}

TEST(CodecOutput, Parts) {
    Part text = Part::make_text("hi");
    EXPECT_TRUE(SameJson(to_json(text), R"({"kind":"text","type":"text","text":"hi"})"));

    Part bytes;
    bytes.kind = Part::Kind::file;
    bytes.file->bytes = "aGk=";
    bytes.file->mime_type = "text/plain";
    EXPECT_TRUE(
        SameJson(to_json(bytes), R"({"kind":"file","type":"file","file":{"mimeType":"text/plain","bytes":"aGk="}})"));

    Part uri;
    uri.kind = Part::Kind::file;
    uri.file->uri = "https://x/y.png";
    uri.file->name = "y.png";
    uri.metadata["k"] = "v";
    EXPECT_TRUE(SameJson(
        to_json(uri),
        R"({"kind":"file","type":"file","file":{"name":"y.png","uri":"https://x/y.png"},"metadata":{"k":"v"}})"));

    Part data;
    data.kind = Part::Kind::data;
    data.data["approved"] = true;
    EXPECT_TRUE(SameJson(to_json(data), R"({"kind":"data","type":"data","data":{"approved":true}})"));

    Part empty_data;
    empty_data.kind = Part::Kind::data;
    EXPECT_TRUE(SameJson(to_json(empty_data), R"({"kind":"data","type":"data","data":{}})"));

    for (const auto* p : {&text, &bytes, &uri, &data, &empty_data}) expect_schema(to_json(*p), "Part");
}

// server.limits.max_json_depth may let deep data parts in; the value form of the codec's output keeps them whole.
TEST(CodecOutput, DeepDataPartsSurviveTheValueForm) {
    json::value deep = json::object{{"leaf", true}};
    for (int i = 0; i < 300; ++i) deep = json::object{{"n", std::move(deep)}};
    Part p;
    p.kind = Part::Kind::data;
    p.data = deep.as_object();
    Message m;
    m.message_id = "m1";
    m.parts.push_back(p);
    auto v = to_json(m);
    ASSERT_TRUE(v.is_object());
    const json::value* at = &v.as_object().at("parts").as_array().at(0).as_object().at("data");
    for (int i = 0; i < 300; ++i) at = &at->as_object().at("n");
    EXPECT_EQ(*at, (json::object{{"leaf", true}}));
    EXPECT_EQ(to_text(m), json::serialize(v));
}

TEST(CodecOutput, MessageLeavesOutEmptyOptionalFields) {
    Message m = user_message("m1", "hi");
    EXPECT_TRUE(SameJson(
        to_json(m),
        R"({"kind":"message","messageId":"m1","role":"user","parts":[{"kind":"text","type":"text","text":"hi"}]})"));
    m.role = Role::agent;
    m.context_id = "c";
    m.task_id = "t";
    m.reference_task_ids = {"t0"};
    m.extensions = {"urn:e"};
    m.metadata["type"] = "thinking";
    EXPECT_TRUE(SameJson(to_json(m), R"({"kind":"message","messageId":"m1","role":"agent","contextId":"c","taskId":"t",
        "referenceTaskIds":["t0"],"extensions":["urn:e"],"metadata":{"type":"thinking"},
        "parts":[{"kind":"text","type":"text","text":"hi"}]})"));
    expect_schema(to_json(m), "Message");
}

TEST(CodecOutput, TaskAlwaysHasTheRequiredMembers) {
    Task t;
    t.id = "t";
    t.context_id = "c";
    t.status.timestamp = kTs;
    EXPECT_TRUE(SameJson(to_json(t), R"({"kind":"task","id":"t","contextId":"c",
        "status":{"state":"submitted","timestamp":"2025-08-01T10:00:00Z"},"history":[],"artifacts":[]})"));
    expect_schema(to_json(t), "Task");
}

TEST(CodecOutput, StatesAreLowercaseSpecSpellings) {
    const std::pair<TaskState, const char*> cases[] = {
        {TaskState::input_required, "input-required"},
        {TaskState::canceled, "canceled"},
        {TaskState::auth_required, "auth-required"},
        {TaskState::rejected, "rejected"},
        {TaskState::unknown, "unknown"},
        {TaskState::working, "working"},
    };
    for (const auto& [state, name] : cases) {
        TaskStatus s;
        s.state = state;
        s.timestamp = kTs;
        EXPECT_TRUE(SameJson(to_json(s), std::string(R"({"state":")") + name + R"(","timestamp":")" + kTs + "\"}"));
        expect_schema(to_json(s), "TaskStatus");
    }
}

TEST(CodecOutput, MissingTimestampIsNow) {
    TaskStatus s;
    s.state = TaskState::working;
    const auto before = Clock::now() - std::chrono::seconds(1);
    auto out = to_json(s);
    const auto* ts = out.as_object().if_contains("timestamp");
    ASSERT_TRUE(ts && ts->is_string());
    auto when = parse_rfc3339(sv(ts->as_string()));
    ASSERT_TRUE(when) << ts->as_string();
    EXPECT_GE(*when, before - std::chrono::seconds(1));
    EXPECT_EQ(std::string_view(ts->as_string()).back(), 'Z');
}

TEST(CodecOutput, StatusMessageIsWritten) {
    TaskStatus s;
    s.state = TaskState::failed;
    s.timestamp = kTs;
    Message m = user_message("m9", "boom");
    m.role = Role::agent;
    s.message = m;
    EXPECT_TRUE(SameJson(to_json(s), R"({"state":"failed","timestamp":"2025-08-01T10:00:00Z",
        "message":{"kind":"message","messageId":"m9","role":"agent","parts":[{"kind":"text","type":"text","text":"boom"}]}})"));
}

std::vector<std::string> history_ids(const json::value& task) {
    std::vector<std::string> ids;
    for (const auto& m : task.at("history").as_array()) ids.emplace_back(m.at("messageId").as_string());
    return ids;
}

TEST(CodecOutput, HistoryLength) {
    const Task t = sample_task();
    using V = std::vector<std::string>;
    EXPECT_EQ(history_ids(to_json(t)), (V{"m-1", "m-2", "m-3"}));
    EXPECT_EQ(history_ids(to_json(t, std::nullopt)), (V{"m-1", "m-2", "m-3"}));
    EXPECT_EQ(history_ids(to_json(t, 0)), V{});
    EXPECT_EQ(history_ids(to_json(t, 1)), V{"m-3"});
    EXPECT_EQ(history_ids(to_json(t, 2)), (V{"m-2", "m-3"}));
    EXPECT_EQ(history_ids(to_json(t, 3)), (V{"m-1", "m-2", "m-3"}));
    EXPECT_EQ(history_ids(to_json(t, 1000)), (V{"m-1", "m-2", "m-3"}));
    EXPECT_EQ(history_ids(to_json(t, -1)), V{});
    expect_schema(to_json(t, 0), "Task");
}

TEST(CodecOutput, StatusUpdateAlwaysHasFinal) {
    StatusUpdateEvent e;
    e.task_id = "t";
    e.context_id = "c";
    e.status.state = TaskState::working;
    e.status.timestamp = kTs;
    EXPECT_TRUE(SameJson(to_json(e), R"({"kind":"status-update","taskId":"t","contextId":"c",
        "status":{"state":"working","timestamp":"2025-08-01T10:00:00Z"},"final":false})"));
    expect_schema(to_json(e), "TaskStatusUpdateEvent");
    e.final = true;
    e.metadata["seq"] = 3;
    EXPECT_TRUE(SameJson(to_json(e), R"({"kind":"status-update","taskId":"t","contextId":"c",
        "status":{"state":"working","timestamp":"2025-08-01T10:00:00Z"},"final":true,"metadata":{"seq":3}})"));
}

TEST(CodecOutput, ArtifactUpdateAlwaysHasAppendAndLastChunk) {
    ArtifactUpdateEvent e;
    e.task_id = "t";
    e.context_id = "c";
    e.artifact.artifact_id = "a-1";
    e.artifact.parts.push_back(Part::make_text("chunk 1"));
    EXPECT_TRUE(SameJson(to_json(e), R"({"kind":"artifact-update","taskId":"t","contextId":"c",
        "artifact":{"artifactId":"a-1","parts":[{"kind":"text","type":"text","text":"chunk 1"}]},
        "append":false,"lastChunk":false})"));
    expect_schema(to_json(e), "TaskArtifactUpdateEvent");
}

TEST(CodecOutput, ArtifactAlwaysHasIdAndParts) {
    Artifact a;
    a.artifact_id = "a";
    EXPECT_TRUE(SameJson(to_json(a), R"({"artifactId":"a","parts":[]})"));
    a.name = "n";
    a.description = "d";
    a.extensions = {"urn:x"};
    a.metadata["m"] = 1;
    EXPECT_TRUE(SameJson(
        to_json(a),
        R"({"artifactId":"a","name":"n","description":"d","parts":[],"metadata":{"m":1},"extensions":["urn:x"]})"));
    expect_schema(to_json(a), "Artifact");
}

TEST(CodecOutput, PushConfigs) {
    TaskPushNotificationConfig c;
    c.task_id = "t";
    c.config.url = "https://h/hook";
    EXPECT_TRUE(SameJson(to_json(c), R"({"taskId":"t","pushNotificationConfig":{"url":"https://h/hook"}})"));
    c.config.id = "cfg";
    c.config.token = "tok";
    c.config.authentication = PushAuthentication{{"Bearer"}, "secret"};
    EXPECT_TRUE(SameJson(to_json(c), R"({"taskId":"t","pushNotificationConfig":{"id":"cfg","url":"https://h/hook",
        "token":"tok","authentication":{"schemes":["Bearer"],"credentials":"secret"}}})"));
    expect_schema(to_json(c), "TaskPushNotificationConfig");
    std::vector<TaskPushNotificationConfig> list{c, c};
    EXPECT_EQ(to_json(list).as_array().size(), 2u);
    EXPECT_TRUE(SameJson(to_json(std::vector<TaskPushNotificationConfig>{}), "[]"));
}

TEST(CodecOutput, InvalidUtf8BuiltInCodeIsRepaired) {
    Part p = Part::make_text("ok \xff\xfe then \xe2\x82 cut");  // stray bytes and a truncated sequence
    auto out = to_json(p);
    const auto text = std::string(out.at("text").as_string());
    EXPECT_EQ(text, "ok \xEF\xBF\xBD\xEF\xBF\xBD then \xEF\xBF\xBD\xEF\xBF\xBD cut");
    EXPECT_TRUE(parse_json(hector::to_json(out)).ok());
    Part fine = Part::make_text("h\xC3\xA9llo \xF0\x9F\x98\x80");
    EXPECT_EQ(std::string(to_json(fine).at("text").as_string()), fine.text);
    Part surrogate = Part::make_text("\xED\xA0\x80");  // an encoded UTF-16 surrogate is not UTF-8
    EXPECT_TRUE(parse_json(hector::to_json(to_json(surrogate))).ok());
}

TEST(CodecOutput, RoundTrips) {
    const Limits limits;
    Task t = sample_task();
    t.status.message = user_message("m-final", "hello");
    t.status.message->role = Role::agent;
    t.metadata["agent"] = "a";
    Part file;
    file.kind = Part::Kind::file;
    file.file = FileContent{"f.bin", "application/octet-stream", "AAEC", ""};
    t.artifacts[0].parts.push_back(file);
    const json::value once = to_json(t);
    auto back = parse_task(once, limits, "task");
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(to_json(*back), once);
    expect_schema(once, "Task");

    StatusUpdateEvent se;
    se.task_id = "t";
    se.context_id = "c";
    se.status.state = TaskState::input_required;
    se.status.timestamp = kTs;
    se.final = true;
    auto se_back = parse_status_update(to_json(se), limits, "e");
    ASSERT_TRUE(se_back.ok()) << se_back.error().message;
    EXPECT_EQ(to_json(*se_back), to_json(se));

    ArtifactUpdateEvent ae;
    ae.task_id = "t";
    ae.context_id = "c";
    ae.artifact = t.artifacts[0];
    ae.append = true;
    ae.last_chunk = true;
    auto ae_back = parse_artifact_update(to_json(ae), limits, "e");
    ASSERT_TRUE(ae_back.ok()) << ae_back.error().message;
    EXPECT_EQ(to_json(*ae_back), to_json(ae));

    TaskPushNotificationConfig pc{
        "t", PushNotificationConfig{"cfg", "https://h/x", "tok", PushAuthentication{{"Bearer"}, "s"}}};
    auto pc_back = parse_push_set(to_json(pc), limits);
    ASSERT_TRUE(pc_back.ok()) << pc_back.error().message;
    EXPECT_EQ(to_json(*pc_back), to_json(pc));
}

// to_text() (JsonWriter) and to_json() (JsonValueBuilder) run the same write() functions: the text must parse to
// exactly the value, for every object and for the awkward strings (controls, quotes, invalid UTF-8, empty).
TEST(CodecOutput, TextAndValueWritersAgree) {
    const std::string awkward = std::string("q\"b\\s\n\t\x01\x1f end \xff\xe2\x82 ok \xC3\xA9") + '\0' + "z";
    Task t = sample_task();
    t.status.message = user_message("m-final", awkward);
    t.status.message->role = Role::agent;
    t.status.message->context_id = "c-1";
    t.status.message->task_id = "t-1";
    t.status.message->reference_task_ids = {"r1", "r\"2"};
    t.status.message->extensions = {"urn:x"};
    t.status.message->metadata["k"] = json::array{1, "two", nullptr, json::object{{"d", 2.5}}};
    t.metadata["agent"] = awkward;
    t.metadata["nested"] = json::object{{"empty", json::object{}}, {"list", json::array{}}};
    Part file;
    file.kind = Part::Kind::file;
    file.file = FileContent{awkward, "application/octet-stream", "", "https://h/f"};
    Part data;
    data.kind = Part::Kind::data;
    data.data["x"] = awkward;
    data.metadata["m"] = true;
    t.history.back().parts.push_back(file);
    t.history.back().parts.push_back(data);
    t.artifacts[0].description = awkward;
    t.artifacts[0].metadata["n"] = -7;
    t.artifacts[0].extensions = {"e"};
    t.artifacts.push_back(t.artifacts[0]);
    t.artifacts.back().artifact_id = "";
    t.status.timestamp.clear();  // "now": the same second in both, or the check below is repeated

    auto agree = [](const auto& value) {
        auto parsed = parse_json(to_text(value));
        ASSERT_TRUE(parsed.ok()) << parsed.error().message << " in " << to_text(value);
        EXPECT_EQ(*parsed, to_json(value)) << to_text(value);
    };
    for (int attempt = 0; attempt < 3; ++attempt) {
        auto parsed = parse_json(to_text(t));
        ASSERT_TRUE(parsed.ok()) << parsed.error().message << " in " << to_text(t);
        if (*parsed == to_json(t)) break;
        ASSERT_LT(attempt, 2) << "Task: the text and the value differ\n"
                              << to_text(t) << "\n"
                              << hector::to_json(to_json(t));
    }
    auto two = parse_json(to_text(t, 2));
    ASSERT_TRUE(two.ok());
    EXPECT_EQ(two->at("history").as_array().size(), 2u);
    t.status.timestamp = kTs;
    for (int n : {0, 1, 2, 100}) {
        auto text = parse_json(to_text(t, n));
        ASSERT_TRUE(text.ok());
        EXPECT_EQ(*text, to_json(t, n)) << n;
    }
    agree(t.history.back());
    agree(t.artifacts[0]);
    agree(t.status);
    StatusUpdateEvent se{"t", "c", t.status, true, json::object{{"m", awkward}}};
    agree(se);
    ArtifactUpdateEvent ae;
    ae.task_id = "t";
    ae.context_id = awkward;
    ae.artifact = t.artifacts[0];
    ae.append = true;
    agree(ae);
    TaskPushNotificationConfig pc{
        "t", PushNotificationConfig{"cfg", "https://h/x", awkward, PushAuthentication{{"Bearer", "X"}, awkward}}};
    agree(pc);
    agree(pc.config);
    agree(std::vector<TaskPushNotificationConfig>{pc, pc});
    agree(std::vector<TaskPushNotificationConfig>{});
    const std::string repaired(to_json(*t.status.message).at("parts").at(0).at("text").as_string());
    EXPECT_EQ(repaired.find('\xff'), std::string::npos);
    EXPECT_NE(repaired.find("\xEF\xBF\xBD"), std::string::npos);
    EXPECT_NE(repaired.find(std::string(1, '\0') + "z"), std::string::npos);
}

TEST(CodecOutput, ReadersOfServerObjectsNameThePath) {
    const Limits limits;
    using testing::FailsWith;
    EXPECT_TRUE(
        FailsWith(parse_task(J(R"({"id":"t"})"), limits, "result"), Errc::invalid_argument, "result.status: required"));
    EXPECT_TRUE(
        FailsWith(parse_task(J(R"({"kind":"message","id":"t","status":{"state":"working"}})"), limits, "result"),
                  Errc::invalid_argument, R"(result.kind: must be "task")"));
    EXPECT_TRUE(FailsWith(parse_task(J(R"({"id":"t","status":{"state":"done"}})"), limits, "result"),
                          Errc::invalid_argument, "result.status.state: must be a task state"));
    EXPECT_TRUE(FailsWith(parse_task(J(R"({"id":"t","status":{"state":"working"},"history":[{}]})"), limits, "r"),
                          Errc::invalid_argument, "r.history[0].role: required"));
    EXPECT_TRUE(
        FailsWith(parse_status_update(J(R"({"kind":"status-update","status":{"state":"working"}})"), limits, "r"),
                  Errc::invalid_argument, "r.taskId: required"));
    EXPECT_TRUE(FailsWith(parse_artifact_update(J(R"({"taskId":"t","artifact":{"parts":"x"}})"), limits, "r"),
                          Errc::invalid_argument, "r.artifact.parts: must be an array"));
    // Seed-era shapes: no kind, no contextId, cancelled spelling, artifacts without an id.
    auto seed = parse_task(
        J(R"({"id":"task-abc123","status":{"state":"cancelled"},"artifacts":[{"parts":[{"type":"text","text":"I can help"}]}]})"),
        limits, "result");
    ASSERT_TRUE(seed.ok()) << seed.error().message;
    EXPECT_EQ(seed->status.state, TaskState::canceled);
    EXPECT_EQ(seed->artifacts.at(0).artifact_id.size(), 36u);
    EXPECT_EQ(seed->artifacts.at(0).parts.at(0).text, "I can help");
}

}  // namespace
}  // namespace hector::a2a
