// web_request: an HTTP request with a method, headers and body chosen by the model (DECISIONS 28 applies).

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

#include "hector/common/strings.hpp"
#include "hector/net/http_client.hpp"
#include "hector/tools/builtin/builtins.hpp"
#include "hector/tools/detail/args.hpp"
#include "hector/tools/detail/builtin_tool.hpp"
#include "hector/tools/detail/web.hpp"

namespace hector::tools::builtin {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::string_view kMethods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};

constexpr std::string_view kDescription =
    "Send an HTTP request and return {status, headers, body}. `method` is GET (default), HEAD, POST, PUT, PATCH, "
    "DELETE or OPTIONS; `headers` an object of strings; `body` a string, or JSON (sent as application/json). "
    "Redirects are not followed. Only http and https; private, loopback and link-local addresses are refused. "
    "Responses over 5 MiB fail.";

json::value schema() {
    return json::parse(R"({
  "type": "object",
  "properties": {
    "method": {"type": "string", "enum": ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]},
    "url": {"type": "string", "description": "The http or https URL."},
    "headers": {"type": "object", "additionalProperties": {"type": "string"}},
    "body": {"description": "The request body: a string, or a JSON value sent as application/json."}
  },
  "required": ["url"]
})");
}

bool valid_header_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) ||
               std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    });
}

class WebRequest final : public detail::BuiltinTool {
  public:
    explicit WebRequest(const config::ToolConfig& config)
        : BuiltinTool("web_request", std::string(kDescription), schema(), true, config), timeout_(config.timeout) {}

    asio::awaitable<ToolResult> call(const json::object& arguments, ToolContext& context) override {
        auto request = build(arguments);
        if (!request) co_return ToolResult::error("web_request: " + request.error().message);
        if (context.http == nullptr) co_return ToolResult::error("web_request: no HTTP client is available here");
        request->restrict_private = !context.allow_private_networks;
        auto response = co_await context.http->request(std::move(*request));
        if (!response) co_return ToolResult::error("web_request: " + response.error().message);
        json::object headers;
        for (const auto& [name, value] : response->headers) {
            const std::string key = to_lower(name);
            if (auto* existing = headers.if_contains(key))
                *existing = std::string(existing->get_string()) + ", " + value;
            else
                headers[key] = value;
        }
        json::object body;
        body["status"] = response->status;
        body["headers"] = std::move(headers);
        body["body"] = truncate_output(detail::body_as_text(response->header("Content-Type"), response->body),
                                       context.max_output_bytes);
        co_return ToolResult{json::serialize(body), response->status >= 400, {}};
    }

  private:
    Result<net::HttpRequest> build(const json::object& args) const {
        auto url = detail::required_string(args, "url");
        if (!url) return std::move(url).error();
        if (auto ok = detail::check_web_url(*url); !ok) return std::move(ok).error();
        auto method = detail::optional_string(args, "method");
        if (!method) return std::move(method).error();
        net::HttpRequest request;
        request.method = method->has_value() ? to_upper_ascii(**method) : std::string("GET");
        if (std::find(std::begin(kMethods), std::end(kMethods), request.method) == std::end(kMethods))
            return Error{Errc::invalid_argument,
                         "argument \"method\" must be one of GET, HEAD, POST, PUT, PATCH, "
                         "DELETE, OPTIONS"};
        request.url = std::move(*url);
        auto headers = detail::optional_object(args, "headers");
        if (!headers) return std::move(headers).error();
        bool has_content_type = false;
        if (*headers != nullptr) {
            for (const auto& [name, value] : **headers) {
                if (!value.is_string())
                    return Error{Errc::invalid_argument, "header \"" + std::string(name) + "\" must be a string"};
                if (!valid_header_name(name))
                    return Error{Errc::invalid_argument, "\"" + std::string(name) + "\" is not a valid header name"};
                has_content_type = has_content_type || iequals(name, "content-type");
                request.headers.emplace_back(std::string(name), std::string(value.get_string()));
            }
        }
        if (const json::value* body = args.if_contains("body"); body != nullptr && !body->is_null()) {
            if (body->is_string()) {
                request.body = std::string(body->get_string());
            } else {
                request.body = json::serialize(*body);
                if (!has_content_type) request.headers.emplace_back("Content-Type", "application/json");
            }
        }
        request.timeout = timeout_;
        request.max_response_bytes = detail::kMaxWebResponseBytes;
        return request;
    }

    static std::string to_upper_ascii(std::string_view s) {
        std::string out(s);
        for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return out;
    }

    std::chrono::milliseconds timeout_;
};

}  // namespace

Result<std::unique_ptr<Tool>> make_web_request(const config::ToolConfig& config) {
    return std::unique_ptr<Tool>(std::make_unique<WebRequest>(config));
}

}  // namespace hector::tools::builtin
