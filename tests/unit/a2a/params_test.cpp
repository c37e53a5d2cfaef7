// Method params (a2a-wire.md §2, DECISIONS 4, 6-8): tables of params JSON -> what was read, or the error.
#include <gtest/gtest.h>

#include <chrono>
#include <climits>

#include "hector/a2a/codec.hpp"
#include "unit/a2a/test_util.hpp"

namespace hector::a2a {
namespace {

using testing::FailsWith;
using testing::J;
using testing::SameJson;

constexpr const char* kMsg = R"({"role":"user","messageId":"m1","parts":[{"text":"hi"}]})";

std::string send_params(std::string_view extra) {
    return std::string(R"({"message":)") + kMsg + (extra.empty() ? "" : ",") + std::string(extra) + "}";
}

TEST(SendParams, DefaultsAndConfiguration) {
    auto p = parse_send_params(J(send_params("")), Limits{});
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_TRUE(p->configuration.blocking);
    EXPECT_FALSE(p->configuration.history_length);
    EXPECT_FALSE(p->configuration.push_notification_config);
    EXPECT_EQ(p->message.message_id, "m1");

    auto full = parse_send_params(J(send_params(R"("configuration":{"blocking":false,"historyLength":3,
        "acceptedOutputModes":["text/plain"],"pushNotificationConfig":{"url":"https://h/x","token":"t"}},
        "metadata":{"k":"v"})")),
                                  Limits{});
    ASSERT_TRUE(full.ok()) << full.error().message;
    EXPECT_FALSE(full->configuration.blocking);
    EXPECT_EQ(full->configuration.history_length, 3);
    EXPECT_EQ(full->configuration.accepted_output_modes, std::vector<std::string>{"text/plain"});
    ASSERT_TRUE(full->configuration.push_notification_config);
    EXPECT_EQ(full->configuration.push_notification_config->url, "https://h/x");
    EXPECT_EQ(full->configuration.push_notification_config->token, "t");
    EXPECT_TRUE(SameJson(json::value(full->metadata), R"({"k":"v"})"));
}

TEST(SendParams, SnakeCaseConfigurationAsTheTckSends) {
    auto p = parse_send_params(J(send_params(R"("configuration":{"accepted_output_modes":["a/b"],"history_length":0,
        "push_notification_config":{"url":"http://h"},"blocking":true})")),
                               Limits{});
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->configuration.history_length, 0);
    EXPECT_EQ(p->configuration.accepted_output_modes, std::vector<std::string>{"a/b"});
    EXPECT_TRUE(p->configuration.push_notification_config);
    EXPECT_TRUE(p->configuration.blocking);
}

TEST(SendParams, ApiMdRequest) {
    auto p =
        parse_send_params(J(R"({"message":{"role":"user","parts":[{"type":"text","text":"Hello, how can you help me?"}],
        "contextId":"session-123"},"configuration":{"blocking":true}})"),
                          Limits{});
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->message.context_id, "session-123");
    EXPECT_EQ(p->message.text(), "Hello, how can you help me?");
    EXPECT_FALSE(p->message.message_id.empty());
}

struct Bad {
    const char* params;
    const char* error;
};

const Bad kBadSend[] = {
    // DECISIONS 8: a missing params.message is -32602 with data naming the field.
    {R"({})", "params.message: required"},
    {R"({"message":null})", "params.message: required"},
    {R"({"msg":{}})", "params.message: required"},
    {R"({"message":{"kind":"message"}})", "params.message.role: required"},
    {R"({"message":"hi"})", "params.message: must be an object"},
    {R"({"message":{"role":"user","parts":[]}})", "params.message.parts: must not be empty"},
    {R"([1,2])", "params: must be an object"},
    {R"("x")", "params: must be an object"},
    {R"(null)", "params: required"},
    {nullptr, nullptr},
};

const Bad kBadConfiguration[] = {
    {R"("configuration":5)", "params.configuration: must be an object"},
    {R"("configuration":{"historyLength":-1})", "params.configuration.historyLength: must not be negative"},
    {R"("configuration":{"history_length":-5})", "params.configuration.history_length: must not be negative"},
    {R"("configuration":{"historyLength":1.5})", "params.configuration.historyLength: must be an integer"},
    {R"("configuration":{"historyLength":"3"})", "params.configuration.historyLength: must be an integer"},
    {R"("configuration":{"blocking":"yes"})", "params.configuration.blocking: must be a boolean"},
    {R"("configuration":{"acceptedOutputModes":"text/plain"})",
     "params.configuration.acceptedOutputModes: must be an array of strings"},
    {R"("configuration":{"pushNotificationConfig":{"url":"nope"}})",
     "params.configuration.pushNotificationConfig.url: must be an absolute http(s) URL"},
    {R"("configuration":{"pushNotificationConfig":[]})",
     "params.configuration.pushNotificationConfig: must be an object"},
    {R"("metadata":[])", "params.metadata: must be an object"},
};

