#include "hector/net/http_client.hpp"

#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/this_coro.hpp>

#include "hector/net/detail/await_change.hpp"
#include "hector/net/detail/curl_reactor.hpp"

namespace hector::net {

namespace asio = boost::asio;

namespace {

bool cancel_requested(const asio::cancellation_state& state) {
    return state.cancelled() != asio::cancellation_type::none;
}

}  // namespace

std::string_view HttpResponse::header(std::string_view name) const {
    return detail::find_header(headers, name);
}

HttpClient::HttpClient(HttpClientSettings settings) : settings_(std::move(settings)) {}

HttpClient::~HttpClient() {
    std::shared_ptr<detail::CurlReactor> reactor;
    {
        std::lock_guard lock(mu_);
        stopped_ = true;
        reactor = reactor_;
    }
    if (reactor) reactor->stop();
}

std::shared_ptr<detail::CurlReactor> HttpClient::reactor() {
    std::lock_guard lock(mu_);
    if (!reactor_ && !stopped_) reactor_ = std::make_shared<detail::CurlReactor>(settings_);
    return reactor_;
}

std::size_t HttpClient::in_flight() const {
    std::lock_guard lock(mu_);
    return reactor_ ? reactor_->in_flight() : 0;
}

Result<std::shared_ptr<detail::Transfer>> HttpClient::start(HttpRequest request, bool streaming) {
    const bool restricted = request.restrict_private && !settings_.allow_private_networks;
    auto transfer = detail::make_transfer(
        std::move(request), streaming ? detail::TransferMode::stream : detail::TransferMode::whole, restricted);
    if (!transfer) return std::move(transfer).error();
    auto reactor = this->reactor();
    if (!reactor) return Error{Errc::unavailable, "the HTTP client is shut down"};
    if (auto submitted = reactor->submit(*transfer); !submitted) return std::move(submitted).error();
    return transfer;
}

// Both coroutines copy what they need before the first suspension: the client may be destroyed while they wait
// (its destructor then wakes them with Errc::unavailable).

asio::awaitable<Result<HttpResponse>> HttpClient::request(HttpRequest request) {
    asio::cancellation_state cancellation = co_await asio::this_coro::cancellation_state;
    auto reactor = this->reactor();
    auto started = start(std::move(request), false);
    if (!started) co_return std::move(started).error();
    auto transfer = std::move(started).value();
    for (;;) {
        std::optional<Result<HttpResponse>> result;
        std::uint64_t seen = 0;
        {
            auto& s = transfer->state;
            std::lock_guard lock(s.mu);
            if (s.finished) {
                if (s.error)
                    result.emplace(*s.error);
                else
                    result.emplace(HttpResponse{s.status, std::move(s.headers), std::move(s.body)});
            }
            seen = s.version;
        }
        if (result) co_return std::move(*result);
        if (cancel_requested(cancellation)) {
            reactor->cancel(transfer);
            continue;
        }
        co_await detail::await_change(transfer, reactor, seen);
    }
}

asio::awaitable<Result<std::unique_ptr<HttpStream>>> HttpClient::open(HttpRequest request) {
    asio::cancellation_state cancellation = co_await asio::this_coro::cancellation_state;
    auto reactor = this->reactor();
    auto started = start(std::move(request), true);
    if (!started) co_return std::move(started).error();
    auto transfer = std::move(started).value();
    for (;;) {
        std::optional<Error> error;
        bool ready = false;
        int status = 0;
        HeaderList headers;
        std::uint64_t seen = 0;
        {
            auto& s = transfer->state;
            std::lock_guard lock(s.mu);
            const bool cancelled = s.error && s.error->code == Errc::cancelled;
            if (s.headers_ready && !cancelled) {
                // A failure after the headers is reported by next(), after the bytes that did arrive.
                ready = true;
                status = s.status;
                headers = s.headers;
            } else if (s.finished) {
                error = s.error.value_or(Error{Errc::internal, "transfer ended without a response"});
            }
            seen = s.version;
        }
        if (ready) co_return std::unique_ptr<HttpStream>(new HttpStream(transfer, reactor, status, std::move(headers)));
        if (error) co_return std::move(*error);
        if (cancel_requested(cancellation)) {
            reactor->cancel(transfer);
            continue;
        }
        co_await detail::await_change(transfer, reactor, seen);
    }
}

}  // namespace hector::net
