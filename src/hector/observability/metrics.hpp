#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hector/a2a/types.hpp"
#include "hector/common/result.hpp"
#include "hector/config/model.hpp"
#include "hector/observability/registry.hpp"

namespace hector::observability {

/// Agent runs as the task manager reports them: one run goes from `working` to a terminal or interrupted state
/// (a new message, or the answer to an approval). Counts runs per agent, their outcome and duration, and the
/// tokens they used. Thread-safe; a mutex guards the map of runs in flight, touched twice per run.
class RunMetrics {
  public:
    RunMetrics(CounterFamily& requests, CounterFamily& outcomes, HistogramFamily& durations, CounterFamily& tokens,
               CounterFamily& errors);

    /// A task's state changed (TaskManager status listener).
    void on_status(const std::string& task_id, const std::string& agent, a2a::TaskState state);
    /// A run ended having used these LLM tokens (TaskManager usage listener).
    void on_usage(const std::string& agent, std::int64_t prompt_tokens, std::int64_t completion_tokens);

  private:
    struct Run {
        std::string agent;
        std::chrono::steady_clock::time_point started;
    };
    CounterFamily& requests_;
    CounterFamily& outcomes_;
    HistogramFamily& durations_;
    CounterFamily& tokens_;
    CounterFamily& errors_;
    std::mutex mu_;
    std::unordered_map<std::string, Run> running_;
};

/// The metrics of server.md §14.2 (and its proposed extras) on one registry named by observability.metrics.
/// Families are created at construction; their series appear on first use. Thread-safe.
class Metrics {
  private:
    Registry registry_;  // first: the family references below are initialised from it

  public:
    /// Errors name the config key (an invalid namespace, subsystem or const label).
    static Result<std::unique_ptr<Metrics>> create(const config::MetricsConfig& config);

    Registry& registry() { return registry_; }
    /// The text exposition of everything registered. Runs callback gauges' sources (may block briefly).
    std::string expose() const { return registry_.expose(); }

    /// One HTTP response: `route` is the matched pattern (empty → "other"), never the raw path.
    /// `method` comes from a fixed set (http::method_name), so the label stays bounded.
    void observe_http(std::string_view method, std::string_view route, int status, double seconds);
    /// errors_total{component, error_type}.
    void error(std::string_view component, std::string_view error_type);
    /// The `errors_total` error_type of an error category ("upstream_error", "timeout", ...).
    static std::string_view error_type(Errc code);

    /// queue_tasks{app, state}: fed by the queue owner, read at each exposition (see CallbackGaugeFamily::Source).
    struct QueueCount {
        std::string app;
        std::string state;
        std::int64_t count = 0;
    };
    void set_queue_source(std::function<std::vector<QueueCount>()> source);
    /// active_tasks: runs in flight on this instance, read at each exposition.
    void set_active_tasks_source(std::function<std::size_t()> source);
    /// db_connections_open / db_connections_idle, summed over the databases the stores use, read at each exposition.
    struct ConnectionCount {
        std::size_t open = 0;
        std::size_t idle = 0;
    };
    void set_db_connections_source(std::function<ConnectionCount()> source);
    /// One database transaction: db_query_duration_seconds, and db_errors_total when the engine failed.
    void observe_db(double seconds, bool engine_error);

    RunMetrics& runs() { return runs_; }

    CounterFamily& requests;                  // {agent}
    CounterFamily& agent_requests;            // {agent, status}
    HistogramFamily& agent_request_duration;  // {agent}
    CounterFamily& llm_requests;              // {agent, provider, model}
    HistogramFamily& llm_request_duration;    // {agent}
    CounterFamily& llm_tokens;                // {agent, type}
    CounterFamily& tool_calls;                // {agent, tool, status}
    HistogramFamily& tool_call_duration;      // {agent, tool}
    CounterFamily& errors;                    // {component, error_type}
    CounterFamily& http_requests;             // {method, route, code}
    HistogramFamily& http_request_duration;   // {route}
    GaugeFamily& open_streams;                // streamed (SSE) responses being written
    CallbackGaugeFamily& active_tasks;
    CallbackGaugeFamily& queue_tasks;  // {app, state}
    CallbackGaugeFamily& db_connections_open;
    CallbackGaugeFamily& db_connections_idle;
    HistogramFamily& db_query_duration;
    CounterFamily& db_errors;

  private:
    explicit Metrics(Naming naming);
    RunMetrics runs_;
    Histogram* db_query_series_ = nullptr;  // the label-less series, looked up once
    Counter* db_errors_series_ = nullptr;
};

}  // namespace hector::observability
