// The JSON-RPC envelope (a2a-wire.md §1, §4, §5; DECISIONS 2, 8): request body -> request or error, in the order
// parse -> envelope -> method -> params, with ids echoed exactly.
#include "hector/a2a/jsonrpc.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <tuple>

#include "hector/a2a/rest_error.hpp"
#include "hector/common/error_table.hpp"
#include "unit/a2a/schema_check.hpp"
#include "unit/a2a/test_util.hpp"

namespace hector::a2a {
namespace {

using testing::J;
using testing::SameJson;

struct Envelope {
    std::string body;
    int code;          // 0: a valid request
    const char* id;    // the id to echo, as JSON text
    const char* data;  // fragment of error.data (errors only)
};

const Envelope kEnvelopes[] = {
    // -32700: not JSON, id null.
    {"", -32700, "null", ""},
    {"{", -32700, "null", ""},
    {R"({"jsonrpc":"2.0","id":1,"method":"tasks/get","params":{"id":"t"}} x)", -32700, "null", ""},
    {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tasks/get\",\"params\":{\"id\":\"\xff\"}}", -32700, "null", ""},
    {R"({'jsonrpc':'2.0'})", -32700, "null", ""},
    {std::string(10000, '['), -32700, "null", "nesting exceeds the limit of 64"},
    {R"({"jsonrpc":"2.0","id":1,"method":"tasks/get","params":)" + std::string(70, '[') + std::string(70, ']') + "}",
     -32700, "null", "nesting"},
    // -32600: batches and non-objects.
    {"[]", -32600, "null", "batch"},
    {R"([{"jsonrpc":"2.0","id":1,"method":"tasks/get","params":{"id":"t"}}])", -32600, "null", "batch"},
    {R"("hello")", -32600, "null", "JSON object"},
    {"42", -32600, "null", "JSON object"},
    {"null", -32600, "null", "JSON object"},
    // -32600: bad ids are not echoed.
    {R"({"jsonrpc":"2.0","id":{"a":1},"method":"tasks/get","params":{}})", -32600, "null", "id: must be a string"},
    {R"({"jsonrpc":"2.0","id":[1],"method":"tasks/get","params":{}})", -32600, "null", "id: must be"},
    {R"({"jsonrpc":"2.0","id":true,"method":"tasks/get","params":{}})", -32600, "null", "id: must be"},
    {R"({"jsonrpc":"2.0","id":1.5,"method":"tasks/get","params":{}})", -32600, "null", "fractional"},
    {R"({"jsonrpc":"2.0","id":1.0,"method":"tasks/get","params":{}})", -32600, "null", "fractional"},
    {R"({"jsonrpc":"2.0","id":1e3,"method":"tasks/get","params":{}})", -32600, "null", "fractional"},
    {R"({"jsonrpc":"2.0","id":")" + std::string(300, 'x') + R"(","method":"tasks/get","params":{}})", -32600, "null",
     "id: must be at most 256 printable ASCII characters"},
    {R"({"jsonrpc":"2.0","id":"a\nb","method":"tasks/get","params":{}})", -32600, "null", "printable ASCII"},
    // -32600: bad envelope, the id is echoed.
    {R"({"id":1,"method":"tasks/get","params":{}})", -32600, "1", "jsonrpc"},
    {R"({"jsonrpc":"1.0","id":1,"method":"tasks/get","params":{}})", -32600, "1", R"(jsonrpc: must be "2.0")"},
    {R"({"jsonrpc":2.0,"id":"a","method":"tasks/get","params":{}})", -32600, R"("a")", "jsonrpc"},
    {R"({"jsonrpc":"2.0","id":2})", -32600, "2", "method: required"},
    {R"({"jsonrpc":"2.0","id":2,"method":5})", -32600, "2", "method: must be a string"},
    {R"({"jsonrpc":"2.0","id":2,"method":null})", -32600, "2", "method: must be a string"},
    // -32601: unknown methods, also without an id (the TCK's notification case).
    {R"({"jsonrpc":"2.0","method":"message/ssend","params":{}})", -32601, "null", R"(unknown method "message/ssend")"},
    {R"({"jsonrpc":"2.0","id":"q","method":"tasks/list","params":{}})", -32601, R"("q")", "tasks/list"},
    {R"({"jsonrpc":"2.0","id":3,"method":"MESSAGE/SEND","params":{}})", -32601, "3", ""},
    {R"({"jsonrpc":"2.0","id":3,"method":"","params":{}})", -32601, "3", ""},
    // -32602: params not an object.
    {R"({"jsonrpc":"2.0","id":4,"method":"message/send"})", -32602, "4", "params.message: required"},
    {R"({"jsonrpc":"2.0","id":4,"method":"message/stream","params":null})", -32602, "4", "params.message: required"},
    {R"({"jsonrpc":"2.0","id":4,"method":"tasks/get"})", -32602, "4", "params.id: required"},
    {R"({"jsonrpc":"2.0","id":4,"method":"tasks/pushNotificationConfig/set"})", -32602, "4", "params.taskId: required"},
    {R"({"jsonrpc":"2.0","id":4,"method":"message/send","params":[{"message":{}}]})", -32602, "4",
     "params: must be an object"},
    {R"({"jsonrpc":"2.0","id":4,"method":"tasks/get","params":"t-1"})", -32602, "4", "params: must be an object"},
    {R"({"jsonrpc":"2.0","id":4,"method":"agent/getAuthenticatedExtendedCard","params":[]})", -32602, "4",
     "params: must be an object"},
    // Valid requests: ids keep their JSON type and exact value.
    {R"({"jsonrpc":"2.0","id":7,"method":"message/send","params":{}})", 0, "7", ""},
    {R"({"jsonrpc":"2.0","id":"7","method":"message/send","params":{}})", 0, R"("7")", ""},
    {R"({"jsonrpc":"2.0","id":"","method":"message/send","params":{}})", 0, R"("")", ""},
    {R"({"jsonrpc":"2.0","id":null,"method":"message/send","params":{}})", 0, "null", ""},
    {R"({"jsonrpc":"2.0","id":-9223372036854775808,"method":"tasks/get","params":{}})", 0, "-9223372036854775808", ""},
    {R"({"jsonrpc":"2.0","id":18446744073709551615,"method":"tasks/get","params":{}})", 0, "18446744073709551615", ""},
    {R"({"jsonrpc":"2.0","id":1,"id":2,"method":"tasks/get","params":{}})", 0, "2", ""},
    {R"({"jsonrpc":"2.0","id":2,"method":"agent/getAuthenticatedExtendedCard"})", 0, "2", ""},
    {R"({"jsonrpc":"2.0","id":2,"method":"agent/getAuthenticatedExtendedCard","params":null})", 0, "2", ""},
    {R"({"jsonrpc":"2.0","id":2,"method":"tasks/get","params":{},"extra":true})", 0, "2", ""},
};

TEST(JsonRpcEnvelope, Table) {
    for (const auto& c : kEnvelopes) {
        SCOPED_TRACE(c.body.substr(0, 200));
        auto parsed = parse_request(c.body, 64);
        if (c.code == 0) {
            auto* req = std::get_if<RpcRequest>(&parsed);
            ASSERT_TRUE(req) << std::get<RpcError>(parsed).code << " "
                             << hector::to_json(std::get<RpcError>(parsed).data);
            EXPECT_TRUE(SameJson(req->id, c.id));
            EXPECT_TRUE(req->params.is_object());
            continue;
        }
        auto* err = std::get_if<RpcError>(&parsed);
        ASSERT_TRUE(err) << "accepted";
        EXPECT_EQ(err->code, c.code);
        EXPECT_EQ(err->message, jsonrpc_message(c.code));
        EXPECT_TRUE(SameJson(err->id, c.id));
        if (*c.data) {
            ASSERT_TRUE(err->data.is_string());
            EXPECT_NE(std::string_view(err->data.as_string()).find(c.data), std::string_view::npos)
                << err->data.as_string();
        }
    }
}

TEST(JsonRpcEnvelope, MethodNamesAndAliases) {
    const std::pair<const char*, Method> cases[] = {
        {"message/send", Method::message_send},
        {"message:send", Method::message_send},
        {"message/stream", Method::message_stream},
        {"message:stream", Method::message_stream},
        {"tasks/get", Method::tasks_get},
        {"tasks/cancel", Method::tasks_cancel},
        {"tasks/resubscribe", Method::tasks_resubscribe},
        {"tasks/subscribe", Method::tasks_resubscribe},
        {"tasks/pushNotificationConfig/set", Method::push_set},
        {"tasks/pushNotification/set", Method::push_set},
        {"tasks/pushNotificationConfig/get", Method::push_get},
        {"tasks/pushNotification/get", Method::push_get},
        {"tasks/pushNotificationConfig/list", Method::push_list},
        {"tasks/pushNotificationConfig/delete", Method::push_delete},
        {"agent/getAuthenticatedExtendedCard", Method::get_extended_card},
    };
    for (const auto& [name, method] : cases) {
        SCOPED_TRACE(name);
        auto parsed =
            parse_request(R"({"jsonrpc":"2.0","id":1,"method":")" + std::string(name) + R"(","params":{}})", 64);
        auto* req = std::get_if<RpcRequest>(&parsed);
        ASSERT_TRUE(req);
        EXPECT_EQ(req->kind, method);
        EXPECT_EQ(req->method, name);
        EXPECT_EQ(find_method(method_name(method)), method);
        EXPECT_EQ(is_streaming(method), method == Method::message_stream || method == Method::tasks_resubscribe);
    }
    EXPECT_EQ(method_name(Method::push_set), "tasks/pushNotificationConfig/set");
    EXPECT_EQ(method_name(Method::tasks_resubscribe), "tasks/resubscribe");
    EXPECT_FALSE(find_method("tasks/send"));
}

TEST(JsonRpcEnvelope, NotificationsAreAnsweredWithIdNull) {
    auto parsed = parse_request(R"({"jsonrpc":"2.0","method":"tasks/get","params":{"id":"t"}})", 64);
    auto* req = std::get_if<RpcRequest>(&parsed);
    ASSERT_TRUE(req);
    EXPECT_FALSE(req->has_id);
    EXPECT_TRUE(req->id.is_null());
    auto with_null = parse_request(R"({"jsonrpc":"2.0","id":null,"method":"tasks/get","params":{}})", 64);
    EXPECT_TRUE(std::get<RpcRequest>(with_null).has_id);
}

TEST(JsonRpcEnvelope, HugeIntegerIdsRoundTripDigitForDigit) {
    const std::string ids[] = {"123456789012345678901234567890", "-98765432109876543210987654321",
                               "18446744073709551616", "9" + std::string(400, '9')};
    for (const auto& id : ids) {
        SCOPED_TRACE(id);
        auto parsed =
            parse_request(R"({"jsonrpc":"2.0","id":)" + id + R"(,"method":"tasks/get","params":{"id":"t"}})", 64);
        auto* req = std::get_if<RpcRequest>(&parsed);
        ASSERT_TRUE(req) << hector::to_json(std::get<RpcError>(parsed).data);
        EXPECT_EQ(req->id_text, id);
        const std::string text = serialize_response(make_result(req->id, nullptr), req->id_text);
        EXPECT_EQ(text, R"({"jsonrpc":"2.0","id":)" + id + R"(,"result":null})");
        EXPECT_TRUE(parse_json(text).ok());
    }
    // An error after the envelope was read carries the exact id too.
    auto parsed = parse_request(R"({"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"nope"})", 64);
    auto& err = std::get<RpcError>(parsed);
    EXPECT_EQ(
        serialize_response(make_error(err), err.id_text),
        R"({"jsonrpc":"2.0","id":123456789012345678901234567890,"error":{"code":-32601,"message":"Method not found","data":"unknown method \"nope\""}})");
    // Duplicate keys: the last id wins, as in the parsed value.
    auto dup = parse_request(
        R"({"jsonrpc":"2.0","id":123456789012345678901234567890,"id":"s","method":"tasks/get","params":{}})", 64);
    EXPECT_TRUE(std::get<RpcRequest>(dup).id_text.empty());
    auto dup2 = parse_request(
        R"({"jsonrpc":"2.0","id":"s","params":{"id":5},"id":98765432109876543210,"method":"tasks/get"})", 64);
    EXPECT_EQ(std::get<RpcRequest>(dup2).id_text, "98765432109876543210");
    // id_text that is not an integer literal is never spliced in.
    EXPECT_EQ(serialize_response(make_result(1, nullptr), "1,\"x\":2"), R"({"jsonrpc":"2.0","id":1,"result":null})");
}

