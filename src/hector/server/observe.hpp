#pragma once

#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <string>

#include "hector/http/router.hpp"
#include "hector/observability/metrics.hpp"
#include "hector/tasks/task_manager.hpp"

/// Prometheus metrics on the HTTP surface (server.md §14.2, DECISIONS 14).
namespace hector::server {

/// GET `path` (observability.metrics.endpoint): the text exposition, built on the blocking pool because callback
/// gauges may read a database. Registered only when metrics are on, so the path is a 404 otherwise.
void add_metrics_route(http::Router& router, observability::Metrics& metrics, const std::string& path,
                       boost::asio::thread_pool& blocking);

/// Feeds the agent-run metrics (requests, outcomes, durations, tokens, tasks in flight) from the task manager's
/// listeners. `metrics` outlives `tasks`.
void observe_tasks(tasks::TaskManager& tasks, observability::Metrics& metrics);

/// Counts one HTTP response by method, route pattern (never the raw path) and status, with the time it took to
/// produce (for a stream: to its headers); a streamed body is counted in open_streams while it is written.
void observe_response(observability::Metrics& metrics, const http::Request& request, http::Response& response,
                      std::chrono::steady_clock::time_point started);

}  // namespace hector::server