TEST(SendParams, Rejected) {
    for (const auto& c : kBadSend) {
        if (!c.params) break;
        SCOPED_TRACE(c.params);
        EXPECT_TRUE(FailsWith(parse_send_params(J(c.params), Limits{}), Errc::invalid_argument, c.error));
    }
    for (const auto& c : kBadConfiguration) {
        SCOPED_TRACE(c.params);
        EXPECT_TRUE(FailsWith(parse_send_params(J(send_params(c.params)), Limits{}), Errc::invalid_argument, c.error));
    }
}

TEST(SendParams, HugeHistoryLengthIsClamped) {
    auto p = parse_send_params(J(send_params(R"("configuration":{"historyLength":1e300})")), Limits{});
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->configuration.history_length, INT_MAX);
    auto q = parse_send_params(J(send_params(R"("configuration":{"historyLength":18446744073709551615})")), Limits{});
    ASSERT_TRUE(q.ok()) << q.error().message;
    EXPECT_EQ(q->configuration.history_length, INT_MAX);
}

TEST(SendParams, TenMegabyteTextIsAcceptedInBoundedTime) {
    std::string body =
        R"({"message":{"role":"user","parts":[{"text":")" + std::string(10 * 1024 * 1024, 'x') + R"("}]}})";
    const auto start = std::chrono::steady_clock::now();
    auto v = parse_json(body);
    ASSERT_TRUE(v.ok());
    auto p = parse_send_params(*v, Limits{});
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->message.parts.at(0).text.size(), 10u * 1024 * 1024);
    auto out = to_json(p->message);
    EXPECT_EQ(out.at("parts").at(0).at("text").as_string().size(), 10u * 1024 * 1024);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

/// Calls visit at every value below v (objects' members and arrays' elements), depth first.
template <class Visit>
void each_value(json::value& v, Visit& visit) {
    if (auto* o = v.if_object()) {
        for (auto& kv : *o) {
            visit(kv.value());
            each_value(kv.value(), visit);
        }
    } else if (auto* a = v.if_array()) {
        for (auto& item : *a) {
            visit(item);
            each_value(item, visit);
        }
    }
}

TEST(SendParams, WrongTypesEverywhereAreValuesNotCrashes) {
    json::value params = J(R"({"message":{"kind":"message","messageId":"m","role":"user","contextId":"c","taskId":"t",
        "referenceTaskIds":["r"],"extensions":["e"],"metadata":{"k":"v"},
        "parts":[{"kind":"text","text":"x","metadata":{}},{"kind":"file","file":{"name":"n","mimeType":"a/b","bytes":"aGk="}},
                 {"kind":"file","file":{"uri":"https://x"}},{"kind":"data","data":{"a":1}}]},
        "configuration":{"blocking":true,"historyLength":2,"acceptedOutputModes":["text/plain"],
                         "pushNotificationConfig":{"id":"p","url":"https://h","token":"t",
                                                   "authentication":{"schemes":["Bearer"],"credentials":"c"}}},
        "metadata":{"m":1}})");
    ASSERT_TRUE(parse_send_params(params, Limits{}).ok());
    const json::value replacements[] = {5, true, "s", json::array{}, json::object{}, nullptr, 1.5, -1};
    std::size_t tried = 0;
    auto visit = [&](json::value& slot) {
        const json::value original = slot;
        for (const auto& r : replacements) {
            slot = r;
            ++tried;
            try {
                auto p = parse_send_params(params, Limits{});
                if (!p) {
                    EXPECT_EQ(p.error().code, Errc::invalid_argument);
                    EXPECT_EQ(p.error().message.rfind("params", 0), 0u) << p.error().message;
                }
            } catch (const std::exception& e) {
                ADD_FAILURE() << "threw " << e.what() << " for " << hector::to_json(params);
            }
        }
        slot = original;
    };
    each_value(params, visit);
    EXPECT_GT(tried, 300u);
}

