// Lenient input (DECISIONS 3, 7, 27; a2a-wire.md §8; server.md §5.2): each accepted form is read and written
// back in the exact spec form; each rejected form names the JSON path and what is wrong.
#include <gtest/gtest.h>

#include "hector/a2a/codec.hpp"
#include "unit/a2a/test_util.hpp"

namespace hector::a2a {
namespace {

using testing::FailsWith;
using testing::J;
using testing::SameJson;

struct Accepted {
    const char* name;
    const char* input;
    const char* output;  // to_json of what was read; without "messageId" when the reader must generate one
};

const Accepted kMessages[] = {
    {"canonical A2A message",
     R"({"kind":"message","messageId":"m1","role":"user","parts":[{"kind":"text","text":"hi"}]})",
     R"({"kind":"message","messageId":"m1","role":"user","parts":[{"kind":"text","type":"text","text":"hi"}]})"},
    {"part with type instead of kind", R"({"messageId":"m1","role":"user","parts":[{"type":"text","text":"hi"}]})",
     R"({"kind":"message","messageId":"m1","role":"user","parts":[{"kind":"text","type":"text","text":"hi"}]})"},
    {"part with neither kind nor type", R"({"messageId":"m1","role":"user","parts":[{"text":"hi"}]})",
     R"({"kind":"message","messageId":"m1","role":"user","parts":[{"kind":"text","type":"text","text":"hi"}]})"},
    {"api.md request without kind and messageId",
     R"({"role":"user","parts":[{"type":"text","text":"Hello, how can you help me?"}],"contextId":"session-123"})",
     R"({"kind":"message","role":"user","contextId":"session-123",
         "parts":[{"kind":"text","type":"text","text":"Hello, how can you help me?"}]})"},
    {"snake_case keys",
     R"({"message_id":"m1","role":"agent","context_id":"c1","task_id":"t1","reference_task_ids":["t0"],
         "parts":[{"text":"x"}]})",
     R"({"kind":"message","messageId":"m1","role":"agent","contextId":"c1","taskId":"t1","referenceTaskIds":["t0"],
         "parts":[{"kind":"text","type":"text","text":"x"}]})"},
    {"proto role names and content", R"({"messageId":"m1","role":"ROLE_AGENT","content":[{"text":"x"}]})",
     R"({"kind":"message","messageId":"m1","role":"agent","parts":[{"kind":"text","type":"text","text":"x"}]})"},
    {"ROLE_USER", R"({"messageId":"m1","role":"ROLE_USER","parts":[{"text":"x"}]})",
     R"({"kind":"message","messageId":"m1","role":"user","parts":[{"kind":"text","type":"text","text":"x"}]})"},
    {"null optionals are absent",
     R"({"messageId":null,"role":"user","contextId":null,"taskId":null,"metadata":null,"extensions":null,
         "parts":[{"kind":"text","text":"x","metadata":null}]})",
     R"({"kind":"message","role":"user","parts":[{"kind":"text","type":"text","text":"x"}]})"},
    {"metadata and extensions kept",
     R"({"messageId":"m1","role":"user","metadata":{"a":1},"extensions":["urn:x"],
         "parts":[{"kind":"text","text":"x","metadata":{"b":[1,2]}}]})",
     R"({"kind":"message","messageId":"m1","role":"user","metadata":{"a":1},"extensions":["urn:x"],
         "parts":[{"kind":"text","type":"text","text":"x","metadata":{"b":[1,2]}}]})"},
    {"duplicate keys: the last one wins, as Boost.JSON keeps it",
     R"({"messageId":"m1","role":"agent","role":"user","parts":[{"text":"a"}],"parts":[{"text":"b"}]})",
     R"({"kind":"message","messageId":"m1","role":"user","parts":[{"kind":"text","type":"text","text":"b"}]})"},
    {"empty metadata is left out", R"({"messageId":"m1","role":"user","metadata":{},"parts":[{"text":""}]})",
     R"({"kind":"message","messageId":"m1","role":"user","parts":[{"kind":"text","type":"text","text":""}]})"},
};