TEST(JsonRpcEnvelope, HostileMethodNamesAreClippedInData) {
    std::string name = std::string(63, 'a') + "\xC3\xA9" + std::string(1000, 'b');
    auto parsed = parse_request(R"({"jsonrpc":"2.0","id":1,"method":")" + name + R"("})", 64);
    auto& err = std::get<RpcError>(parsed);
    EXPECT_EQ(err.code, -32601);
    EXPECT_LT(err.data.as_string().size(), 100u);
    EXPECT_TRUE(parse_json(serialize_response(make_error(err))).ok());
}

TEST(JsonRpcEnvelope, TenMegabyteRequestInBoundedTime) {
    std::string body =
        R"({"jsonrpc":"2.0","id":1,"method":"message/send","params":{"message":{"role":"user","parts":[{"text":")" +
        std::string(10 * 1024 * 1024, 'y') + R"("}]}}})";
    const auto start = std::chrono::steady_clock::now();
    auto parsed = parse_request(body, 64);
    auto* req = std::get_if<RpcRequest>(&parsed);
    ASSERT_TRUE(req);
    auto p = parse_send_params(req->params, Limits{});
    ASSERT_TRUE(p.ok());
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

// ---- Whole exchanges: request text -> response text, through a stand-in dispatcher --------------------------

