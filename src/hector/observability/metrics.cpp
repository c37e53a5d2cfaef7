#include "hector/observability/metrics.hpp"

#include <stdexcept>

namespace hector::observability {

namespace {

Naming naming_of(const config::MetricsConfig& config) {
    Naming n;
    n.namespace_ = config.namespace_;
    n.subsystem = config.subsystem;
    for (const auto& [name, value] : config.const_labels) n.const_labels.emplace_back(name, value);
    return n;
}

std::string status_code_text(int status) {
    return std::to_string(status);
}

}  // namespace

// ---------------------------------------------------------------- RunMetrics

RunMetrics::RunMetrics(CounterFamily& requests, CounterFamily& outcomes, HistogramFamily& durations,
                       CounterFamily& tokens, CounterFamily& errors)
    : requests_(requests), outcomes_(outcomes), durations_(durations), tokens_(tokens), errors_(errors) {}

void RunMetrics::on_status(const std::string& task_id, const std::string& agent, a2a::TaskState state) {
    const auto now = std::chrono::steady_clock::now();
    if (state == a2a::TaskState::working) {
        {
            std::lock_guard lock(mu_);
            running_[task_id] = Run{agent, now};
        }
        requests_.with({agent}).inc();
        return;
    }
    if (!a2a::is_terminal(state) && !a2a::is_interrupted(state)) return;
    Run run;
    {
        std::lock_guard lock(mu_);
        auto it = running_.find(task_id);
        // A task that ends without having run (canceled while queued, superseded) is no agent request.
        if (it == running_.end()) return;
        run = std::move(it->second);
        running_.erase(it);
    }
    // Waiting for input (an approval) is where the agent's part of the run ends successfully.
    const bool success = state == a2a::TaskState::completed || a2a::is_interrupted(state);
    outcomes_.with({run.agent, success ? "success" : "error"}).inc();
    durations_.with({run.agent}).observe(std::chrono::duration<double>(now - run.started).count());
    if (state == a2a::TaskState::failed) errors_.with({"agent", "run_failed"}).inc();
}

void RunMetrics::on_usage(const std::string& agent, std::int64_t prompt_tokens, std::int64_t completion_tokens) {
    if (prompt_tokens > 0) tokens_.with({agent, "prompt"}).inc(static_cast<std::uint64_t>(prompt_tokens));
    if (completion_tokens > 0) tokens_.with({agent, "completion"}).inc(static_cast<std::uint64_t>(completion_tokens));
}

// ---------------------------------------------------------------- Metrics

Result<std::unique_ptr<Metrics>> Metrics::create(const config::MetricsConfig& config) {
    try {
        return std::unique_ptr<Metrics>(new Metrics(naming_of(config)));
    } catch (const std::invalid_argument& e) {
        return Error{Errc::invalid_argument, std::string("observability.metrics: ") + e.what()};
    }
}

Metrics::Metrics(Naming naming)
    : registry_(std::move(naming)),
      requests(registry_.counter("requests_total", "Agent requests (runs) started, per agent.", {"agent"})),
      agent_requests(registry_.counter("agent_requests_total", "Agent requests (runs) finished, by outcome.",
                                       {"agent", "status"})),
      agent_request_duration(registry_.histogram("agent_request_duration_seconds",
                                                 "Duration of agent runs, from working to their end.", {"agent"})),
      llm_requests(
          registry_.counter("llm_requests_total", "Requests to LLM providers.", {"agent", "provider", "model"})),
      llm_request_duration(registry_.histogram("llm_request_duration_seconds", "Duration of LLM requests.", {"agent"})),
      llm_tokens(registry_.counter("llm_tokens_total", "LLM tokens used by agent runs.", {"agent", "type"})),
      tool_calls(registry_.counter("tool_calls_total", "Tool calls, by outcome.", {"agent", "tool", "status"})),
      tool_call_duration(
          registry_.histogram("tool_call_duration_seconds", "Duration of tool calls.", {"agent", "tool"})),
      errors(registry_.counter("errors_total", "Errors, by component and type.", {"component", "error_type"})),
      http_requests(registry_.counter("http_requests_total", "HTTP responses, by method, route pattern and status.",
                                      {"method", "route", "code"})),
      http_request_duration(registry_.histogram("http_request_duration_seconds",
                                                "Time to produce an HTTP response (to the headers of a stream).",
                                                {"route"})),
      open_streams(registry_.gauge("open_streams", "Streamed (SSE) responses being written.")),
      active_tasks(registry_.callback_gauge("active_tasks", "Tasks with a run in flight on this instance.")),
      queue_tasks(registry_.callback_gauge("queue_tasks", "Background tasks in the queue, by app and state.",
                                           {"app", "state"})),
      db_connections_open(
          registry_.callback_gauge("db_connections_open", "Database connections open (idle or in use).")),
      db_connections_idle(registry_.callback_gauge("db_connections_idle", "Database connections open and idle.")),
      db_query_duration(registry_.histogram(
          "db_query_duration_seconds", "Duration of database transactions (their work on the connection).", {},
          {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5})),
      db_errors(
          registry_.counter("db_errors_total", "Database transactions that failed in the engine (I/O, unavailable).")),
      runs_(requests, agent_requests, agent_request_duration, llm_tokens, errors) {
    open_streams.get();  // a series without labels exists from the start
    db_query_series_ = &db_query_duration.get();
    db_errors_series_ = &db_errors.get();
}

void Metrics::observe_http(std::string_view method, std::string_view route, int status, double seconds) {
    if (route.empty()) route = "other";
    const auto code = status_code_text(status);
    http_requests.with({method, route, code}).inc();
    http_request_duration.with({route}).observe(seconds);
    if (status >= 500) error("http", code);
}

void Metrics::error(std::string_view component, std::string_view error_type) {
    errors.with({component, error_type}).inc();
}

std::string_view Metrics::error_type(Errc code) {
    switch (code) {
        case Errc::invalid_argument:
            return "invalid_argument";
        case Errc::invalid_request:
            return "invalid_request";
        case Errc::parse_error:
            return "parse_error";
        case Errc::not_found:
        case Errc::task_not_found:
            return "not_found";
        case Errc::unauthorized:
        case Errc::forbidden:
            return "unauthorized";
        case Errc::rate_limited:
            return "rate_limited";
        case Errc::timeout:
            return "timeout";
        case Errc::cancelled:
            return "cancelled";
        case Errc::unavailable:
            return "unavailable";
        case Errc::unsupported:
            return "unsupported";
        case Errc::io_error:
            return "io_error";
        case Errc::upstream_error:
            return "upstream_error";
        default:
            return "internal";
    }
}

void Metrics::set_queue_source(std::function<std::vector<QueueCount>()> source) {
    if (!source) {
        queue_tasks.set_source({});
        return;
    }
    queue_tasks.set_source([source = std::move(source)] {
        std::vector<CallbackGaugeFamily::Value> out;
        for (auto& c : source()) out.push_back({{std::move(c.app), std::move(c.state)}, static_cast<double>(c.count)});
        return out;
    });
}

void Metrics::set_db_connections_source(std::function<ConnectionCount()> source) {
    if (!source) {
        db_connections_open.set_source({});
        db_connections_idle.set_source({});
        return;
    }
    auto shared = std::make_shared<std::function<ConnectionCount()>>(std::move(source));
    db_connections_open.set_source([shared] {
        return std::vector<CallbackGaugeFamily::Value>{{{}, static_cast<double>((*shared)().open)}};
    });
    db_connections_idle.set_source([shared] {
        return std::vector<CallbackGaugeFamily::Value>{{{}, static_cast<double>((*shared)().idle)}};
    });
}

void Metrics::observe_db(double seconds, bool engine_error) {
    db_query_series_->observe(seconds);
    if (engine_error) db_errors_series_->inc();
}

void Metrics::set_active_tasks_source(std::function<std::size_t()> source) {
    if (!source) {
        active_tasks.set_source({});
        return;
    }
    active_tasks.set_source([source = std::move(source)] {
        return std::vector<CallbackGaugeFamily::Value>{{{}, static_cast<double>(source())}};
    });
}

}  // namespace hector::observability
