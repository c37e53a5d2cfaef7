// web_search: Tavily search (POST https://api.tavily.com/search). The key comes from TAVILY_API_KEY at call time;
// `tools.<id>.url` replaces the endpoint and `tools.<id>.headers` are added to the request.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "hector/common/json.hpp"
#include "hector/net/http_client.hpp"
#include "hector/tools/builtin/builtins.hpp"
#include "hector/tools/detail/args.hpp"
#include "hector/tools/detail/builtin_tool.hpp"
#include "hector/tools/detail/text.hpp"
#include "hector/tools/detail/web.hpp"

namespace hector::tools::builtin {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::string_view kDefaultEndpoint = "https://api.tavily.com/search";
constexpr std::string_view kKeyVariable = "TAVILY_API_KEY";
constexpr std::int64_t kDefaultResults = 5;
constexpr std::int64_t kMaxResults = 20;
constexpr std::size_t kMaxSnippetBytes = 4000;

constexpr std::string_view kDescription =
    "Search the web (Tavily) and return {query, answer?, results: [{title, url, content}]}, the most relevant "
    "first. Use web_fetch to read a result in full.";

json::value schema() {
    return json::parse(R"({
  "type": "object",
  "properties": {
    "query": {"type": "string", "description": "What to search for (at most 400 characters)."},
    "max_results": {"type": "integer", "minimum": 1, "maximum": 20, "description": "How many results (default 5)."}
  },
  "required": ["query"]
})");
}

std::string string_field(const json::object& o, std::string_view key) {
    auto s = get_string(o, key);
    return s ? std::string(*s) : std::string();
}

/// The part of Tavily's answer the model needs.
Result<json::object> summarise(std::string_view body, const std::string& query, std::size_t max_output) {
    auto parsed = parse_json(body);
    if (!parsed || !parsed->is_object()) return Error{Errc::upstream_error, "Tavily's answer is not a JSON object"};
    const json::object& o = parsed->get_object();
    const json::array* results = get_array(o, "results");
    if (results == nullptr) return Error{Errc::upstream_error, "Tavily's answer has no \"results\" array"};
    json::array items;
    for (const auto& r : *results) {
        if (!r.is_object()) continue;
        json::object item;
        item["title"] = string_field(r.get_object(), "title");
        item["url"] = string_field(r.get_object(), "url");
        item["content"] =
            truncate_output(string_field(r.get_object(), "content"), std::min(kMaxSnippetBytes, max_output));
        items.push_back(std::move(item));
    }
    json::object out;
    out["query"] = query;
    if (auto answer = get_string(o, "answer"); answer && !answer->empty()) out["answer"] = *answer;
    out["results"] = std::move(items);
    return out;
}

class WebSearch final : public detail::BuiltinTool {
  public:
    explicit WebSearch(const config::ToolConfig& config)
        : BuiltinTool("web_search", std::string(kDescription), schema(), false, config),
          endpoint_(config.url.empty() ? std::string(kDefaultEndpoint) : config.url),
          timeout_(config.timeout) {
        for (const auto& [name, value] : config.headers) headers_.emplace_back(name, value);
    }

    asio::awaitable<ToolResult> call(const json::object& arguments, ToolContext& context) override {
        auto query = detail::required_string(arguments, "query");
        if (!query) co_return ToolResult::error(query.error().message);
        if (query->empty()) co_return ToolResult::error("argument \"query\" is empty");
        auto max_results = detail::optional_int(arguments, "max_results");
        if (!max_results) co_return ToolResult::error(max_results.error().message);
        const std::int64_t count = std::clamp<std::int64_t>(max_results->value_or(kDefaultResults), 1, kMaxResults);

        const char* key_env = std::getenv(std::string(kKeyVariable).c_str());
        const std::string key = key_env != nullptr ? key_env : "";
        if (key.empty())
            co_return ToolResult::error(fmt::format(
                "web_search is not configured: set the {} environment variable to a Tavily API key", kKeyVariable));
        if (context.http == nullptr) co_return ToolResult::error("web_search: no HTTP client is available here");

        net::HttpRequest request = make_request(key, *query, count);
        auto response = co_await context.http->request(std::move(request));
        if (!response) co_return ToolResult::error("web_search: " + response.error().message);
        if (response->status < 200 || response->status >= 300) {
            std::string excerpt = detail::to_valid_utf8(std::string_view(response->body).substr(0, 300));
            for (std::size_t at = excerpt.find(key); at != std::string::npos; at = excerpt.find(key))
                excerpt.replace(at, key.size(), "***");  // never echo the key
            co_return ToolResult::error(fmt::format("web_search: Tavily answered {}: {}", response->status, excerpt));
        }
        auto summary = summarise(response->body, *query, context.max_output_bytes);
        if (!summary) co_return ToolResult::error("web_search: " + summary.error().message);
        co_return ToolResult{truncate_output(json::serialize(*summary), context.max_output_bytes), false, {}};
    }

  private:
    net::HttpRequest make_request(const std::string& key, const std::string& query, std::int64_t count) const {
        json::object body;
        body["api_key"] = key;  // the older form of authentication, still accepted alongside the header
        body["query"] = query;
        body["max_results"] = count;
        net::HttpRequest request;
        request.method = "POST";
        request.url = endpoint_;
        request.headers.emplace_back("Content-Type", "application/json");
        request.headers.emplace_back("Authorization", "Bearer " + key);
        for (const auto& h : headers_) request.headers.push_back(h);
        request.body = json::serialize(body);
        request.timeout = timeout_;
        request.max_response_bytes = detail::kMaxWebResponseBytes;
        request.restrict_private = false;  // the endpoint comes from the config file (DECISIONS 28)
        return request;
    }

    std::string endpoint_;
    std::chrono::milliseconds timeout_;
    net::HeaderList headers_;
};

}  // namespace

Result<std::unique_ptr<Tool>> make_web_search(const config::ToolConfig& config) {
    if (!config.url.empty()) {
        if (auto ok = detail::check_web_url(config.url); !ok)
            return Error{Errc::invalid_argument, "web_search url: " + ok.error().message};
    }
    return std::unique_ptr<Tool>(std::make_unique<WebSearch>(config));
}

}  // namespace hector::tools::builtin