/// One part inside a message, read and written back.
const Accepted kParts[] = {
    {"A2A file with bytes", R"({"kind":"file","file":{"name":"a.txt","mimeType":"text/plain","bytes":"aGk="}})",
     R"({"kind":"file","type":"file","file":{"name":"a.txt","mimeType":"text/plain","bytes":"aGk="}})"},
    {"A2A file with uri and mime_type", R"({"kind":"file","file":{"mime_type":"image/png","uri":"https://x/a.png"}})",
     R"({"kind":"file","type":"file","file":{"mimeType":"image/png","uri":"https://x/a.png"}})"},
    {"A2A file with data in place of bytes (prose example 9.3)", R"({"kind":"file","file":{"data":"aGk"}})",
     R"({"kind":"file","type":"file","file":{"bytes":"aGk"}})"},
    {"file inferred from the file member", R"({"file":{"uri":"s3://b/k"}})",
     R"({"kind":"file","type":"file","file":{"uri":"s3://b/k"}})"},
    {"flat file form with url", R"({"type":"file","name":"a.png","mime_type":"image/png","url":"https://x/a.png"})",
     R"({"kind":"file","type":"file","file":{"name":"a.png","mimeType":"image/png","uri":"https://x/a.png"}})"},
    {"flat file form with base64 data, kind inferred", R"({"name":"a.bin","mimeType":"application/x","data":"AAEC"})",
     R"({"kind":"file","type":"file","file":{"name":"a.bin","mimeType":"application/x","bytes":"AAEC"}})"},
    {"flat file form with uri, kind inferred", R"({"uri":"https://x/y"})",
     R"({"kind":"file","type":"file","file":{"uri":"https://x/y"}})"},
    {"flat file form with bytes", R"({"kind":"file","bytes":"-_8="})",
     R"({"kind":"file","type":"file","file":{"bytes":"-_8="}})"},
    {"protobuf-JSON file names", R"({"file":{"fileWithUri":"https://x/f","mimeType":"text/plain"}})",
     R"({"kind":"file","type":"file","file":{"mimeType":"text/plain","uri":"https://x/f"}})"},
    {"data part", R"({"kind":"data","data":{"approved":true}})",
     R"({"kind":"data","type":"data","data":{"approved":true}})"},
    {"data part inferred", R"({"data":{"approved":false}})",
     R"({"kind":"data","type":"data","data":{"approved":false}})"},
    {"data part with type", R"({"type":"data","data":{}})", R"({"kind":"data","type":"data","data":{}})"},
    {"kind wins over type", R"({"kind":"text","type":"data","text":"x"})",
     R"({"kind":"text","type":"text","text":"x"})"},
    {"unicode text", R"({"text":"h\u00e9llo \ud83d\ude00"})", R"({"kind":"text","type":"text","text":"héllo 😀"})"},
};

json::value without_generated_id(json::value out, const char* want) {
    if (std::string_view(want).find("\"messageId\"") == std::string_view::npos && out.is_object()) {
        const auto* id = out.as_object().if_contains("messageId");
        EXPECT_TRUE(id && id->is_string() && id->as_string().size() == 36) << "expected a generated UUID";
        out.as_object().erase("messageId");
    }
    return out;
}

TEST(CodecInput, AcceptedMessageForms) {
    for (const auto& c : kMessages) {
        SCOPED_TRACE(c.name);
        auto m = parse_message(J(c.input), Limits{}, "params.message");
        ASSERT_TRUE(m.ok()) << m.error().message;
        EXPECT_TRUE(SameJson(without_generated_id(to_json(*m), c.output), c.output));
    }
}

TEST(CodecInput, AcceptedPartForms) {
    for (const auto& c : kParts) {
        SCOPED_TRACE(c.name);
        auto p = parse_part(J(c.input), "parts[0]");
        ASSERT_TRUE(p.ok()) << p.error().message;
        EXPECT_TRUE(SameJson(to_json(*p), c.output));
    }
}

TEST(CodecInput, GeneratedMessageIdsDiffer) {
    const auto in = J(R"({"role":"user","parts":[{"text":"x"}]})");
    auto a = parse_message(in, Limits{}, "m");
    auto b = parse_message(in, Limits{}, "m");
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_NE(a->message_id, b->message_id);
}

struct Rejected {
    const char* input;  // a message, read at path "params.message"
    const char* error;  // fragment of the error message
};

const Rejected kBadMessages[] = {
    // The TCK sends a bare {"kind":"message"} and expects -32602.
    {R"({"kind":"message"})", "params.message.role: required"},
    {R"({"parts":[{"text":"x"}]})", "params.message.role: required"},
    {R"({"role":"system","parts":[{"text":"x"}]})", R"(params.message.role: must be "user" or "agent")"},
    {R"({"role":5,"parts":[{"text":"x"}]})", "params.message.role: must be a string"},
    {R"({"role":null,"parts":[{"text":"x"}]})", "params.message.role: required"},
    {R"({"role":"user"})", "params.message.parts: required"},
    {R"({"role":"user","parts":[]})", "params.message.parts: must not be empty"},
    {R"({"role":"user","parts":"hi"})", "params.message.parts: must be an array"},
    {R"({"role":"user","parts":{"text":"x"}})", "params.message.parts: must be an array"},
    {R"({"role":"user","parts":[5]})", "params.message.parts[0]: must be an object"},
    {R"({"role":"user","parts":[null]})", "params.message.parts[0]: required"},
    {R"({"role":"user","parts":[{"kind":"image","text":"x"}]})",
     R"(params.message.parts[0].kind: must be "text", "file" or "data")"},
    {R"({"role":"user","parts":[{"type":"image"}]})", "params.message.parts[0].type: must be"},
    {R"({"role":"user","parts":[{"kind":7}]})", "params.message.parts[0].kind: must be a string"},
    {R"({"role":"user","parts":[{"foo":1}]})", "params.message.parts[0]: cannot tell the part kind"},
    {R"({"role":"user","parts":[{}]})", "params.message.parts[0]: cannot tell the part kind"},
    {R"({"role":"user","parts":[{"kind":"text","text":5}]})", "params.message.parts[0].text: must be a string"},
    {R"({"role":"user","parts":[{"kind":"text"}]})", "params.message.parts[0].text: required"},
    {R"({"role":"user","parts":[{"text":"a"},{"text":"b"},{"kind":"file","file":{"bytes":"aGk=","uri":"http://x"}}]})",
     "params.message.parts[2].file: exactly one of bytes or uri"},
    {R"({"role":"user","parts":[{"kind":"file","file":{"name":"x"}}]})",
     "params.message.parts[0].file: exactly one of bytes or uri"},
    {R"({"role":"user","parts":[{"kind":"file","file":{"bytes":null,"uri":null}}]})",
     "params.message.parts[0].file: exactly one of bytes or uri"},
    {R"({"role":"user","parts":[{"kind":"file","url":"http://x","data":"aGk="}]})",
     "params.message.parts[0]: exactly one of bytes or uri"},
    {R"({"role":"user","parts":[{"kind":"file","file":{"bytes":"***"}}]})",
     "params.message.parts[0].file.bytes: must be base64"},
    {R"({"role":"user","parts":[{"kind":"file","file":{"bytes":"a"}}]})",
     "params.message.parts[0].file.bytes: must be base64"},
    {R"({"role":"user","parts":[{"kind":"file","file":{"data":"aGk=="}}]})",
     "params.message.parts[0].file.data: must be base64"},
    {R"({"role":"user","parts":[{"kind":"file","file":{"bytes":5}}]})",
     "params.message.parts[0].file.bytes: must be a string"},
    {R"({"role":"user","parts":[{"kind":"file","file":{"uri":""}}]})",
     "params.message.parts[0].file.uri: must not be empty"},
    {R"({"role":"user","parts":[{"kind":"file","file":"x"}]})", "params.message.parts[0].file: must be an object"},
    {R"({"role":"user","parts":[{"kind":"file","file":{"uri":"x","name":1}}]})",
     "params.message.parts[0].file.name: must be a string"},
    {R"({"role":"user","parts":[{"kind":"file","file":{"uri":"x","mime_type":[]}}]})",
     "params.message.parts[0].file.mime_type: must be a string"},
    {R"({"role":"user","parts":[{"kind":"data","data":[1]}]})", "params.message.parts[0].data: must be an object"},
    {R"({"role":"user","parts":[{"kind":"data"}]})", "params.message.parts[0].data: required"},
    {R"({"role":"user","parts":[{"kind":"data","data":"x"}]})", "params.message.parts[0].data: must be an object"},
    {R"({"role":"user","parts":[{"text":"x","metadata":"m"}]})", "params.message.parts[0].metadata: must be an object"},
    {R"({"kind":"task","role":"user","parts":[{"text":"x"}]})", R"(params.message.kind: must be "message")"},
    {R"({"kind":5,"role":"user","parts":[{"text":"x"}]})", R"(params.message.kind: must be "message")"},
    {R"({"messageId":5,"role":"user","parts":[{"text":"x"}]})", "params.message.messageId: must be a string"},
    {R"({"messageId":"","role":"user","parts":[{"text":"x"}]})",
     "params.message.messageId: must be 1 to 256 printable ASCII characters"},
    {R"({"message_id":"a\u0001b","role":"user","parts":[{"text":"x"}]})",
     "params.message.message_id: must be 1 to 256 printable ASCII characters"},
    {R"({"messageId":"caf\u00e9","role":"user","parts":[{"text":"x"}]})",
     "params.message.messageId: must be 1 to 256 printable ASCII characters"},
    {R"({"contextId":{},"role":"user","parts":[{"text":"x"}]})", "params.message.contextId: must be a string"},
    {R"({"taskId":["t"],"role":"user","parts":[{"text":"x"}]})", "params.message.taskId: must be a string"},
    {R"({"task_id":true,"role":"user","parts":[{"text":"x"}]})", "params.message.task_id: must be a string"},
    {R"({"referenceTaskIds":"t","role":"user","parts":[{"text":"x"}]})",
     "params.message.referenceTaskIds: must be an array of strings"},
    {R"({"referenceTaskIds":["t",1],"role":"user","parts":[{"text":"x"}]})",
     "params.message.referenceTaskIds[1]: must be a string"},
    {R"({"extensions":[1],"role":"user","parts":[{"text":"x"}]})", "params.message.extensions[0]: must be a string"},
    {R"({"metadata":[],"role":"user","parts":[{"text":"x"}]})", "params.message.metadata: must be an object"},
    {R"("hello")", "params.message: must be an object"},
    {R"([])", "params.message: must be an object"},
    {R"(null)", "params.message: required"},
};

TEST(CodecInput, RejectedMessages) {
    for (const auto& c : kBadMessages) {
        SCOPED_TRACE(c.input);
        EXPECT_TRUE(FailsWith(parse_message(J(c.input), Limits{}, "params.message"), Errc::invalid_argument, c.error));
    }
}

std::string message_with_id(std::string_view key, const std::string& id) {
    return R"({"role":"user","parts":[{"text":"x"}],")" + std::string(key) + R"(":")" + id + R"("})";
}

TEST(CodecInput, IdsAreAtMostTheLimit) {
    for (const char* key : {"messageId", "contextId", "taskId", "context_id"}) {
        SCOPED_TRACE(key);
        EXPECT_TRUE(parse_message(J(message_with_id(key, std::string(256, 'a'))), Limits{}, "m").ok());
        EXPECT_TRUE(FailsWith(parse_message(J(message_with_id(key, std::string(257, 'a'))), Limits{}, "m"),
                              Errc::invalid_argument, "m." + std::string(key) + ": must be 1 to 256 printable"));
        EXPECT_TRUE(FailsWith(parse_message(J(message_with_id(key, std::string(300, 'a'))), Limits{}, "m"),
                              Errc::invalid_argument, "printable ASCII"));
    }
    Limits tight{.max_id_length = 8, .max_parts = 2};
    EXPECT_TRUE(FailsWith(parse_message(J(message_with_id("taskId", "123456789")), tight, "m"), Errc::invalid_argument,
                          "m.taskId: must be 1 to 8 printable ASCII characters"));
}

std::string message_with_parts(std::size_t n) {
    std::string s = R"({"role":"user","parts":[)";
    for (std::size_t i = 0; i < n; ++i) s += (i ? R"(,{"text":"p"})" : R"({"text":"p"})");
    return s + "]}";
}

TEST(CodecInput, AtMostMaxPartsParts) {
    auto ok = parse_message(J(message_with_parts(100)), Limits{}, "params.message");
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->parts.size(), 100u);
    EXPECT_TRUE(FailsWith(parse_message(J(message_with_parts(101)), Limits{}, "params.message"), Errc::invalid_argument,
                          "params.message.parts: at most 100 parts are allowed"));
    EXPECT_TRUE(FailsWith(parse_message(J(message_with_parts(3)), Limits{.max_parts = 2}, "params.message"),
                          Errc::invalid_argument, "at most 2 parts"));
}

TEST(CodecInput, StringsBuiltInCodeMustBeValidUtf8) {
    // Boost.JSON refuses invalid UTF-8 while parsing, but a value built in code can still hold it.
    json::object part{{"kind", "text"}, {"text", json::string("bad \xff\xfe")}};
    EXPECT_TRUE(FailsWith(parse_part(part, "parts[0]"), Errc::invalid_argument, "parts[0].text: must be valid UTF-8"));
}

const Accepted kPushConfigs[] = {
    {"api.md bearer form",
     R"({"url":"https://example.com/webhook","authentication":{"type":"bearer","token":"secret-token"}})",
     R"({"url":"https://example.com/webhook","authentication":{"schemes":["Bearer"],"credentials":"secret-token"}})"},
    {"spec form", R"({"id":"c1","url":"http://h:8080/p?q=1","token":"tok","authentication":{"schemes":["Bearer"]}})",
     R"({"id":"c1","url":"http://h:8080/p?q=1","token":"tok","authentication":{"schemes":["Bearer"]}})"},
    {"spec form with credentials",
     R"({"url":"https://h/","authentication":{"schemes":["Bearer","Basic"],"credentials":"c"}})",
     R"({"url":"https://h/","authentication":{"schemes":["Bearer","Basic"],"credentials":"c"}})"},
    {"type is capitalised", R"({"url":"https://h","authentication":{"type":"BASIC"}})",
     R"({"url":"https://h","authentication":{"schemes":["Basic"]}})"},
    {"ipv6 host and upper-case scheme", R"({"url":"HTTPS://[::1]:8443/hook"})", R"({"url":"HTTPS://[::1]:8443/hook"})"},
    {"userinfo", R"({"url":"http://user:pw@h.example:80/x#f"})", R"({"url":"http://user:pw@h.example:80/x#f"})"},
    {"null members are absent", R"({"url":"http://h","id":null,"token":null,"authentication":null})",
     R"({"url":"http://h"})"},
};

TEST(CodecInput, AcceptedPushConfigs) {
    for (const auto& c : kPushConfigs) {
        SCOPED_TRACE(c.name);
        auto p = parse_push_config(J(c.input), Limits{}, "params.pushNotificationConfig");
        ASSERT_TRUE(p.ok()) << p.error().message;
        EXPECT_TRUE(SameJson(to_json(*p), c.output));
    }
}

const Rejected kBadPushConfigs[] = {
    {R"({})", "cfg.url: required"},
    {R"({"url":5})", "cfg.url: must be a string"},
    {R"({"url":"ftp://example.com/x"})", "cfg.url: must be an absolute http(s) URL"},
    {R"({"url":"/relative/path"})", "cfg.url: must be an absolute http(s) URL"},
    {R"({"url":"https://"})", "cfg.url: must be an absolute http(s) URL"},
    {R"({"url":"https:///path"})", "cfg.url: must be an absolute http(s) URL"},
    {R"({"url":"http://exa mple.com/"})", "cfg.url: must be an absolute http(s) URL"},
    {R"({"url":"http://h:99999/"})", "cfg.url: must be an absolute http(s) URL"},
    {R"({"url":"http://h:/"})", "cfg.url: must be an absolute http(s) URL"},
    {R"({"url":"http://[::1/"})", "cfg.url: must be an absolute http(s) URL"},
    {R"({"url":"http://h\n.example/"})", "cfg.url: must be an absolute http(s) URL"},
    {R"({"url":"javascript:void"})", "cfg.url: must be an absolute http(s) URL"},
    {R"({"url":"http://h","id":7})", "cfg.id: must be a string"},
    {R"({"url":"http://h","token":"a\r\nX-Evil: 1"})", "cfg.token: must be 1 to 4096 printable ASCII characters"},
    {R"({"url":"http://h","authentication":"bearer"})", "cfg.authentication: must be an object"},
    {R"({"url":"http://h","authentication":{}})", "cfg.authentication.schemes: required"},
    {R"({"url":"http://h","authentication":{"type":""}})", "cfg.authentication.type: must not be empty"},
    {R"({"url":"http://h","authentication":{"schemes":"Bearer"}})",
     "cfg.authentication.schemes: must be an array of strings"},
    {R"({"url":"http://h","authentication":{"type":"bearer","token":"a\nb"}})",
     "cfg.authentication.token: must be 1 to 4096 printable ASCII characters"},
    {R"({"url":"http://h","authentication":{"schemes":["Bearer"],"credentials":5}})",
     "cfg.authentication.credentials: must be a string"},
    {R"([])", "cfg: must be an object"},
};

TEST(CodecInput, RejectedPushConfigs) {
    for (const auto& c : kBadPushConfigs) {
        SCOPED_TRACE(c.input);
        EXPECT_TRUE(FailsWith(parse_push_config(J(c.input), Limits{}, "cfg"), Errc::invalid_argument, c.error));
    }
    auto long_id = J(R"({"url":"http://h","id":")" + std::string(300, 'i') + R"("})");
    EXPECT_TRUE(FailsWith(parse_push_config(long_id, Limits{}, "cfg"), Errc::invalid_argument, "cfg.id: must be 1 to"));
}

}  // namespace
}  // namespace hector::a2a
