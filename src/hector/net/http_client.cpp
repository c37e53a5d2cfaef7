#include "hector/net/http_client.hpp"

#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/this_coro.hpp>

#include "hector/net/detail/await_change.hpp"
#include "hector/net/detail/curl_reactor.hpp"
#include "hector/net/io.hpp"

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

HttpClient::HttpClient(HttpClientSettings settings)
    : settings_(std::move(settings)), context_reactors_(settings_.contexts.size()) {}

HttpClient::~HttpClient() {
    std::vector<std::shared_ptr<detail::CurlReactor>> reactors;
    {
        std::lock_guard lock(mu_);
        stopped_ = true;
        reactors = context_reactors_;
        reactors.push_back(reactor_);
    }
    for (auto& r : reactors)
        if (r) r->stop();
}

std::shared_ptr<detail::CurlReactor> HttpClient::reactor(asio::io_context* context) {
    std::lock_guard lock(mu_);
    if (stopped_) return nullptr;
    for (std::size_t i = 0; i < settings_.contexts.size(); ++i) {
        if (settings_.contexts[i] != context) continue;
        auto& r = context_reactors_[i];
        if (!r) {
            r = std::make_shared<detail::CurlReactor>(settings_, context, in_flight_);
            r->start();
        }
        return r;
    }
    if (!reactor_) reactor_ = std::make_shared<detail::CurlReactor>(settings_, nullptr, in_flight_);
    return reactor_;
}

std::size_t HttpClient::in_flight() const {
    return in_flight_->load();
}

Result<std::shared_ptr<detail::Transfer>> HttpClient::start(HttpRequest request, bool streaming,
                                                            const std::shared_ptr<detail::CurlReactor>& reactor) {
    const bool restricted = request.restrict_private && !settings_.allow_private_networks;
    auto transfer = detail::make_transfer(
        std::move(request), streaming ? detail::TransferMode::stream : detail::TransferMode::whole, restricted);
    if (!transfer) return std::move(transfer).error();
    if (!reactor) return Error{Errc::unavailable, "the HTTP client is shut down"};
    if (auto submitted = reactor->submit(*transfer); !submitted) return std::move(submitted).error();
    return transfer;
}

// Both coroutines copy what they need before the first suspension: the client may be destroyed while they wait
// (its destructor then wakes them with Errc::unavailable).

asio::awaitable<Result<HttpResponse>> HttpClient::request(HttpRequest request) {
    asio::cancellation_state cancellation = co_await asio::this_coro::cancellation_state;
    const auto executor = co_await asio::this_coro::executor;
    auto reactor = this->reactor(context_of(executor));
    auto started = start(std::move(request), false, reactor);
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
    const auto executor = co_await asio::this_coro::executor;
    auto reactor = this->reactor(context_of(executor));
    auto started = start(std::move(request), true, reactor);
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
