// parse_send_request(): the one-pass reader of the common message/send and message/stream bodies must give
// exactly what parse_request() + parse_send_params() give, or decline and leave the body to them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hector/a2a/codec.hpp"
#include "hector/a2a/jsonrpc.hpp"

namespace hector::a2a {
namespace {

constexpr std::size_t kDepth = 64;

// A request as one comparable text: the envelope, the message (its codec text) and the configuration. A message id
// both paths generate (the body has none) is masked: each call makes a fresh one.
std::string describe(const std::string& body, const RpcRequest& rpc, const MessageSendParams& p) {
    Message message = p.message;
    if (body.find("messageId") == std::string::npos && !message.message_id.empty()) message.message_id = "(new)";
    std::string out = "id=" + id_json(rpc.id, rpc.id_text) + " has_id=" + std::to_string(rpc.has_id) +
                      " method=" + rpc.method + " kind=" + std::to_string(static_cast<int>(rpc.kind));
    out += " message=" + to_text(message);
    out += " blocking=" + std::to_string(p.configuration.blocking);
    out += " history=" + (p.configuration.history_length ? std::to_string(*p.configuration.history_length) : "-");
    out += " modes=";
    for (const auto& m : p.configuration.accepted_output_modes) out += m + ",";
    out += " push=" + std::to_string(p.configuration.push_notification_config.has_value());
    out += " metadata=" + to_json(p.metadata);
    return out;
}

std::string general(const std::string& body, const Limits& limits = {}) {
    auto parsed = parse_request(body, kDepth, limits);
    if (auto* err = std::get_if<RpcError>(&parsed)) return "error " + std::to_string(err->code);
    auto& rpc = std::get<RpcRequest>(parsed);
    if (rpc.kind != Method::message_send && rpc.kind != Method::message_stream) return "other method";
    auto params = parse_send_params(rpc.params, limits);
    if (!params) return "error " + params.error().message;
    return describe(body, rpc, *params);
}

std::optional<std::string> fast(const std::string& body, const Limits& limits = {}) {
    auto read = parse_send_request(body, kDepth, limits);
    if (!read) return std::nullopt;
    EXPECT_TRUE(read->rpc.params.is_object() && read->rpc.params.get_object().empty());
    return describe(body, read->rpc, read->params);
}

// Either declined, or the same request as the general path reads.
void expect_agrees(const std::string& body, const Limits& limits = {}) {
    SCOPED_TRACE(body);
    if (auto f = fast(body, limits)) EXPECT_EQ(*f, general(body, limits));
}

void expect_read(const std::string& body, const Limits& limits = {}) {
    SCOPED_TRACE(body);
    auto f = fast(body, limits);
    ASSERT_TRUE(f.has_value()) << "declined";
    EXPECT_EQ(*f, general(body, limits));
}

const std::string kCommon =
    R"({"jsonrpc":"2.0","id":1,"method":"message/send","params":{"message":{"role":"user","parts":[{"kind":"text",)"
    R"("text":"load test message 1"}],"messageId":"m-1"},"configuration":{"blocking":true}}})";

TEST(SendRequest, ReadsTheCommonShapesInOnePassExactlyAsTheGeneralPath) {
    expect_read(kCommon);
    // The @a2a-js/sdk client's shape: kind, contextId, output modes, member order of its own.
    expect_read(
        R"({"jsonrpc":"2.0","method":"message/stream","params":{"message":{"kind":"message","messageId":"abc",)"
        R"("role":"user","parts":[{"kind":"text","text":"hi"},{"type":"text","text":"there"}],"contextId":"ctx-1",)"
        R"("taskId":"t-1"},"configuration":{"acceptedOutputModes":["text/plain","application/json"],)"
        R"("historyLength":3,"blocking":false}},"id":"req-7"})");
    // Aliases, the other role, ids of every allowed JSON type, escapes that split strings in the parser.
    expect_read(R"({"jsonrpc":"2.0","id":null,"method":"message:send","params":{"message":{"role":"ROLE_AGENT",)"
                R"("parts":[{"text":"caf\u00e9 \"q\" \n\t\\ \ud83d\ude00"}]}}})");
    expect_read(R"({"jsonrpc":"2.0","id":"","method":"message:stream","params":{"message":{"role":"agent",)"
                R"("parts":[{"kind":"text","type":"text","text":""}]}}})");
    expect_read(R"({"id":18446744073709551615,"params":{"configuration":{"historyLength":2147483647},)"
                R"("message":{"parts":[{"text":"x"}],"role":"user"}},"method":"message/send","jsonrpc":"2.0"})");
    expect_read(R"({"id":-9223372036854775808,"params":{"message":{"parts":[{"text":"x"}],"role":"user"}},)"
                R"("method":"message/send","jsonrpc":"2.0"})");
    expect_read(" \n\t" + kCommon + " \r\n");
    expect_read(R"({"jsonrpc":"2.0","id":"i","method":"message/send","params":{"message":{"role":"user","parts":)"
                R"([{"kind":"text","text":"a"}],"messageId":"\u0041bc"}}})");
}

