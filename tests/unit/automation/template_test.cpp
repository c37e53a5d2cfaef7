#include "hector/automation/template.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "hector/common/json.hpp"

namespace hector::automation {
namespace {

namespace json = boost::json;

const json::value kData = json::parse(R"({
  "body": {"action": "opened", "n": 3, "zero": 0, "flag": true, "off": false, "pi": 1.5, "empty": "",
           "list": ["a", "b", "c"], "nums": [1, 2], "obj": {"b": 2, "a": 1}, "none": null,
           "issue": {"title": "Bug", "labels": [{"name": "x"}, {"name": "y"}]},
           "nested": [[1, 2], [3]], "quote": "say \"hi\""},
  "headers": {"x-github-event": "issues", "content-type": "application/json"},
  "query": {"q": "1"},
  "fields": {"who": "octo"}
})");

std::string render(std::string_view source, const json::value& data = kData) {
    auto t = Template::parse(source);
    EXPECT_TRUE(t) << source << ": " << (t ? "" : t.error().message);
    if (!t) return "<parse error>";
    RenderOptions options;
    if (const auto* h = data.is_object() ? data.as_object().if_contains("headers") : nullptr)
        options.case_insensitive = &h->as_object();
    options.now = *parse_rfc3339("2025-01-20T10:00:00Z");
    auto out = t->render(data, options);
    EXPECT_TRUE(out) << source << ": " << (out ? "" : out.error().message);
    return out ? *out : "<render error>";
}

std::string parse_error(std::string_view source, TemplateLimits limits = {}) {
    auto t = Template::parse(source, limits);
    if (t) return "<parsed>";
    EXPECT_EQ(t.error().code, Errc::invalid_argument);
    return t.error().message;
}

std::string render_error(std::string_view source, const json::value& data = kData, TemplateLimits limits = {}) {
    auto t = Template::parse(source, limits);
    EXPECT_TRUE(t) << (t ? "" : t.error().message);
    if (!t) return "<parse error>";
    auto out = t->render(data);
    if (out) return "<rendered " + *out + ">";
    EXPECT_EQ(out.error().code, Errc::invalid_argument);
    return out.error().message;
}

struct Case {
    std::string_view source;
    std::string_view expected;
};

class Renders : public ::testing::TestWithParam<Case> {};

TEST_P(Renders, AsExpected) {
    EXPECT_EQ(render(GetParam().source), GetParam().expected) << GetParam().source;
}

INSTANTIATE_TEST_SUITE_P(
    Fields, Renders,
    ::testing::Values(Case{"plain text", "plain text"}, Case{"{{.body.action}}", "opened"},
                      Case{"{{ .body.issue.title }}", "Bug"}, Case{"{{.body.n}}", "3"}, Case{"{{.body.pi}}", "1.5"},
                      Case{"{{.body.flag}}", "true"}, Case{"{{.body.none}}", ""}, Case{"[{{.body.missing}}]", "[]"},
                      Case{"[{{.body.missing.deeper.still}}]", "[]"}, Case{"[{{.body.action.length}}]", "[]"},
                      Case{"{{.body.list}}", R"(["a","b","c"])"}, Case{"{{.body.obj}}", R"({"b":2,"a":1})"},
                      Case{"{{.fields.who}}", "octo"}, Case{"{{.query.q}}", "1"}, Case{"{{$.body.action}}", "opened"},
                      Case{"{{.body.quote}}", "say \"hi\""}));

INSTANTIATE_TEST_SUITE_P(Headers, Renders,
                         ::testing::Values(Case{"{{.headers.X-GitHub-Event}}", "issues"},
                                           Case{"{{.headers.x-github-event}}", "issues"},
                                           Case{"{{.headers.CONTENT-TYPE}}", "application/json"},
                                           Case{R"({{index .headers "X-Github-Event"}})", "issues"},
                                           // Only the headers object ignores case.
                                           Case{"[{{.body.ACTION}}]", "[]"}));

INSTANTIATE_TEST_SUITE_P(
    Conditionals, Renders,
    ::testing::Values(Case{"{{if .body.flag}}yes{{end}}", "yes"}, Case{"{{if .body.off}}yes{{else}}no{{end}}", "no"},
                      Case{"{{if .body.zero}}y{{else}}n{{end}}", "n"}, Case{"{{if .body.empty}}y{{else}}n{{end}}", "n"},
                      Case{"{{if .body.missing}}y{{else}}n{{end}}", "n"}, Case{"{{if .body.list}}y{{end}}", "y"},
                      Case{"{{if .body.obj}}y{{end}}", "y"},
                      Case{R"({{if eq .body.action "closed"}}c{{else if eq .body.action "opened"}}o{{else}}?{{end}})",
                           "o"},
                      Case{R"({{if eq .body.action "x"}}1{{else if eq .body.n 4}}2{{else}}3{{end}})", "3"},
                      Case{"{{if .body.flag}}{{if .body.off}}a{{else}}b{{end}}{{end}}", "b"}));

INSTANTIATE_TEST_SUITE_P(
    Ranges, Renders,
    ::testing::Values(Case{"{{range .body.list}}{{.}},{{end}}", "a,b,c,"},
                      Case{"{{range $i, $v := .body.list}}{{$i}}={{$v}} {{end}}", "0=a 1=b 2=c "},
                      Case{"{{range $v := .body.list}}{{$v}}{{end}}", "abc"},
                      Case{"{{range $k, $v := .body.obj}}{{$k}}:{{$v}};{{end}}", "a:1;b:2;"},
                      Case{"{{range .body.obj}}{{.}}{{end}}", "12"},
                      Case{"{{range .body.issue.labels}}{{.name}}/{{$.body.action}} {{end}}", "x/opened y/opened "},
                      Case{"{{range .body.nested}}[{{range .}}{{.}}{{end}}]{{end}}", "[12][3]"},
                      Case{"{{range .body.missing}}x{{else}}none{{end}}", "none"},
                      Case{"{{range .body.empty_list}}x{{else}}none{{end}}", "none"},
                      Case{"{{range .body.list}}{{if eq . \"b\"}}B{{else}}{{.}}{{end}}{{end}}", "aBc"}));

INSTANTIATE_TEST_SUITE_P(
    Functions, Renders,
    ::testing::Values(
        Case{R"({{eq .body.action "opened"}})", "true"}, Case{R"({{eq .body.action "x" "opened"}})", "true"},
        Case{R"({{eq .body.action "x" "y"}})", "false"}, Case{"{{eq .body.n 3}}", "true"},
        Case{"{{eq .body.n 3.0}}", "true"}, Case{R"({{eq .body.n "3"}})", "false"},
        Case{"{{eq .body.missing nil}}", "true"}, Case{R"({{ne .body.action "x"}})", "true"},
        Case{"{{ne .body.n 3}}", "false"}, Case{R"({{default "anon" .body.missing}})", "anon"},
        Case{R"({{default "anon" .body.empty}})", "anon"}, Case{R"({{default "anon" .fields.who}})", "octo"},
        Case{R"({{.body.missing | default "piped"}})", "piped"},
        Case{"{{toJson .body.issue}}", R"({"title":"Bug","labels":[{"name":"x"},{"name":"y"}]})"},
        Case{"{{toJson .body.quote}}", R"("say \"hi\"")"}, Case{"{{toJson .body.missing}}", "null"},
        Case{"{{.body.nums | toJson}}", "[1,2]"}, Case{"{{toJsonPretty .body.obj}}", "{\n  \"b\": 2,\n  \"a\": 1\n}"},
        Case{"{{index .body.list 1}}", "b"}, Case{R"({{index .body.issue "labels" 1 "name"}})", "y"},
        Case{"[{{index .body.list 7}}]", "[]"}, Case{"[{{index .body.list -1}}]", "[]"},
        Case{R"([{{index .body.obj "zz"}}])", "[]"}, Case{"[{{index .body.missing 0}}]", "[]"},
        Case{"{{index .body.nested 0 1}}", "2"}, Case{"{{now}}", "2025-01-20T10:00:00Z"},
        Case{R"({{if eq now "2025-01-20T10:00:00Z"}}same{{end}})", "same"}, Case{"{{not .body.flag}}", "false"},
        Case{"{{not .body.missing}}", "true"}, Case{"{{and .body.flag .body.n}}", "3"},
        Case{"{{and .body.flag .body.zero .body.n}}", "0"}, Case{R"({{or .body.missing "x"}})", "x"},
        Case{"{{or .body.action .body.n}}", "opened"}, Case{"{{len .body.list}}", "3"},
        Case{"{{len .body.action}}", "6"}, Case{"{{len .body.obj}}", "2"}, Case{"{{len .body.missing}}", "0"},
        Case{R"({{(index .body.issue "title")}})", "Bug"}, Case{R"({{eq (len .body.list) 3}})", "true"},
        Case{R"({{"a\tb\n\u00e9"}})", "a\tb\né"}, Case{"{{`raw \\n`}}", "raw \\n"},
        Case{"{{true}} {{false}} {{42}} {{-7}}", "true false 42 -7"}));

INSTANTIATE_TEST_SUITE_P(TrimAndComments, Renders,
                         ::testing::Values(Case{"a  {{- .body.n -}}  b", "a3b"}, Case{"a \n {{- .body.n}} b", "a3 b"},
                                           Case{"a {{.body.n -}} \n\t b", "a 3b"},
                                           Case{"{{range .body.list -}}\n  {{.}}\n{{- end}}", "abc"},
                                           Case{"x{{/* a comment with }} inside */}}y", "xy"},
                                           Case{"x {{- /* c */ -}} y", "xy"}, Case{"{{-3}}", "-3"}));

TEST(Template, ParseErrorsNameTheLine) {
    EXPECT_EQ(parse_error("ok\n{{.a"), "line 2: unclosed action");
    EXPECT_EQ(parse_error("{{if .a}}x"), "line 1: unexpected end of template in {{if}}");
    EXPECT_EQ(parse_error("{{end}}"), "line 1: unexpected {{end}}");
    EXPECT_EQ(parse_error("{{else}}"), "line 1: unexpected {{else}}");
    EXPECT_EQ(parse_error("{{nosuch .a}}"), "line 1: function \"nosuch\" not defined");
    EXPECT_EQ(parse_error("{{eq .a}}"), "line 1: wrong number of arguments for eq: 1");
    EXPECT_EQ(parse_error("{{ne .a .b .c}}"), "line 1: wrong number of arguments for ne: 3");
    EXPECT_EQ(parse_error("{{.a | .b}}"), "line 1: a pipeline can only continue into a function");
    EXPECT_EQ(parse_error("{{.a .b}}"), "line 1: can't give an argument to a non-function");
    EXPECT_EQ(parse_error("{{$x}}"), "line 1: undefined variable $x");
    EXPECT_EQ(parse_error("{{range $v := .a}}{{end}}{{$v}}"), "line 1: undefined variable $v");
    EXPECT_EQ(parse_error("{{\"abc}}"), "line 1: unterminated string");
    EXPECT_EQ(parse_error("{{\"\\q\"}}"), "line 1: unknown escape \\q in string");
    EXPECT_EQ(parse_error("{{(eq .a .b}}"), "line 1: unclosed (");
    EXPECT_EQ(parse_error("{{with .a}}{{end}}"), "line 1: {{with}} is not supported");
    EXPECT_EQ(parse_error("{{range .a}}{{else if .b}}{{end}}"), "line 1: unexpected words after else");
    EXPECT_EQ(parse_error("{{/* open"), "line 1: unclosed comment");
    EXPECT_EQ(parse_error("{{}}"), "line 1: missing value in pipeline");
    EXPECT_EQ(parse_error("{{ # }}"), "line 1: unexpected \"#\" in action");
}

TEST(Template, MissingFieldsRenderEmptyNotNoValue) {
    EXPECT_EQ(render("{{.nothing}}{{.body.nothing.at.all}}{{$.x}}", json::value(nullptr)), "");
    EXPECT_EQ(render("{{.}}", json::value("scalar")), "scalar");
}

TEST(Template, RuntimeErrorsAreInvalidArgumentWithTheLine) {
    EXPECT_EQ(render_error("\n{{range .body.action}}x{{end}}"), "line 2: range can't iterate over \"opened\"");
    EXPECT_EQ(render_error("{{range .body.n}}x{{end}}"), "line 1: range can't iterate over 3");
    EXPECT_EQ(render_error(R"({{index .body.list "a"}})"), "line 1: index of an array with \"a\"");
    EXPECT_EQ(render_error("{{index .body.obj 1}}"), "line 1: index of an object with 1");
    EXPECT_EQ(render_error("{{index .body.n 1}}"), "line 1: can't index 3");
    EXPECT_EQ(render_error("{{len .body.n}}"), "line 1: len of 3");
}

TEST(Template, DeepNestingIsRefusedAtParse) {
    std::string deep;
    for (int i = 0; i < 40; ++i) deep += "{{if .a}}";
    for (int i = 0; i < 40; ++i) deep += "{{end}}";
    EXPECT_EQ(parse_error(deep), "line 1: nesting too deep");
    std::string parens = "{{" + std::string(40, '(') + ".a" + std::string(40, ')') + "}}";
    EXPECT_EQ(parse_error(parens), "line 1: nesting too deep");
    std::string chain = "{{if .a}}";
    for (int i = 0; i < 40; ++i) chain += "{{else if .a}}";
    chain += "{{end}}";
    EXPECT_EQ(parse_error(chain), "line 1: nesting too deep");
    // Within the bound it works.
    std::string ok;
    for (int i = 0; i < 20; ++i) ok += "{{if .body.flag}}";
    ok += "deep";
    for (int i = 0; i < 20; ++i) ok += "{{end}}";
    EXPECT_EQ(render(ok), "deep");
}

TEST(Template, SourceSizeIsBounded) {
    TemplateLimits limits;
    limits.max_source_bytes = 100;
    EXPECT_EQ(parse_error(std::string(101, 'x'), limits), "template is 101 bytes, more than the limit of 100");
}

TEST(Template, RangeOverAMillionItemsStopsAtTheIterationBound) {
    json::array items;
    items.resize(1'000'000, json::value(1));
    json::value data{{"items", std::move(items)}};
    EXPECT_EQ(render_error("{{range .items}}{{end}}", data), "line 1: range ran more than 100000 iterations");
    // Nested loops share one budget.
    json::array row;
    row.resize(1000, json::value(1));
    json::array rows;
    rows.resize(1000, json::value(row));
    json::value grid{{"rows", std::move(rows)}};
    EXPECT_EQ(render_error("{{range .rows}}{{range .}}{{end}}{{end}}", grid),
              "line 1: range ran more than 100000 iterations");
}

TEST(Template, OutputAndWorkAreBounded) {
    TemplateLimits limits;
    limits.max_output_bytes = 1000;
    json::value big{{"s", std::string(600, 'x')}};
    EXPECT_EQ(render_error("{{.s}}{{.s}}", big, limits), "line 1: the output is larger than 1000 bytes");
    // Serialising a large body again and again without writing it is bounded too.
    TemplateLimits work;
    work.max_work_bytes = 100'000;
    json::value body{{"s", std::string(10'000, 'y')}, {"list", json::array(100, 1)}};
    EXPECT_EQ(render_error(R"({{range .list}}{{if eq (toJson $.s) "z"}}{{end}}{{end}})", body, work),
              "line 1: the template did more than 100000 bytes of work");
}

TEST(Template, AHugeBodyStopsAtTheDefaultOutputBound) {
    json::value big{{"s", std::string(5 * 1024 * 1024, 'x')}};
    EXPECT_EQ(render_error("{{toJson .s}}", big), "line 1: the output is larger than 1048576 bytes");
    EXPECT_EQ(render_error("{{.s}}", big), "line 1: the output is larger than 1048576 bytes");
    EXPECT_EQ(render("{{len .s}}", big), "5242880");
}

TEST(Template, RenderIsRepeatableAndCopiesShareTheCompiledForm) {
    auto t = Template::parse("{{.body.action}}");
    ASSERT_TRUE(t);
    Template copy = *t;
    EXPECT_EQ(*copy.render(kData), "opened");
    EXPECT_EQ(*t->render(kData), "opened");
}

TEST(Template, FieldPaths) {
    auto keys = parse_field_path(".body.sender.login");
    ASSERT_TRUE(keys);
    EXPECT_EQ(*keys, (std::vector<std::string>{"body", "sender", "login"}));
    EXPECT_TRUE(parse_field_path(".").ok());
    EXPECT_TRUE(parse_field_path(".headers.X-GitHub-Event").ok());
    EXPECT_FALSE(parse_field_path("body.a").ok());
    EXPECT_FALSE(parse_field_path(".body..a").ok());
    EXPECT_FALSE(parse_field_path(".body.a b").ok());
    EXPECT_FALSE(parse_field_path("").ok());

    RenderOptions options;
    options.case_insensitive = &kData.at("headers").as_object();
    EXPECT_EQ(lookup_path(kData, *parse_field_path(".body.issue.labels"), options),
              kData.at("body").at("issue").at("labels"));
    EXPECT_EQ(lookup_path(kData, *parse_field_path(".headers.X-GitHub-Event"), options), json::value("issues"));
    EXPECT_TRUE(lookup_path(kData, *parse_field_path(".body.nope.x"), options).is_null());
}

}  // namespace
}  // namespace hector::automation
