#include "hector/server/a2a_stream.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include "hector/a2a/codec.hpp"
#include "hector/a2a/jsonrpc.hpp"
#include "hector/a2a/rest_error.hpp"
#include "hector/server/sse.hpp"

namespace hector::server {

namespace {

constexpr auto kPingAfter = std::chrono::seconds(15);

std::string_view event_name(store::TaskEvent::Kind kind) {
    return kind == store::TaskEvent::Kind::artifact ? "artifact" : "task";
}

// The last event of a stream whose subscriber was dropped for falling behind (DECISIONS 27): the client learns the
// stream did not end with the task, and how to follow it again.
std::string dropped_event(StreamFraming framing, std::string_view id_json) {
    const Error why{Errc::unavailable,
                    "this stream fell too far behind the task and was dropped (server.limits.subscriber_queue); the "
                    "task goes on: follow it with tasks/resubscribe"};
    if (framing == StreamFraming::jsonrpc) {
        const auto rpc = a2a::error_from(why);
        json::object error{{"code", rpc.code}, {"message", rpc.message}};
        if (!rpc.data.is_null()) error["data"] = rpc.data;
        std::string body = R"({"jsonrpc":"2.0","id":)";
        body.append(id_json).append(R"(,"error":)").append(json::serialize(error)) += '}';
        return sse_event(-1, "error", body);
    }
    return sse_event(-1, "error", json::serialize(a2a::rest_error(why).body));
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
        // Events that are ready together go out in one write: the snapshot with what the run already said, a burst
        // of answer chunks with each other.
        std::string out;
        if (state->snapshot) out = frame(state->seq, "task", a2a::to_text(state->task, history_length));
        state->task = a2a::Task{};  // sent: a long stream does not keep the snapshot
        for (const auto& e : state->backlog) {
            out += frame(e.seq, event_name(e.kind), *e.payload);
            if (e.final) {
                co_await w.write_last(out);
                co_return;
            }
        }
        if (state->ended || !state->subscription) {
            co_await w.write_last(out);
            co_return;
        }
        std::vector<tasks::Event>().swap(state->backlog);
        auto& sub = *state->subscription;
        struct Detach {
            tasks::Subscription& s;
            ~Detach() { s.detach(); }
        } detach{sub};
        using Kind = tasks::Subscription::Next::Kind;
        // The first write waits for one pass of the thread's queue: a run that answers at once (an instant or
        // cached model) ends in it, and the head and the whole stream then go out in one write instead of two.
        co_await boost::asio::post(co_await boost::asio::this_coro::executor, boost::asio::use_awaitable);
        for (;;) {
            // What is queued now joins the pending frames; the write waits only when nothing more is ready.
            bool end = false;
            for (;;) {
                auto more = sub.try_next();
                if (more.kind != Kind::event) {
                    end = more.kind == Kind::closed;
                    break;
                }
                out += frame(more.event.seq, event_name(more.event.kind), *more.event.payload);
                if (more.event.final) {
                    end = true;
                    break;
                }
            }
            if (end) {
                if (sub.overflowed()) out += dropped_event(framing, id);
                co_await w.write_last(out);  // with the end of the body
                co_return;
            }
            if (!out.empty()) {
                if (!co_await w.write(out)) co_return;
                std::string().swap(out);       // a stream may then wait for hours: without the buffer
            } else if (!co_await w.flush()) {  // nothing written yet (a resubscription without a snapshot)
                co_return;
            }
            auto next = co_await sub.next(kPingAfter);
            if (next.kind == Kind::closed) {
                if (sub.overflowed()) co_await w.write_last(dropped_event(framing, id));
                co_return;
            }
            if (next.kind == Kind::timeout) {
                if (!co_await w.write(kSsePing)) co_return;
                continue;
            }
            out = frame(next.event.seq, event_name(next.event.kind), *next.event.payload);
            if (next.event.final) {
                co_await w.write_last(out);
                co_return;
            }
        }
    };
    return r;
}

http::Response error_stream(std::string response_json) {
    http::Response r;
    set_sse_headers(r);
    r.stream = [body = std::move(response_json)](http::StreamWriter& w) -> boost::asio::awaitable<void> {
        co_await w.write_last(sse_event(-1, "error", body));
    };
    return r;
}

}  // namespace hector::server
