#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/this_coro.hpp>

#include "hector/net/detail/await_change.hpp"
#include "hector/net/detail/curl_reactor.hpp"
#include "hector/net/http_client.hpp"

namespace hector::net {

namespace asio = boost::asio;

HttpStream::HttpStream(std::shared_ptr<detail::Transfer> transfer, std::shared_ptr<detail::CurlReactor> reactor,
                       int status, HeaderList headers)
    : transfer_(std::move(transfer)), reactor_(std::move(reactor)), status_(status), headers_(std::move(headers)) {}

HttpStream::~HttpStream() {
    bool running;
    {
        std::lock_guard lock(transfer_->state.mu);
        running = !transfer_->state.finished;
    }
    if (running) reactor_->cancel(transfer_);
}

std::string_view HttpStream::header(std::string_view name) const {
    return detail::find_header(headers_, name);
}

void HttpStream::cancel() {
    // Copies first: waking the consumer may let it destroy this stream before cancel() returns.
    auto transfer = transfer_;
    auto reactor = reactor_;
    reactor->cancel(transfer);
}

asio::awaitable<Result<std::optional<std::string>>> HttpStream::next() {
    asio::cancellation_state cancellation = co_await asio::this_coro::cancellation_state;
    auto transfer = transfer_;
    auto reactor = reactor_;
    for (;;) {
        std::optional<Result<std::optional<std::string>>> result;
        bool resume = false;
        std::uint64_t seen = 0;
        {
            auto& s = transfer->state;
            std::lock_guard lock(s.mu);
            if (s.error && s.error->code == Errc::cancelled) {
                result.emplace(*s.error);  // the consumer asked to stop: buffered bytes no longer matter
            } else if (!s.chunks.empty()) {
                std::string data = std::move(s.chunks.front());
                s.chunks.pop_front();
                for (; !s.chunks.empty(); s.chunks.pop_front()) data += s.chunks.front();
                s.buffered = 0;
                resume = std::exchange(s.paused, false);
                result.emplace(std::optional<std::string>(std::move(data)));
            } else if (s.finished) {
                if (s.error)
                    result.emplace(*s.error);
                else
                    result.emplace(std::optional<std::string>());
            }
            seen = s.version;
        }
        if (resume) reactor->resume(transfer);
        if (result) co_return std::move(*result);
        if (cancellation.cancelled() != asio::cancellation_type::none) {
            reactor->cancel(transfer);
            continue;
        }
        co_await detail::await_change(transfer, reactor, seen);
    }
}

}  // namespace hector::net
