#include "hector/server/observe.hpp"

#include "hector/net/io.hpp"

namespace hector::server {

namespace {

/// Runs a streamed body with the open-streams gauge raised, lowered again however the stream ends.
boost::asio::awaitable<void> counted_stream(http::StreamFn inner, observability::Gauge* open,
                                            http::StreamWriter& writer) {
    struct Lower {
        observability::Gauge* gauge;
        ~Lower() { gauge->dec(); }
    };
    open->inc();
    Lower lower{open};
    co_await inner(writer);
}

}  // namespace

void add_metrics_route(http::Router& router, observability::Metrics& metrics, const std::string& path,
                       boost::asio::thread_pool& blocking) {
    router.add(http::Method::get, path,
               [&metrics, &blocking](http::Request&) -> boost::asio::awaitable<http::Response> {
                   auto text = co_await net::run_blocking(blocking, [&metrics] { return metrics.expose(); });
                   http::Response r = http::Response::text(200, std::move(text), observability::kTextContentType);
                   r.headers.set("Cache-Control", "no-cache");
                   co_return r;
               });
}

void observe_tasks(tasks::TaskManager& tasks, observability::Metrics& metrics) {
    auto* runs = &metrics.runs();
    tasks.add_status_listener(
        [runs](const store::TaskRecord& r) { runs->on_status(r.task.id, r.agent, r.task.status.state); });
    tasks.add_usage_listener([runs](const store::TaskRecord& r, std::int64_t prompt, std::int64_t completion) {
        runs->on_usage(r.agent, prompt, completion);
    });
    metrics.set_active_tasks_source([&tasks] { return tasks.running(); });
    // hector_queue_tasks{app,state}: the queue's words for the first two states, A2A's for the rest.
    tasks.track_state_counts();
    metrics.set_queue_source([&tasks] {
        std::vector<observability::Metrics::QueueCount> out;
        for (auto& c : tasks.state_counts()) {
            std::string state = c.state == "submitted" ? "pending" : c.state == "working" ? "running" : c.state;
            out.push_back({std::move(c.app_id), std::move(state), c.count});
        }
        return out;
    });
}

void observe_response(observability::Metrics& metrics, const http::Request& request, http::Response& response,
                      std::chrono::steady_clock::time_point started) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    metrics.observe_http(http::method_name(request.method), request.route, response.status, seconds);
    if (response.stream) {
        auto* open = &metrics.open_streams.get();
        response.stream = [inner = std::move(response.stream), open](http::StreamWriter& writer) {
            return counted_stream(inner, open, writer);
        };
    }
}

}  // namespace hector::server