/// What a server does with a body: parse, read the params, answer. message/send completes at once with the task
/// of a2a-wire.md §5; tasks/get knows no task.
std::string answer(std::string_view body) {
    auto parsed = parse_request(body, 64);
    if (auto* err = std::get_if<RpcError>(&parsed)) return serialize_response(make_error(*err), err->id_text);
    const auto& req = std::get<RpcRequest>(parsed);
    auto fail = [&](const Error& e) { return serialize_response(make_error(req.id, error_from(e)), req.id_text); };
    switch (req.kind) {
        case Method::message_send: {
            auto p = parse_send_params(req.params, Limits{});
            if (!p) return fail(p.error());
            Task t;
            t.id = "t-1";
            t.context_id = "c-1";
            t.status.state = TaskState::completed;
            t.status.timestamp = "2025-08-01T10:00:00Z";
            Message m = p->message;
            m.task_id = t.id;
            m.context_id = t.context_id;
            t.history.push_back(m);
            Artifact a;
            a.artifact_id = "a-1";
            a.name = "answer";
            a.parts.push_back(Part::make_text("hello"));
            t.artifacts.push_back(a);
            return serialize_response(make_result(req.id, to_json(t, p->configuration.history_length)), req.id_text);
        }
        case Method::tasks_get: {
            auto q = parse_task_query(req.params, Limits{});
            if (!q) return fail(q.error());
            return fail(Error{Errc::task_not_found, ""});
        }
        default:
            return fail(Error{Errc::unsupported, "not in this test"});
    }
}

