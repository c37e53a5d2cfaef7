#include <boost/asio/signal_set.hpp>

#include <cstdlib>
#include <future>
#include <iostream>
#include <thread>

#include "hector/app/commands.hpp"
#include "hector/app/config_source.hpp"
#include "hector/common/logging.hpp"
#include "hector/http/server.hpp"
#include "hector/net/http_client.hpp"
#include "hector/net/io.hpp"
#include "hector/server/pipeline.hpp"
#include "hector/server/routes.hpp"
#include "hector/store/factory.hpp"

#include "hector/tasks/push_notifier.hpp"
#include "hector/tasks/task_manager.hpp"

namespace hector::app {

namespace asio = boost::asio;

namespace {

// Transient overrides (platform.md §1.7): applied on every start, never written to the file.
void apply_overrides(config::Config& c, const ServeOptions& serve) {
    if (serve.host) c.server.host = *serve.host;
    if (serve.port) c.server.port = *serve.port;
    if (serve.metrics) c.observability.metrics.enabled = true;
    if (serve.seed.observe) c.observability.metrics.enabled = true;
    if (serve.seed.stream && !*serve.seed.stream)
        for (auto& [id, a] : c.agents) a.streaming = false;
    // DECISIONS 18: durable by default; --ephemeral and --storage inmemory opt out.
    if (serve.ephemeral || (serve.seed.storage && *serve.seed.storage == "inmemory")) {
        c.storage.tasks.backend = "inmemory";
        c.storage.sessions.backend = "inmemory";
    }
}

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
    apply_overrides(*config, serve);

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

    runtime::Registry registry;
    net::IoRuntime io(net::default_io_threads(), 8);
    net::HttpClientSettings http_settings;
    http_settings.allow_private_networks = config->server.outbound.allow_private_networks;
    net::HttpClient http(http_settings);
    runtime::BuildDeps build_deps;
    build_deps.http = &http;
    build_deps.blocking = &io.blocking();
    build_deps.max_tool_output_bytes = static_cast<std::size_t>(config->server.limits.max_tool_output_bytes);
    build_deps.allow_private_networks = config->server.outbound.allow_private_networks;
    auto default_app = runtime::AppRuntime::build(std::string(runtime::kDefaultApp), config, build_deps);
    if (!default_app) {
        std::cerr << "error: " << default_app.error().message << "\n";
        return 1;
    }
    registry.put(std::move(default_app).value());
    const auto& limits = config->server.limits;
    auto stores = store::open_stores(*config, io.blocking());
    if (!stores) {
        std::cerr << "error: " << stores.error().message << "\n";
        return 1;
    }
    log::info("server", "tasks stored in {}, sessions in {}", stores->tasks_backend, stores->sessions_backend);
    auto& task_store = *stores->tasks;
    auto& session_store = *stores->sessions;

    tasks::TaskManagerSettings task_settings;
    task_settings.max_concurrent_runs = static_cast<std::size_t>(limits.max_concurrent_runs);
    task_settings.subscriber_queue = static_cast<std::size_t>(limits.subscriber_queue);
    task_settings.max_subscribers = static_cast<std::size_t>(limits.max_subscribers);
    task_settings.max_push_configs = static_cast<std::size_t>(limits.max_push_configs);
    task_settings.run_timeout = config->queue.task_timeout;
    tasks::TaskManager task_manager(io.io(), task_store, session_store, task_settings);
    tasks::PushNotifier push(io.io(), task_store, http, {});
    task_manager.add_status_listener([&push](const store::TaskRecord& r) { push.on_status(r); });

    std::atomic<bool> draining{false};
    server::Context context{registry, std::move(options), [&draining] { return draining.load(); }, &task_manager};

    http::Router router;
    server::add_system_routes(router, context);
    server::add_discovery_routes(router, context);
    server::add_a2a_routes(router, context);
    auto pipeline =
        std::make_shared<server::Pipeline>(context, std::move(router), http::Cors(cors_settings(config->server.cors)));
    http::Server server(io.io(), server_settings(config->server),
                        [pipeline](http::Request& r) { return (*pipeline)(r); });
    auto port = server.listen();
    if (!port) {
        std::cerr << "error: " << port.error().message << "\n";
        return 1;
    }

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
    server.start();
    log::info("server", "listening on http://{}:{}", config->server.host, *port);
    if (source->echo_fallback) log::warn("server", "serving the offline echo model (no LLM provider configured)");

    int sig = signalled.get_future().get();
    const auto drain = config->server.shutdown_timeout;
    log::info("server", "signal {} received: draining for up to {}s", sig,
              std::chrono::duration_cast<std::chrono::seconds>(drain).count());
    server.begin_drain();
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