TEST(SendRequest, AMessageWithoutAnIdGetsAFreshOne) {
    const std::string body =
        R"({"jsonrpc":"2.0","id":1,"method":"message/send","params":{"message":{"role":"user","parts":[{"text":"x"}]}}})";
    auto a = parse_send_request(body, kDepth);
    auto b = parse_send_request(body, kDepth);
    ASSERT_TRUE(a && b);
    EXPECT_FALSE(a->params.message.message_id.empty());
    EXPECT_NE(a->params.message.message_id, b->params.message.message_id);
}

TEST(SendRequest, DeclinesEverythingElseAndNeverDisagrees) {
    std::vector<std::string> bodies;
    auto replace = [](std::string s, const std::string& from, const std::string& to) {
        const auto at = s.find(from);
        if (at == std::string::npos) ADD_FAILURE() << "no " << from;
        return s.replace(at, from.size(), to);
    };
    const std::vector<std::pair<std::string, std::vector<std::string>>> mutations = {
        {R"("jsonrpc":"2.0")",
         {R"("jsonrpc":"1.0")", R"("jsonrpc":2)", R"("jsonrpc":null)", R"("jsonrpc":"2.0","jsonrpc":"2.0")",
          R"("jsonrpc":"2.0","extra":1)", R"("jsonrpc":"2.0","id":2)", R"("x":"2.0")"}},
        {R"("id":1)",
         {R"("id":1.5)", R"("id":1e3)", R"("id":99999999999999999999999)", R"("id":true)", R"("id":{})", R"("id":[])",
          R"("id":"a\u0001b")", R"("id":")" + std::string(257, 'x') + "\"", R"("id":")" + std::string(256, 'x') + "\"",
          R"("id":"\u00e9")", R"("id":-0)", R"("id":0)"}},
        {R"("method":"message/send")",
         {R"("method":"tasks/get")", R"("method":"Message/Send")", R"("method":1)", R"("method":null)",
          R"("method":"message/send","method":"message/stream")", R"("method":"message/stream")",
          R"("method":"message:send")"}},
        {R"("role":"user")",
         {R"("role":"USER")", R"("role":"system")", R"("role":1)", R"("role":null)", R"("role":"agent")",
          R"("role":"user","role":"agent")"}},
        {R"("parts":[{"kind":"text","text":"load test message 1"}])",
         {R"("parts":[])", R"("parts":{})", R"("parts":"x")", R"("parts":[1])", R"("parts":[[]])",
          R"("parts":[{"kind":"file","file":{"uri":"http://x/y"}}])", R"("parts":[{"kind":"data","data":{}}])",
          R"("parts":[{"kind":"text"}])", R"("parts":[{"kind":"text","text":1}])",
          R"("parts":[{"kind":"text","text":"a","text":"b"}])", R"("parts":[{"kind":"text","text":"a","metadata":{}}])",
          R"("parts":[{"kind":"Text","text":"a"}])", R"("parts":[{"kind":"text","type":"data","text":"a"}])",
          R"("parts":[{"kind":null,"text":"a"}])", R"("parts":[{"text":"a"},null])", R"("content":[{"text":"a"}])",
          R"("parts":[{"text":"a"}],"parts":[{"text":"b"}])"}},
        {R"("messageId":"m-1")",
         {R"("messageId":"")", R"("messageId":1)", R"("messageId":null)", R"("message_id":"m")", R"("messageId":"a b")",
          R"("messageId":"\u0000")", R"("messageId":")" + std::string(257, 'm') + "\"",
          R"("messageId":"m","contextId":"")", R"("messageId":"m","contextId":"c","taskId":"\u007f")",
          R"("messageId":"m","kind":"task")", R"("messageId":"m","kind":"message")",
          R"("messageId":"m","metadata":{"a":1})", R"("messageId":"m","extensions":[])",
          R"("messageId":"m","referenceTaskIds":["t"])"}},
        {R"("configuration":{"blocking":true})",
         {R"("configuration":{"blocking":"true"})", R"("configuration":{"blocking":null})",
          R"("configuration":{"blocking":false,"blocking":true})", R"("configuration":[])", R"("configuration":null)",
          R"("configuration":{"historyLength":-1})", R"("configuration":{"historyLength":1.0})",
          R"("configuration":{"historyLength":2147483648})",
          R"("configuration":{"historyLength":18446744073709551615})", R"("configuration":{"acceptedOutputModes":[1]})",
          R"("configuration":{"acceptedOutputModes":"text"})", R"("configuration":{"acceptedOutputModes":[]})",
          R"("configuration":{"pushNotificationConfig":{"url":"http://127.0.0.1:1/x"}})",
          R"("configuration":{"history_length":1})", R"("configuration":{})",
          R"("configuration":{"blocking":true},"metadata":{})", R"("configuration":{"blocking":true},"x":1)"}},
    };
    for (const auto& [from, tos] : mutations)
        for (const auto& to : tos) bodies.push_back(replace(kCommon, from, to));
    // Broken and hostile text.
    bodies.push_back(kCommon + "x");
    bodies.push_back(kCommon + kCommon);
    bodies.push_back(kCommon.substr(0, kCommon.size() - 1));
    bodies.push_back("\xEF\xBB\xBF" + kCommon);
    bodies.push_back(replace(kCommon, "load test", "load \xff test"));
    bodies.push_back(replace(kCommon, "load test", "load \xc3 test"));
    bodies.push_back(replace(kCommon, "load test", "load \x01 test"));
    bodies.push_back(replace(kCommon, "load test", R"(load \ud800 test)"));
    bodies.push_back(replace(kCommon, "load test", R"(load \x test)"));
    bodies.push_back(R"([)" + kCommon + "]");
    bodies.push_back("");
    bodies.push_back("null");
    bodies.push_back(R"({"jsonrpc":"2.0","id":1,"method":"message/send"})");
    bodies.push_back(R"({"jsonrpc":"2.0","id":1,"method":"message/send","params":null})");
    bodies.push_back(R"({"jsonrpc":"2.0","id":1,"method":"message/send","params":{}})");
    bodies.push_back(R"({"jsonrpc":"2.0","id":1,"method":"message/send","params":{"message":null}})");
    bodies.push_back(R"({"jsonrpc":"2.0","id":1,"method":"message/send","params":{"message":{"role":"user"}}})");
    bodies.push_back(R"({"jsonrpc":"2.0","id":1,"params":{"message":{"role":"user","parts":[{"text":"a"}]}}})");
    bodies.push_back(R"({"id":1,"method":"message/send","params":{"message":{"role":"user","parts":[{"text":"a"}]}}})");
    bodies.push_back(replace(kCommon, R"("text":"load test message 1")",
                             R"("text":"a","text2":)" + std::string(70, '[') + std::string(70, ']')));
    for (const auto& body : bodies) expect_agrees(body);
}

