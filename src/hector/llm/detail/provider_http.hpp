#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "hector/common/result.hpp"
#include "hector/llm/model.hpp"
#include "hector/llm/retry.hpp"

namespace hector::net {
class HttpClient;
class HttpStream;
struct HttpRequest;
}  // namespace hector::net

/// What every HTTP provider does the same way: sending a request and turning an error status into the provider's
/// own message, reading streams, retrying, and the small JSON chores of translating tool calls. Stateless free
/// functions; safe from any thread.
namespace hector::llm::detail {

/// What one attempt reports to the retry loop besides its result.
struct Attempt {
    bool streamed_output = false;  // a delta reached the caller: retrying would repeat it
    std::string retry_after;       // the provider's Retry-After (or an equivalent hint), when it gave one
};

using AttemptFn = std::function<boost::asio::awaitable<Result<ChatResponse>>(Attempt&)>;

/// Runs `attempt` until it succeeds or fails for good: rate limits, 5xx and network errors are retried up to
/// policy.max_retries times with RetryPolicy's backoff (honouring retry_after), never once output was streamed.
/// A cancel during the backoff ends with Errc::cancelled.
boost::asio::awaitable<Result<ChatResponse>> run_with_retries(std::string_view provider, std::string_view model,
                                                              const RetryPolicy& policy, AttemptFn attempt);

/// Sends a non-streaming request: the body of a 2xx answer, else the provider's error (see status_error()).
boost::asio::awaitable<Result<std::string>> send(net::HttpClient& http, net::HttpRequest request,
                                                 std::string_view provider, Attempt& attempt);

/// Opens a streaming request: the stream of a 2xx answer, else the provider's error read from the body.
boost::asio::awaitable<Result<std::unique_ptr<net::HttpStream>>> open(net::HttpClient& http, net::HttpRequest request,
                                                                      std::string_view provider, Attempt& attempt);

/// The error for an HTTP error status: http_error()'s message; statuses not worth retrying (400, 401, 404...) become
/// Errc::invalid_argument so the retry loop leaves them alone. Fills attempt.retry_after from Google's RetryInfo
/// (`error.details[].retryDelay`, e.g. "7s") when the headers gave no Retry-After.
Error status_error(std::string_view provider, int status, std::string_view body, Attempt& attempt);

/// base + path with exactly one slash between them.
std::string join_url(std::string_view base, std::string_view path);

/// The string a JSON value holds, empty when it is absent or not a string.
std::string_view str(const boost::json::value* v);
std::string_view str(const boost::json::object& o, std::string_view key);

/// Tool-call arguments (JSON text) as the object providers want: empty → {}, a non-object value → {"value": v},
/// unparsable text → {"arguments": text} so nothing the model said is lost.
boost::json::object arguments_object(std::string_view arguments);

/// Parses a provider's JSON body (bounded depth); Errc::upstream_error naming the provider when it is not an object.
Result<boost::json::object> parse_object(std::string_view provider, std::string_view body);

/// A fresh tool-call id for providers that give none ("call_" + 24 random alphanumerics).
std::string new_call_id();

}  // namespace hector::llm::detail
