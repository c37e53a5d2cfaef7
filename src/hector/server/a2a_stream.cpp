#include "hector/server/a2a_stream.hpp"

#include <boost/json/serialize.hpp>

#include "hector/a2a/codec.hpp"
#include "hector/server/sse.hpp"

namespace hector::server {

namespace {

constexpr auto kPingAfter = std::chrono::seconds(15);

std::string_view event_name(store::TaskEvent::Kind kind) {
    return kind == store::TaskEvent::Kind::artifact ? "artifact" : "task";
}

}  // namespace

http::Response task_stream(tasks::Started started, StreamFraming framing, std::string id_json,
                           std::optional<int> history_length) {
    http::Response r;
    set_sse_headers(r);
    auto state = std::make_shared<tasks::Started>(std::move(started));
    r.stream = [state, framing, id = std::move(id_json),
                history_length](http::StreamWriter& w) -> boost::asio::awaitable<void> {
        auto frame = [&](std::int64_t seq, std::string_view name, std::string_view payload) {
            return framing == StreamFraming::jsonrpc ? sse_event(seq, name, rpc_result_text(id, payload))
                                                     : sse_event(seq, name, payload);
        };
        if (state->snapshot) {
            auto task = boost::json::serialize(a2a::to_json(state->task, history_length));
            if (!co_await w.write(frame(state->seq, "task", task))) co_return;
        }
        state->task = a2a::Task{};  // sent: a long stream does not keep the snapshot
        for (const auto& e : state->backlog) {
            if (!co_await w.write(frame(e.seq, event_name(e.kind), *e.payload))) co_return;
            if (e.final) co_return;
        }
        if (state->ended || !state->subscription) co_return;
        std::vector<tasks::Event>().swap(state->backlog);
        auto& sub = *state->subscription;
        struct Detach {
            tasks::Subscription& s;
            ~Detach() { s.detach(); }
        } detach{sub};
        for (;;) {
            auto next = co_await sub.next(kPingAfter);
            if (next.kind == tasks::Subscription::Next::Kind::closed) co_return;
            if (next.kind == tasks::Subscription::Next::Kind::timeout) {
                if (!co_await w.write(kSsePing)) co_return;
                continue;
            }
            const auto& e = next.event;
            if (!co_await w.write(frame(e.seq, event_name(e.kind), *e.payload))) co_return;
            if (e.final) co_return;
        }
    };
    return r;
}

http::Response error_stream(std::string response_json) {
    http::Response r;
    set_sse_headers(r);
    r.stream = [body = std::move(response_json)](http::StreamWriter& w) -> boost::asio::awaitable<void> {
        co_await w.write(sse_event(-1, "error", body));
    };
    return r;
}

}  // namespace hector::server