TEST(RestSend, SessionIdBecomesContextId) {
    auto p = parse_rest_send(J(R"({"message":{"role":"user","parts":[{"text":"x"}]},"session_id":"s-1"})"), Limits{});
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->message.context_id, "s-1");
    auto keep = parse_rest_send(
        J(R"({"message":{"role":"user","contextId":"c","parts":[{"text":"x"}]},"session_id":"s"})"), Limits{});
    ASSERT_TRUE(keep.ok());
    EXPECT_EQ(keep->message.context_id, "c");
    auto cfg =
        parse_rest_send(J(R"({"message":{"role":"user","parts":[{"text":"x"}]},"configuration":{"blocking":false},
        "metadata":{"a":1}})"),
                        Limits{});
    ASSERT_TRUE(cfg.ok());
    EXPECT_FALSE(cfg->configuration.blocking);
    EXPECT_TRUE(cfg->message.context_id.empty());
}

TEST(RestSend, ErrorsNameBodyPaths) {
    EXPECT_TRUE(FailsWith(parse_rest_send(J("{}"), Limits{}), Errc::invalid_argument, "message: required"));
    EXPECT_TRUE(FailsWith(parse_rest_send(J("[]"), Limits{}), Errc::invalid_argument, "body: must be a JSON object"));
    EXPECT_TRUE(FailsWith(parse_rest_send(J(R"({"message":{"role":"user","parts":[{"kind":"x"}]}})"), Limits{}),
                          Errc::invalid_argument, "message.parts[0].kind:"));
    EXPECT_TRUE(
        FailsWith(parse_rest_send(J(R"({"message":{"role":"user","parts":[{"text":"x"}]},"session_id":7})"), Limits{}),
                  Errc::invalid_argument, "session_id: must be a string"));
}

TEST(TaskQuery, Forms) {
    struct Case {
        const char* params;
        const char* id;
        std::optional<int> history;
    };
    const Case cases[] = {
        {R"({"id":"t1"})", "t1", std::nullopt},
        {R"({"taskId":"t1"})", "t1", std::nullopt},
        {R"({"id":"t1","historyLength":0})", "t1", 0},
        {R"({"id":"t1","history_length":5,"metadata":{}})", "t1", 5},
        {R"({"id":"t1","historyLength":null})", "t1", std::nullopt},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.params);
        auto q = parse_task_query(J(c.params), Limits{});
        ASSERT_TRUE(q.ok()) << q.error().message;
        EXPECT_EQ(q->id, c.id);
        EXPECT_EQ(q->history_length, c.history);
    }
    const Bad bad[] = {
        {R"({})", "params.id: required"},
        {R"({"id":5})", "params.id: must be a string"},
        {R"({"id":""})", "params.id: must be 1 to 256 printable ASCII characters"},
        {R"({"id":"t","historyLength":-1})", "params.historyLength: must not be negative"},
        {R"({"id":"t","historyLength":true})", "params.historyLength: must be an integer"},
        {R"({"id":"t","metadata":"m"})", "params.metadata: must be an object"},
        {R"([])", "params: must be an object"},
    };
    for (const auto& c : bad) {
        SCOPED_TRACE(c.params);
        EXPECT_TRUE(FailsWith(parse_task_query(J(c.params), Limits{}), Errc::invalid_argument, c.error));
    }
    EXPECT_TRUE(FailsWith(parse_task_query(J(R"({"id":")" + std::string(300, 'x') + R"("})"), Limits{}),
                          Errc::invalid_argument, "params.id: must be 1 to 256"));
}

TEST(TaskIdParams, CancelResubscribeAndList) {
    for (auto parse : {&parse_task_id_params, &parse_push_list}) {
        auto p = parse(J(R"({"id":"t1","metadata":{"lastEventId":"7"}})"), Limits{});
        ASSERT_TRUE(p.ok()) << p.error().message;
        EXPECT_EQ(p->id, "t1");
        EXPECT_TRUE(SameJson(json::value(p->metadata), R"({"lastEventId":"7"})"));
        auto alias = parse(J(R"({"taskId":"t2"})"), Limits{});
        ASSERT_TRUE(alias.ok());
        EXPECT_EQ(alias->id, "t2");
        EXPECT_TRUE(FailsWith(parse(J("{}"), Limits{}), Errc::invalid_argument, "params.id: required"));
        EXPECT_TRUE(
            FailsWith(parse(J(R"({"id":{"x":1}})"), Limits{}), Errc::invalid_argument, "params.id: must be a string"));
        EXPECT_TRUE(FailsWith(parse(J("null"), Limits{}), Errc::invalid_argument, "params: required"));
    }
}