TEST(SendRequest, HonoursTheLimitsItIsGiven) {
    Limits limits;
    limits.max_parts = 2;
    limits.max_id_length = 8;
    const std::string two =
        R"({"jsonrpc":"2.0","id":"12345678","method":"message/send","params":{"message":{"role":"user",)"
        R"("parts":[{"text":"a"},{"text":"b"}],"messageId":"abcdefgh"}}})";
    expect_read(two, limits);
    const std::string three = R"({"jsonrpc":"2.0","id":1,"method":"message/send","params":{"message":{"role":"user",)"
                              R"("parts":[{"text":"a"},{"text":"b"},{"text":"c"}]}}})";
    EXPECT_FALSE(parse_send_request(three, kDepth, limits));
    EXPECT_NE(general(three, limits).find("at most 2 parts"), std::string::npos);
    const std::string long_id =
        R"({"jsonrpc":"2.0","id":"123456789","method":"message/send","params":{"message":{"role":"user",)"
        R"("parts":[{"text":"a"}]}}})";
    EXPECT_FALSE(parse_send_request(long_id, kDepth, limits));
    EXPECT_EQ(general(long_id, limits), "error -32600");
    // Nesting past the configured depth is left to the general path, which names the limit.
    EXPECT_FALSE(parse_send_request(kCommon, 4));
    auto parsed = parse_request(kCommon, 4);
    ASSERT_TRUE(std::holds_alternative<RpcError>(parsed));
    EXPECT_EQ(std::get<RpcError>(parsed).code, -32700);
    EXPECT_TRUE(parse_send_request(kCommon, 5));
}

}  // namespace
}  // namespace hector::a2a
