#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>

#include "hector/a2a/types.hpp"
#include "hector/automation/catalog.hpp"
#include "hector/common/result.hpp"
#include "hector/http/message.hpp"

/// The parts of a webhook delivery that do not depend on how it is answered (server.md §9.1): its template
/// context, the agent input, the de-duplication key, the callback URL and the bodies of the answers. Pure
/// functions; thread-safe.
namespace hector::automation {

/// {"body", "headers", "query", "fields"}: body is the JSON of the request body (a body that is not JSON, or nests
/// deeper than `max_json_depth`, becomes {"raw": "<text>"}; an empty one {}); headers have lower-case names and
/// their first value; query has the first value of each parameter; fields holds the trigger's extract_fields.
boost::json::value webhook_context(const http::Request& request, const WebhookTrigger& trigger,
                                   std::size_t max_json_depth);

/// Render options that make `context.headers` case-insensitive. Take them after the context is complete.
RenderOptions context_options(const boost::json::value& context, TimePoint now);

/// The agent's input: the template's output, else the static `input` (a string as it is, other JSON as JSON),
/// else the JSON of the body. A template error or an empty input is Errc::invalid_argument.
Result<std::string> webhook_input(const WebhookTrigger& trigger, const boost::json::value& context, TimePoint now);

/// The de-duplication key of a delivery (DECISIONS 21): "<header>:<value>" from Idempotency-Key,
/// X-GitHub-Delivery or X-Shopify-Webhook-Id (first found, in that order); nullopt when none is present;
/// Errc::invalid_argument when the value is longer than 256 characters or not printable ASCII.
Result<std::optional<std::string>> delivery_key(const http::Request& request);

/// The callback URL: a string field of the JSON body named `field` (a dotted name reaches into objects), http or
/// https. Errc::invalid_argument otherwise.
Result<std::string> callback_url(const boost::json::value& context, const std::string& field);

/// {"task_id","status":"submitted","agent_name"} (async and callback modes, DECISIONS 15).
boost::json::object submitted_body(const std::string& task_id, const std::string& agent);

/// The answer of a sync delivery once its task stopped running, with its HTTP status: 200 completed (result = the
/// final agent text), 500 failed/canceled/rejected (error), 200 input-required/auth-required (status names it,
/// result = what the agent asks).
std::pair<int, boost::json::object> finished_body(const a2a::Task& task, const std::string& agent);

/// 504 {"status":"timeout","error":"Agent execution timed out","task_id","agent_name"}.
boost::json::object timeout_body(const std::string& task_id, const std::string& agent);

/// What a callback POSTs: {"task_id","status":"completed"|"failed","result"|"error","agent_name"}.
boost::json::object callback_body(const a2a::Task& task, const std::string& agent);

}  // namespace hector::automation
