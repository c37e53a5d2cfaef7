#include "hector/tasks/push_notifier.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include "hector/a2a/codec.hpp"
#include "hector/common/logging.hpp"
#include "hector/net/http_client.hpp"

namespace hector::tasks {

namespace asio = boost::asio;

PushNotifier::PushNotifier(asio::io_context& io, store::TaskStore& store, net::HttpClient& http, PushSettings settings)
    : io_(io), store_(store), http_(http), settings_(settings) {}

void PushNotifier::on_status(const store::TaskRecord& record, const Configs* known) {
    const auto state = record.task.status.state;
    if (state == a2a::TaskState::submitted) return;
    if (known && known->empty()) return;  // the common case: nobody asked for notifications
    if (in_flight_.load() >= settings_.max_in_flight) {
        log::warn("push", "task {}: notification dropped ({} deliveries in flight)", record.task.id, in_flight_.load());
        return;
    }
    ++in_flight_;
    std::optional<Configs> configs;
    if (known) configs = *known;
    asio::co_spawn(io_, deliver(record, std::move(configs)), [this, id = record.task.id](std::exception_ptr e) {
        --in_flight_;
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            log::error("push", "task {}: notification failed unexpectedly: {}", id, ex.what());
        }
    });
}

asio::awaitable<void> PushNotifier::deliver(store::TaskRecord record, std::optional<Configs> known) {
    Result<Configs> configs = Configs{};
    if (known)
        configs = std::move(*known);
    else
        configs = co_await store_.push_configs(record.app_id, record.task.id);
    if (!configs || configs->empty()) co_return;
    const std::string body = a2a::to_text(record.task);
    for (const auto& cfg : *configs) {
        net::HttpRequest req;
        req.method = "POST";
        req.url = cfg.url;
        req.body = body;
        req.timeout = settings_.timeout;
        req.restrict_private = true;
        req.headers = {{"Content-Type", "application/json"}};
        if (cfg.authentication && !cfg.authentication->credentials.empty()) {
            std::string scheme = cfg.authentication->schemes.empty() ? "Bearer" : cfg.authentication->schemes.front();
            req.headers.emplace_back("Authorization", scheme + " " + cfg.authentication->credentials);
        }
        if (!cfg.token.empty()) req.headers.emplace_back("X-A2A-Notification-Token", cfg.token);

        auto backoff = settings_.initial_backoff;
        for (int attempt = 1;; ++attempt) {
            auto resp = co_await http_.request(req);
            if (resp && resp->status >= 200 && resp->status < 300) {
                ++delivered_;
                break;
            }
            std::string why = resp ? "HTTP " + std::to_string(resp->status) : resp.error().message;
            const bool permanent =
                !resp && (resp.error().code == Errc::forbidden || resp.error().code == Errc::invalid_argument);
            if (attempt >= settings_.max_attempts || permanent) {
                ++failed_;
                log::warn("push", "task {}: notification to {} failed after {} attempt(s): {}", record.task.id, cfg.url,
                          attempt, why);
                break;
            }
            asio::steady_timer timer(co_await asio::this_coro::executor, backoff);
            co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
            backoff = std::min(backoff * 2, settings_.max_backoff);
        }
    }
}

}  // namespace hector::tasks
