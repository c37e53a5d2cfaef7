// The metrics registry: series per label set, exact exposition text, naming, thread safety, and a real parser.
#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

#include "hector/observability/registry.hpp"
#include "support/promtool.hpp"

namespace hector::observability {
namespace {

TEST(Registry, CounterSeriesAreCreatedPerLabelSetAndExposedSorted) {
    Registry r(Naming{});
    auto& requests = r.counter("requests_total", "Agent requests.", {"agent"});
    requests.with({"zeta"}).inc();
    requests.with({"alpha"}).inc(2);
    requests.with({"alpha"}).inc();
    EXPECT_EQ(requests.with({"alpha"}).value(), 3u);
    EXPECT_EQ(r.expose(),
              "# HELP hector_requests_total Agent requests.\n"
              "# TYPE hector_requests_total counter\n"
              "hector_requests_total{agent=\"alpha\"} 3\n"
              "hector_requests_total{agent=\"zeta\"} 1\n");
}

TEST(Registry, HistogramHasCumulativeBucketsSumAndCount) {
    Registry r(Naming{});
    auto& h = r.histogram("latency_seconds", "Latency.", {"route"}, {0.25, 1, 10});
    auto& s = h.with({"/x"});
    s.observe(0.125);
    s.observe(0.25);  // le is inclusive
    s.observe(0.5);
    s.observe(100);
    EXPECT_EQ(r.expose(),
              "# HELP hector_latency_seconds Latency.\n"
              "# TYPE hector_latency_seconds histogram\n"
              "hector_latency_seconds_bucket{route=\"/x\",le=\"0.25\"} 2\n"
              "hector_latency_seconds_bucket{route=\"/x\",le=\"1\"} 3\n"
              "hector_latency_seconds_bucket{route=\"/x\",le=\"10\"} 3\n"
              "hector_latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"
              "hector_latency_seconds_sum{route=\"/x\"} 100.875\n"
              "hector_latency_seconds_count{route=\"/x\"} 4\n");
}

TEST(Registry, NamespaceSubsystemAndConstLabelsApplyToEverySeries) {
    Naming n;
    n.namespace_ = "acme";
    n.subsystem = "agents";
    n.const_labels = {{"env", "prod"}, {"region", "eu \"west\""}};
    Registry r(n);
    r.counter("calls_total", "Calls.").get().inc();
    r.gauge("open", "Open things.").get().set(2.5);
    r.histogram("wait_seconds", "Waits.", {}, {1}).get().observe(3);
    const auto text = r.expose();
    EXPECT_NE(text.find("acme_agents_calls_total{env=\"prod\",region=\"eu \\\"west\\\"\"} 1\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("acme_agents_open{env=\"prod\",region=\"eu \\\"west\\\"\"} 2.5\n"), std::string::npos) << text;
    EXPECT_NE(text.find("acme_agents_wait_seconds_bucket{env=\"prod\",region=\"eu \\\"west\\\"\",le=\"+Inf\"} 1\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(r.full_name("x"), "acme_agents_x");
    Registry bare(Naming{"", "", {}});
    EXPECT_EQ(bare.full_name("x"), "x");
}

TEST(Registry, LabelValuesAreEscapedAndHelpToo) {
    Registry r(Naming{});
    r.counter("odd_total", "Help with \\ and\nnewline.", {"v"}).with({"a\\b\"c\nd"}).inc();
    EXPECT_EQ(r.expose(),
              "# HELP hector_odd_total Help with \\\\ and\\nnewline.\n"
              "# TYPE hector_odd_total counter\n"
              "hector_odd_total{v=\"a\\\\b\\\"c\\nd\"} 1\n");
}

TEST(Registry, CallbackGaugeReadsItsSourceAtEachExposition) {
    Registry r(Naming{});
    auto& g = r.callback_gauge("queue_tasks", "Queued.", {"app", "state"});
    EXPECT_EQ(r.expose(), "# HELP hector_queue_tasks Queued.\n# TYPE hector_queue_tasks gauge\n");
    int calls = 0;
    g.set_source([&calls] {
        ++calls;
        return std::vector<CallbackGaugeFamily::Value>{{{"default", "pending"}, 3}, {{"wrong arity"}, 9}};
    });
    const auto text = r.expose();
    EXPECT_NE(text.find("hector_queue_tasks{app=\"default\",state=\"pending\"} 3\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("wrong arity"), std::string::npos) << text;
    r.expose();
    EXPECT_EQ(calls, 2);
}

TEST(Registry, InvalidNamesAndClashesAreRefusedAtRegistration) {
    EXPECT_THROW(Registry(Naming{"bad-ns", "", {}}), std::invalid_argument);
    EXPECT_THROW(Registry(Naming{"ok", "9sub", {}}), std::invalid_argument);
    EXPECT_THROW(Registry(Naming{"ok", "", {{"__reserved", "x"}}}), std::invalid_argument);
    EXPECT_THROW(Registry(Naming{"ok", "", {{"le", "x"}}}), std::invalid_argument);
    EXPECT_THROW(Registry(Naming{"ok", "", {{"a", "x"}, {"a", "y"}}}), std::invalid_argument);

    Registry r(Naming{"ok", "", {{"env", "x"}}});
    EXPECT_THROW(r.counter("with space", "x"), std::invalid_argument);
    EXPECT_THROW(r.counter("c_total", "x", {"bad-label"}), std::invalid_argument);
    EXPECT_THROW(r.counter("c_total", "x", {"env"}), std::invalid_argument);  // repeats a const label
    EXPECT_THROW(r.histogram("h", "x", {"le"}), std::invalid_argument);
    EXPECT_THROW(r.histogram("h", "x", {}, {2, 1}), std::invalid_argument);
    r.counter("c_total", "x");
    EXPECT_THROW(r.gauge("c_total", "x"), std::invalid_argument);

    auto& two = r.counter("two_total", "x", {"a", "b"});
    EXPECT_THROW(two.with({"only one"}), std::invalid_argument);
}

TEST(Registry, ConcurrentIncrementsAndObservationsAreNotLost) {
    Registry r(Naming{});
    auto& c = r.counter("hits_total", "Hits.", {"worker"});
    auto& h = r.histogram("obs_seconds", "Obs.", {"k"}, {1});
    constexpr int kThreads = 8;
    constexpr int kPerThread = 20000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                c.with({i % 2 ? "odd" : "even"}).inc();  // look-ups race with first-use creation
                h.with({t % 2 ? "x" : "y"}).observe(i % 3 ? 0.5 : 2);
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(c.with({"odd"}).value() + c.with({"even"}).value(), std::uint64_t{kThreads} * kPerThread);
    const auto x = h.with({"x"}).snapshot();
    const auto y = h.with({"y"}).snapshot();
    EXPECT_EQ(x.count + y.count, std::uint64_t{kThreads} * kPerThread);
    EXPECT_EQ(x.cumulative.back(), x.count);
}

TEST(Registry, ExpositionPassesPromtool) {
    Naming n;
    n.subsystem = "test";
    n.const_labels = {{"instance_name", "a\\b \"c\"\nd"}};
    Registry r(n);
    r.counter("requests_total", "Requests.", {"agent", "status"}).with({"as\"sist\\ant\n", "success"}).inc(7);
    r.gauge("open_streams", "Open streams.").get().set(-1.5);
    auto& h = r.histogram("duration_seconds", "Durations.", {"route"});
    h.with({"/agents/{name}"}).observe(0.2);
    h.with({"other"}).observe(400);
    r.histogram("unused_seconds", "Never observed.", {"route"});
    r.callback_gauge("queue_tasks", "Queue.", {"app", "state"}).set_source([] {
        return std::vector<CallbackGaugeFamily::Value>{{{"default", "pending"}, 0}};
    });
    const auto text = r.expose();
    const auto check = hector::test::promtool_check(text);
    EXPECT_EQ(check.exit_code, 0) << check.output << "\n" << text;
    EXPECT_EQ(check.output, "") << text;
}

}  // namespace
}  // namespace hector::observability