struct Exchange {
    const char* name;
    const char* request;
    const char* response;
};

const Exchange kExchanges[] = {
    {"a2a-wire.md §5 send",
     R"({"jsonrpc":"2.0","id":7,"method":"message/send","params":{"message":{"kind":"message","messageId":"m-1","role":"user","parts":[{"kind":"text","text":"hi"}]}}})",
     R"({"jsonrpc":"2.0","id":7,"result":{"kind":"task","id":"t-1","contextId":"c-1",
          "status":{"state":"completed","timestamp":"2025-08-01T10:00:00Z"},
          "history":[{"kind":"message","messageId":"m-1","role":"user","taskId":"t-1","contextId":"c-1","parts":[{"kind":"text","type":"text","text":"hi"}]}],
          "artifacts":[{"artifactId":"a-1","name":"answer","parts":[{"kind":"text","type":"text","text":"hello"}]}]}})"},
    {"a2a-wire.md §5 get", R"({"jsonrpc":"2.0","id":"x","method":"tasks/get","params":{"id":"nope"}})",
     R"({"jsonrpc":"2.0","id":"x","error":{"code":-32001,"message":"Task not found"}})"},
    {"historyLength 0 empties history",
     R"({"jsonrpc":"2.0","id":8,"method":"message:send","params":{"message":{"messageId":"m-1","role":"user","parts":[{"text":"hi"}]},"configuration":{"historyLength":0}}})",
     R"({"jsonrpc":"2.0","id":8,"result":{"kind":"task","id":"t-1","contextId":"c-1",
          "status":{"state":"completed","timestamp":"2025-08-01T10:00:00Z"},"history":[],
          "artifacts":[{"artifactId":"a-1","name":"answer","parts":[{"kind":"text","type":"text","text":"hello"}]}]}})"},
    {"TCK: bare kind message",
     R"({"jsonrpc":"2.0","id":"tck","method":"message/send","params":{"message":{"kind":"message"}}})",
     R"({"jsonrpc":"2.0","id":"tck","error":{"code":-32602,"message":"Invalid params","data":"params.message.role: required"}})"},
    {"TCK: misspelt method without id", R"({"jsonrpc":"2.0","method":"message/ssend","params":{}})",
     R"({"jsonrpc":"2.0","id":null,"error":{"code":-32601,"message":"Method not found","data":"unknown method \"message/ssend\""}})"},
    {"DECISIONS 8: missing params.message", R"({"jsonrpc":"2.0","id":1,"method":"message/send","params":{}})",
     R"({"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"Invalid params","data":"params.message: required"}})"},
    {"negative historyLength",
     R"({"jsonrpc":"2.0","id":1,"method":"tasks/get","params":{"id":"t","historyLength":-1}})",
     R"({"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"Invalid params","data":"params.historyLength: must not be negative"}})"},
    {"bad part",
     R"({"jsonrpc":"2.0","id":1,"method":"message/send","params":{"message":{"role":"user","parts":[{"text":"a"},{"text":"b"},{"kind":"file","file":{}}]}}})",
     R"({"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"Invalid params","data":"params.message.parts[2].file: exactly one of bytes or uri"}})"},
    {"parse error", R"({"jsonrpc":)",
     R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error","data":"incomplete JSON"}})"},
    {"unsupported", R"({"jsonrpc":"2.0","id":1,"method":"tasks/cancel","params":{"id":"t"}})",
     R"({"jsonrpc":"2.0","id":1,"error":{"code":-32004,"message":"This operation is not supported","data":"not in this test"}})"},
};

