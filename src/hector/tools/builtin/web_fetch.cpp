// web_fetch: GET a URL chosen by the model and return it as readable text (DECISIONS 28 applies).

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "hector/net/http_client.hpp"
#include "hector/tools/builtin/builtins.hpp"
#include "hector/tools/detail/args.hpp"
#include "hector/tools/detail/builtin_tool.hpp"
#include "hector/tools/detail/web.hpp"

namespace hector::tools::builtin {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::string_view kDescription =
    "Fetch a web page or document with GET and return {url, status, content}; HTML is converted to readable text "
    "(scripts and styles dropped). Redirects are followed. Only http and https; private, loopback and link-local "
    "addresses are refused. Responses over 5 MiB fail.";

json::value schema() {
    return json::parse(R"({
  "type": "object",
  "properties": {"url": {"type": "string", "description": "The http or https URL to fetch."}},
  "required": ["url"]
})");
}

class WebFetch final : public detail::BuiltinTool {
  public:
    explicit WebFetch(const config::ToolConfig& config)
        : BuiltinTool("web_fetch", std::string(kDescription), schema(), false, config), timeout_(config.timeout) {}

    asio::awaitable<ToolResult> call(const json::object& arguments, ToolContext& context) override {
        auto url = detail::required_string(arguments, "url");
        if (!url) co_return ToolResult::error(url.error().message);
        if (auto ok = detail::check_web_url(*url); !ok) co_return ToolResult::error("web_fetch: " + ok.error().message);
        if (context.http == nullptr) co_return ToolResult::error("web_fetch: no HTTP client is available here");
        net::HttpRequest request;
        request.url = *url;
        request.headers.emplace_back("Accept", "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.8");
        request.timeout = timeout_;
        request.max_response_bytes = detail::kMaxWebResponseBytes;
        request.restrict_private = !context.allow_private_networks;
        request.follow_redirects = true;
        auto response = co_await context.http->request(std::move(request));
        if (!response) co_return ToolResult::error("web_fetch: " + response.error().message);
        json::object body;
        body["url"] = *url;
        body["status"] = response->status;
        body["content"] = truncate_output(detail::body_as_text(response->header("Content-Type"), response->body),
                                          context.max_output_bytes);
        co_return ToolResult{json::serialize(body), response->status >= 400, {}};
    }

  private:
    std::chrono::milliseconds timeout_;
};

}  // namespace

Result<std::unique_ptr<Tool>> make_web_fetch(const config::ToolConfig& config) {
    return std::unique_ptr<Tool>(std::make_unique<WebFetch>(config));
}

}  // namespace hector::tools::builtin
