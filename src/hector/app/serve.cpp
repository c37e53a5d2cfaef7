#include <boost/asio/signal_set.hpp>

#include <charconv>
#include <cstdlib>
#include <future>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "hector/app/commands.hpp"
#include "hector/app/config_source.hpp"
#include "hector/app/overrides.hpp"
#include "hector/app/reload.hpp"
#include "hector/app/tenancy.hpp"
#include "hector/automation/automation.hpp"
#include "hector/common/logging.hpp"
#include "hector/http/server.hpp"
#include "hector/net/http_client.hpp"
#include "hector/net/io.hpp"
#include "hector/observability/metrics.hpp"
#include "hector/server/observe.hpp"
#include "hector/server/pipeline.hpp"
#include "hector/server/rate_limit.hpp"
#include "hector/server/routes.hpp"
#include "hector/store/factory.hpp"

#include "hector/tasks/push_notifier.hpp"
#include "hector/tasks/task_manager.hpp"

namespace hector::app {

namespace asio = boost::asio;

namespace {

http::ServerSettings server_settings(const config::ServerConfig& s) {
    http::ServerSettings out;
    out.host = s.host;
    out.port = static_cast<std::uint16_t>(s.port);
    out.max_body_bytes = static_cast<std::uint64_t>(s.limits.max_body_bytes);
    out.max_header_bytes = static_cast<std::uint32_t>(s.limits.max_header_bytes);
    out.read_timeout = s.limits.read_timeout;
    out.idle_timeout = s.limits.idle_timeout;
    out.write_timeout = s.limits.write_timeout;
    return out;
}

http::CorsSettings cors_settings(const config::CorsConfig& c) {
    return {c.allowed_origins, c.allowed_methods, c.allowed_headers, c.exposed_headers, c.max_age, c.allow_credentials};
}

}  // namespace

int run_serve(const GlobalOptions& global, const ServeOptions& serve) {
    if (auto st = init_logging(global, nullptr); !st) {
        std::cerr << "error: " << st.error().message << "\n";
        return 1;
    }
    if (serve.ephemeral && serve.watch) {
        std::cerr << "error: --ephemeral cannot be combined with --watch\n";
        return 1;
    }

    auto env = config::Environment::process();
    auto source = load_or_generate(global, serve, env);
    if (!source) {
        std::cerr << "error: " << source.error().message << "\n";
        return 1;
    }
    auto& loaded = source->loaded;
    if (!loaded.ok()) {
        std::cerr << "error: invalid config " << source->path << "\n";
        print_diagnostics(loaded.diagnostics, false);
        return 1;
    }
    for (const auto& w : loaded.diagnostics.warnings) log::warn("config", "{}", w.text());
    if (!global.log_level && !global.log_format && !global.log_file) {
        if (auto st = init_logging(global, &loaded.config.logger); !st) {
            std::cerr << "error: " << st.error().message << "\n";
            return 1;
        }
    }

    auto config = std::make_shared<config::Config>(std::move(loaded.config));
    std::vector<std::string> override_warnings;
    if (auto st = apply_overrides(*config, serve, override_warnings); !st) {
        std::cerr << "error: " << st.error().message << "\n";
        return 1;
    }
    for (const auto& w : override_warnings) log::warn("auth", "{}", w);

    server::Options options;
    options.version = kVersion;
    options.metrics_enabled = config->observability.metrics.enabled;
    options.public_url = config->server.public_url;
    options.admin_secret = serve.auth_secret.value_or(env.get("HECTOR_AUTH_SECRET").value_or(""));
    auto proxies = http::TrustedProxies::parse(config->server.trusted_proxies);
    if (!proxies) {
        std::cerr << "error: server." << proxies.error().message << "\n";
        return 1;
    }
    options.proxies = std::move(proxies).value();
    server::compute_auth_flags(options, *config);

    // Metrics (DECISIONS 14) outlive everything that counts into them: the runtimes' wrapped models and tools.
    std::unique_ptr<observability::Metrics> metrics;
    if (config->observability.metrics.enabled) {
        auto made = observability::Metrics::create(config->observability.metrics);
        if (!made) {
            std::cerr << "error: " << made.error().message << "\n";
            return 1;
        }
        metrics = std::move(made).value();
    }

    runtime::Registry registry;
    net::IoRuntime io(net::default_io_threads(), 8);
    net::HttpClientSettings http_settings;
    http_settings.allow_private_networks = config->server.outbound.allow_private_networks;
    http_settings.contexts = io.contexts();  // a run's model calls stay on its thread
    net::HttpClient http(http_settings);
    runtime::BuildDeps build_deps;
    build_deps.http = &http;
    build_deps.blocking = &io.blocking();
    build_deps.max_tool_output_bytes = static_cast<std::size_t>(config->server.limits.max_tool_output_bytes);
    build_deps.allow_private_networks = config->server.outbound.allow_private_networks;
    build_deps.metrics = metrics.get();
    auto default_app = runtime::AppRuntime::build(std::string(runtime::kDefaultApp), config, build_deps);
    if (!default_app) {
        std::cerr << "error: " << default_app.error().message << "\n";
        return 1;
    }
    registry.put(std::move(default_app).value());
    const auto& limits = config->server.limits;
    store::OpenOptions open_options;
    if (serve.ephemeral) open_options.key_dir.clear();  // --ephemeral writes nothing, signing keys included
    auto stores = store::open_stores(*config, io.blocking(), open_options);
    if (!stores) {
        std::cerr << "error: " << stores.error().message << "\n";
        return 1;
    }
    log::info("server", "tasks stored in {}, sessions in {}", stores->tasks_backend, stores->sessions_backend);
    if (metrics) {
        // server.md 14.2: db_query_duration_seconds, db_errors_total and the connection gauges, over every database.
        auto* m = metrics.get();
        for (auto& db : stores->databases) db->set_observer([m](double s, bool failed) { m->observe_db(s, failed); });
        m->set_db_connections_source([dbs = &stores->databases] {
            observability::Metrics::ConnectionCount total;
            for (const auto& db : *dbs) {
                const auto c = db->connection_stats();
                total.open += c.open;
                total.idle += c.idle;
            }
            return total;
        });
    }
    auto& task_store = *stores->tasks;
    auto& session_store = *stores->sessions;

    tasks::TaskManagerSettings task_settings;
    task_settings.max_concurrent_runs = static_cast<std::size_t>(limits.max_concurrent_runs);
    task_settings.subscriber_queue = static_cast<std::size_t>(limits.subscriber_queue);
    task_settings.max_subscribers = static_cast<std::size_t>(limits.max_subscribers);
    task_settings.max_push_configs = static_cast<std::size_t>(limits.max_push_configs);
    task_settings.run_timeout = config->queue.task_timeout;
    task_settings.workers = static_cast<std::size_t>(config->queue.workers);
    task_settings.max_retries = config->queue.max_retries;
    task_settings.retry_backoff = config->queue.retry_backoff;
    task_settings.max_backoff = config->queue.max_backoff;
    task_settings.lease_timeout = config->queue.lease_timeout;
    task_settings.dlq_retention = config->queue.dlq_retention;
    task_settings.retention = config->storage.tasks.retention;
    task_settings.auto_resume = config->storage.checkpoint.recovery.auto_resume;
    task_settings.resume_timeout = std::chrono::seconds(config->storage.checkpoint.recovery.timeout);

    if (auto ms = env.get("HECTOR_TEST_POLL_INTERVAL_MS")) {
        // Tests only: how often idle workers, remote followers and the cancel watch look at the store, so a test
        // can show that notifications, not polling, carried a change.
        std::int64_t v = 0;
        if (std::from_chars(ms->data(), ms->data() + ms->size(), v).ec == std::errc() && v > 0) {
            task_settings.poll_interval = task_settings.watch_interval = std::chrono::milliseconds(v);
            log::warn("server", "HECTOR_TEST_POLL_INTERVAL_MS: the store is polled every {} ms (tests only)", v);
        }
    }
    tasks::TaskManager task_manager(io.io(), registry, task_store, session_store, *stores->queue, task_settings,
                                    io.contexts());

    tasks::PushNotifier push(io.io(), task_store, http, {});
    task_manager.set_push_notifier(&push);
    // Other instances' changes (queued work, events, cancels) reach this one at once where the database can say so
    // (PostgreSQL LISTEN/NOTIFY); polling stays as the safety net. The listener stops before the task manager goes.
    struct StopListening {
        store::sql::Database* db = nullptr;
        ~StopListening() {
            if (db) db->stop_listening();
        }
    } stop_listening;
    if (auto* db = stores->tasks_database) {
        auto listening = db->listen(
            task_manager.instance_id(),
            [&task_manager](char kind, std::string_view id) { task_manager.on_signal(kind, id); },
            [&task_manager] { task_manager.on_signal_gap(); });
        if (listening) {
            stop_listening.db = db;
            log::info("server", "changes made by other instances arrive as notifications (LISTEN/NOTIFY)");
        }
    }
    // Webhook and schedule triggers, notifications (server.md §9): a template or cron that does not compile stops
    // the start.
    automation::AutomationSettings automation_settings;
    automation_settings.clock = automation::test_scheduler_clock(env.get("HECTOR_TEST_SCHEDULER_SPEEDUP").value_or(""));
    auto automation = automation::Automation::create({io.io(), task_manager, registry, http, stores->tasks_database},
                                                     std::move(automation_settings));
    if (!automation) {
        std::cerr << "error: " << automation.error().message << "\n";
        return 1;
    }
    task_manager.add_status_listener([a = automation->get()](const store::TaskRecord& r) { a->on_status(r); });

    std::atomic<bool> draining{false};
    server::Context context{registry, std::move(options), [&draining] { return draining.load(); }, &task_manager};
    // Auth and tenancy (server.md §3, §6): signing keys, the IdP's JWKS, the authenticator, the stored apps.
    auto tenancy = Tenancy::create({config, context.options.admin_secret, *stores, registry, build_deps, http});
    if (!tenancy) {
        std::cerr << "error: " << tenancy.error().message << "\n";
        return 1;
    }
    (*tenancy)->attach(context);
    // DELETE /admin/apps/{id} cascades to the app's runs, queue rows and dead letters (tasks and sessions are
    // removed by the directory itself).
    (*tenancy)->apps().add_removal_hook(
        [&task_manager](std::string app_id) { return task_manager.forget_app(std::move(app_id)); });

    auto gate =
        server::make_rate_limit_gate(*config, stores->rate_limits, io.io(), context.options.proxies, metrics.get());
    if (!gate) {
        std::cerr << "error: " << gate.error().message << "\n";
        return 1;
    }
    if (*gate) {
        (*gate)->attach(task_manager);
        (*automation)->set_webhook_admission([&context](http::Request& r, const std::string&, const std::string&) {
            return server::admit_webhook(context, r);
        });
    }
    if (metrics) server::observe_tasks(task_manager, *metrics);
    context.metrics = metrics.get();
    context.rate_limit = gate->get();

    http::Router router;
    server::add_system_routes(router, context);
    server::add_discovery_routes(router, context);
    server::add_a2a_routes(router, context);
    server::add_admin_routes(router, context);
    server::add_admin_queue_routes(router, context);

    server::add_webhook_routes(router, context, **automation);
    if (metrics) server::add_metrics_route(router, *metrics, config->observability.metrics.endpoint, io.blocking());
    auto pipeline =
        std::make_shared<server::Pipeline>(context, std::move(router), http::Cors(cors_settings(config->server.cors)));
    http::Server server(
        io.io(), server_settings(config->server), [pipeline](http::Request& r) { return (*pipeline)(r); },
        io.contexts());
    auto port = server.listen();
    if (!port) {
        std::cerr << "error: " << port.error().message << "\n";
        return 1;
    }

    // Hot reload (platform.md §1.9): SIGHUP always, file changes with --watch.
    const bool in_memory = source->generated && (serve.ephemeral || source->echo_fallback);
    HotReload reload({registry, **automation, build_deps, io.io()}, {global, serve, config, in_memory});

    std::promise<int> signalled;
    asio::signal_set signals(io.io(), SIGINT, SIGTERM);
    std::function<void(boost::system::error_code, int)> on_signal = [&](boost::system::error_code ec, int sig) {
        if (ec) return;
        if (!draining.exchange(true)) {
            signalled.set_value(sig);
            signals.async_wait(on_signal);  // a second signal during the drain stops at once
        } else {
            log::warn("server", "second signal: stopping without waiting");
            server.stop();
        }
    };
    signals.async_wait(on_signal);

    io.start();
    (*tenancy)->start(io.io());
    task_manager.start_background_work();
    (*automation)->start();
    reload.start();

    server.start();
    log::info("server", "listening on http://{}:{}", config->server.host, *port);
    if (source->echo_fallback) log::warn("server", "serving the offline echo model (no LLM provider configured)");

    int sig = signalled.get_future().get();
    const auto drain = config->server.shutdown_timeout;
    log::info("server", "signal {} received: draining for up to {}s", sig,
              std::chrono::duration_cast<std::chrono::seconds>(drain).count());
    server.begin_drain();
    reload.stop();
    (*tenancy)->stop();
    (*automation)->stop();
    const auto deadline = std::chrono::steady_clock::now() + drain;
    while (server.active_requests() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (server.active_requests() > 0)
        log::warn("server", "{} request(s) still open after the drain; closing them", server.active_requests());
    // Runs still going fail with a reason (their streams get the final event), then the connections close.
    task_manager.shutdown("server shutting down");
    const auto settle = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while ((task_manager.running() > 0 || server.active_requests() > 0) && std::chrono::steady_clock::now() < settle)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    server.stop();
    signals.cancel();
    io.stop();
    log::info("server", "stopped");
    return 0;
}

}  // namespace hector::app