TEST(JsonRpcExchange, Table) {
    static const testing::SchemaCheck schema;
    for (const auto& c : kExchanges) {
        SCOPED_TRACE(c.name);
        const std::string got = answer(c.request);
        auto v = parse_json(got);
        ASSERT_TRUE(v.ok()) << got;
        EXPECT_TRUE(SameJson(*v, c.response));
        EXPECT_EQ(got.find('\n'), std::string::npos) << "responses are single-line";
        if (!schema.loaded()) continue;
        const bool is_error = v->as_object().contains("error");
        const char* def = is_error ? "JSONRPCErrorResponse" : "SendMessageSuccessResponse";
        for (const auto& e : schema.check(*v, def)) ADD_FAILURE() << def << " " << e;
    }
}

TEST(JsonRpcBuilders, ErrorFromUsesTheOneTable) {
    const std::tuple<Errc, int, const char*> cases[] = {
        {Errc::invalid_argument, -32602, "Invalid params"},
        {Errc::task_not_found, -32001, "Task not found"},
        {Errc::task_not_cancelable, -32002, "Task cannot be canceled"},
        {Errc::push_not_supported, -32003, "Push Notification is not supported"},
        {Errc::content_type_not_supported, -32005, "Incompatible content types"},
        {Errc::extended_card_not_configured, -32007, "Authenticated Extended Card is not configured"},
        {Errc::internal, -32603, "Internal error"},
    };
    for (const auto& [errc, code, message] : cases) {
        RpcError e = error_from(Error{errc, "detail"});
        EXPECT_EQ(e.code, code);
        EXPECT_EQ(e.message, message);
        EXPECT_EQ(e.data, "detail");
    }
    EXPECT_TRUE(error_from(Error{Errc::internal, ""}).data.is_null());
    EXPECT_TRUE(SameJson(make_error("r", rpc_error(-32001)),
                         R"({"jsonrpc":"2.0","id":"r","error":{"code":-32001,"message":"Task not found"}})"));
    EXPECT_TRUE(SameJson(make_result(nullptr, json::array{}), R"({"jsonrpc":"2.0","id":null,"result":[]})"));
}

