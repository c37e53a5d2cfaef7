#include "hector/llm/detail/provider_http.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <fmt/format.h>

#include "hector/common/ids.hpp"
#include "hector/common/json.hpp"
#include "hector/common/logging.hpp"
#include "hector/net/http_client.hpp"

namespace hector::llm::detail {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxErrorBody = 64 * 1024;
constexpr std::size_t kResponseDepth = 128;  // tool arguments nest deeper than the default 64 now and then

/// Google APIs put the retry hint in the body: {"error":{"details":[{"@type":"...RetryInfo","retryDelay":"7s"}]}}.
std::string google_retry_delay(std::string_view body) {
    auto v = parse_json(body, kResponseDepth);
    if (!v || !v->is_object()) return {};
    const auto* error = get_object(v->as_object(), "error");
    const auto* details = error ? get_array(*error, "details") : nullptr;
    if (!details) return {};
    for (const auto& d : *details) {
        if (!d.is_object()) continue;
        auto delay = str(d.as_object(), "retryDelay");
        if (delay.size() > 1 && delay.back() == 's') return std::string(delay.substr(0, delay.size() - 1));
    }
    return {};
}

}  // namespace

asio::awaitable<Result<ChatResponse>> run_with_retries(std::string_view provider, std::string_view model,
                                                       const RetryPolicy& policy, AttemptFn attempt) {
    for (int n = 0;; ++n) {
        Attempt state;
        auto r = co_await attempt(state);
        if (r || state.streamed_output || n >= policy.max_retries) co_return r;
        const auto& e = r.error();
        if (e.code != Errc::rate_limited && !retryable_error(e)) co_return r;
        auto wait = policy.delay(n + 1, state.retry_after);
        log::warn("llm", "{} {}: {}; retry {}/{} in {}ms", provider, model, e.message, n + 1, policy.max_retries,
                  wait.count());
        asio::steady_timer timer(co_await asio::this_coro::executor, wait);
        auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return Error{Errc::cancelled, fmt::format("{} request cancelled", provider)};
    }
}

Error status_error(std::string_view provider, int status, std::string_view body, Attempt& attempt) {
    if (attempt.retry_after.empty()) attempt.retry_after = google_retry_delay(body);
    auto e = http_error(provider, status, body);
    if (!retryable_status(status) && e.code == Errc::upstream_error) e.code = Errc::invalid_argument;
    return e;
}

asio::awaitable<Result<std::string>> send(net::HttpClient& http, net::HttpRequest request, std::string_view provider,
                                          Attempt& attempt) {
    auto resp = co_await http.request(std::move(request));
    if (!resp) co_return std::move(resp).error();
    if (resp->status >= 400) {
        attempt.retry_after = std::string(resp->header("Retry-After"));
        co_return status_error(provider, resp->status, resp->body, attempt);
    }
    co_return std::move(resp->body);
}

asio::awaitable<Result<std::unique_ptr<net::HttpStream>>> open(net::HttpClient& http, net::HttpRequest request,
                                                               std::string_view provider, Attempt& attempt) {
    auto opened = co_await http.open(std::move(request));
    if (!opened) co_return std::move(opened).error();
    auto& stream = *opened;
    if (stream->status() < 400) co_return std::move(stream);
    attempt.retry_after = std::string(stream->header("Retry-After"));
    std::string body;
    while (body.size() < kMaxErrorBody) {
        auto chunk = co_await stream->next();
        if (!chunk) co_return std::move(chunk).error();
        if (!chunk->has_value()) break;
        body += **chunk;
    }
    co_return status_error(provider, stream->status(), body, attempt);
}

std::string join_url(std::string_view base, std::string_view path) {
    while (!base.empty() && base.back() == '/') base.remove_suffix(1);
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);
    return fmt::format("{}/{}", base, path);
}

std::string_view str(const json::value* v) {
    return v && v->is_string() ? sv(v->get_string()) : std::string_view{};
}

std::string_view str(const json::object& o, std::string_view key) {
    return str(o.if_contains(key));
}

json::object arguments_object(std::string_view arguments) {
    if (arguments.find_first_not_of(" \t\r\n") == std::string_view::npos) return {};
    auto v = parse_json(arguments, kResponseDepth);
    if (!v) {
        json::object o;
        o["arguments"] = arguments;
        return o;
    }
    if (v->is_object()) return std::move(v->as_object());
    json::object o;
    o["value"] = std::move(*v);
    return o;
}

Result<json::object> parse_object(std::string_view provider, std::string_view body) {
    auto v = parse_json(body, kResponseDepth);
    if (!v || !v->is_object())
        return Error{Errc::upstream_error, fmt::format("{}: the response is not a JSON object", provider)};
    return std::move(v->as_object());
}

std::string new_call_id() {
    return "call_" + new_alnum_id(24);
}

}  // namespace hector::llm::detail