TEST(PushSet, SpecAndApiMdForms) {
    struct Case {
        const char* name;
        const char* params;
        const char* result;
    };
    const Case cases[] = {
        {"spec",
         R"({"taskId":"t1","pushNotificationConfig":{"url":"https://h/x","authentication":{"schemes":["Bearer"],"credentials":"c"}}})",
         R"({"taskId":"t1","pushNotificationConfig":{"id":"t1","url":"https://h/x","authentication":{"schemes":["Bearer"],"credentials":"c"}}})"},
        {"api.md", R"({"id":"task-abc123","pushNotificationConfig":{"url":"https://example.com/webhook",
            "authentication":{"type":"bearer","token":"secret-token"}}})",
         R"({"taskId":"task-abc123","pushNotificationConfig":{"id":"task-abc123","url":"https://example.com/webhook",
            "authentication":{"schemes":["Bearer"],"credentials":"secret-token"}}})"},
        {"snake_case with config id and top-level token",
         R"({"task_id":"t1","push_notification_config":{"id":"c2","url":"http://h","token":"tk"}})",
         R"({"taskId":"t1","pushNotificationConfig":{"id":"c2","url":"http://h","token":"tk"}})"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        auto p = parse_push_set(J(c.params), Limits{});
        ASSERT_TRUE(p.ok()) << p.error().message;
        EXPECT_TRUE(SameJson(to_json(*p), c.result));
    }
    const Bad bad[] = {
        {R"({"pushNotificationConfig":{"url":"http://h"}})", "params.taskId: required"},
        {R"({"taskId":"t"})", "params.pushNotificationConfig: required"},
        {R"({"taskId":"t","pushNotificationConfig":{"url":"file:///etc/passwd"}})",
         "params.pushNotificationConfig.url: must be an absolute http(s) URL"},
        {R"({"taskId":"t","pushNotificationConfig":{}})", "params.pushNotificationConfig.url: required"},
        {R"({"taskId":"t","pushNotificationConfig":"http://h"})", "params.pushNotificationConfig: must be an object"},
        {R"({"taskId":1,"pushNotificationConfig":{"url":"http://h"}})", "params.taskId: must be a string"},
    };
    for (const auto& c : bad) {
        SCOPED_TRACE(c.params);
        EXPECT_TRUE(FailsWith(parse_push_set(J(c.params), Limits{}), Errc::invalid_argument, c.error));
    }
}

TEST(PushGetDelete, Forms) {
    auto get = parse_push_get(J(R"({"id":"t1","pushNotificationConfigId":"c1"})"), Limits{});
    ASSERT_TRUE(get.ok()) << get.error().message;
    EXPECT_EQ(get->task_id, "t1");
    EXPECT_EQ(get->config_id, "c1");
    auto bare = parse_push_get(J(R"({"id":"t1"})"), Limits{});
    ASSERT_TRUE(bare.ok());
    EXPECT_TRUE(bare->config_id.empty());
    auto snake = parse_push_get(J(R"({"taskId":"t1","push_notification_config_id":"default"})"), Limits{});
    ASSERT_TRUE(snake.ok());
    EXPECT_EQ(snake->config_id, "default");

    auto del = parse_push_delete(J(R"({"id":"t1","pushNotificationConfigId":"c1"})"), Limits{});
    ASSERT_TRUE(del.ok());
    EXPECT_EQ(del->config_id, "c1");
    EXPECT_TRUE(FailsWith(parse_push_delete(J(R"({"id":"t1"})"), Limits{}), Errc::invalid_argument,
                          "params.pushNotificationConfigId: required"));
    EXPECT_TRUE(FailsWith(parse_push_get(J(R"({"id":"t1","pushNotificationConfigId":3})"), Limits{}),
                          Errc::invalid_argument, "params.pushNotificationConfigId: must be a string"));
    EXPECT_TRUE(FailsWith(parse_push_get(J(R"({"pushNotificationConfigId":"c"})"), Limits{}), Errc::invalid_argument,
                          "params.id: required"));
}

}  // namespace
}  // namespace hector::a2a