TEST(JsonRpcBuilders, StreamingAndPushResultsMatchTheSchema) {
    static const testing::SchemaCheck schema;
    if (!schema.loaded()) GTEST_SKIP() << "schema not found";
    StatusUpdateEvent se;
    se.task_id = "t";
    se.context_id = "c";
    se.status.state = TaskState::completed;
    se.final = true;
    ArtifactUpdateEvent ae;
    ae.task_id = "t";
    ae.context_id = "c";
    ae.artifact.artifact_id = "a";
    ae.artifact.parts.push_back(Part::make_text("x"));
    Message reply;
    reply.message_id = "m";
    reply.role = Role::agent;
    reply.parts.push_back(Part::make_text("x"));
    for (const auto& result : {to_json(se), to_json(ae), to_json(reply), to_json(Task{})}) {
        for (const auto& e : schema.check(make_result(1, result), "SendStreamingMessageSuccessResponse"))
            ADD_FAILURE() << e << " in " << hector::to_json(result);
    }
    TaskPushNotificationConfig pc{"t",
                                  PushNotificationConfig{"t", "https://h", "", PushAuthentication{{"Bearer"}, "c"}}};
    for (const auto& e : schema.check(make_result("id", to_json(pc)), "SetTaskPushNotificationConfigSuccessResponse"))
        ADD_FAILURE() << e;
    for (const auto& e :
         schema.check(make_result("id", to_json(std::vector{pc, pc})), "ListTaskPushNotificationConfigSuccessResponse"))
        ADD_FAILURE() << e;
    for (const auto& e : schema.check(make_result(3, nullptr), "DeleteTaskPushNotificationConfigSuccessResponse"))
        ADD_FAILURE() << e;
    // The checker itself notices a broken object.
    EXPECT_FALSE(schema.check(J(R"({"kind":"task","id":"t"})"), "Task").empty());
    EXPECT_FALSE(
        schema
            .check(
                J(R"({"kind":"status-update","taskId":"t","contextId":"c","status":{"state":"cancelled"},"final":true})"),
                "TaskStatusUpdateEvent")
            .empty());
}

TEST(RestErrors, BodyServesEveryClient) {
    auto nf = rest_error(Error{Errc::task_not_found, ""});
    EXPECT_EQ(nf.status, 404);
    EXPECT_TRUE(SameJson(nf.body, R"({"code":-32001,"error":"TaskNotFoundError","message":"Task not found"})"));
    auto bad = rest_error(Error{Errc::invalid_argument, "message: required"});
    EXPECT_EQ(bad.status, 400);
    EXPECT_TRUE(SameJson(
        bad.body,
        R"({"code":-32602,"error":"InvalidParamsError","message":"Invalid params","data":"message: required"})"));
    auto nc = rest_error(Error{Errc::task_not_cancelable, ""});
    EXPECT_EQ(nc.status, 409);
    EXPECT_EQ(nc.body.at("error"), "TaskNotCancelableError");
    auto ct = rest_error(Error{Errc::content_type_not_supported, "message.parts[0]: image/png"});
    EXPECT_EQ(ct.status, 415);
    EXPECT_EQ(ct.body.at("code"), -32005);
}

}  // namespace
}  // namespace hector::a2a
