#include "support/fake_openai.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <stdexcept>

#include "hector/http/server.hpp"

namespace hector::test {

namespace asio = boost::asio;
namespace json = boost::json;

struct FakeOpenAi::Impl {
    asio::io_context io{1};
    std::unique_ptr<http::Server> server;
    std::thread thread;
    mutable std::mutex mu;
    mutable std::condition_variable cv;
    std::deque<Reply> replies;
    std::function<Reply(const std::string&)> rule;
    std::vector<Request> requests;
    int disconnects = 0;
    std::size_t waiting = 0;       // requests in their reply's delay now
    std::size_t most_waiting = 0;  // the most there were at once

    asio::awaitable<http::Response> handle(http::Request& req);
};

namespace {

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
    if (d.count() <= 0) co_return;
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

std::string last_user_text(const json::value& body) {
    const auto* messages = body.is_object() ? body.as_object().if_contains("messages") : nullptr;
    if (!messages || !messages->is_array()) return {};
    const auto& arr = messages->as_array();
    for (auto it = arr.rbegin(); it != arr.rend(); ++it) {
        const auto& m = it->as_object();
        if (m.at("role") != "user") continue;
        const auto& c = m.at("content");
        if (c.is_string()) return std::string(c.as_string());
        if (c.is_array()) {
            std::string out;
            for (const auto& p : c.as_array())
                if (const auto* t = p.as_object().if_contains("text")) out += std::string(t->as_string());
            return out;
        }
    }
    return {};
}

json::object chunk(const std::string& model, json::object delta, json::value finish) {
    return json::object{
        {"id", "chatcmpl-fake"},
        {"object", "chat.completion.chunk"},
        {"created", 1700000000},
        {"model", model},
        {"system_fingerprint", "fp_fake"},
        {"choices",
         json::array{json::object{
             {"index", 0}, {"delta", std::move(delta)}, {"logprobs", nullptr}, {"finish_reason", std::move(finish)}}}}};
}

std::string sse(const json::value& v) {
    return "data: " + json::serialize(v) + "\n\n";
}

}  // namespace

asio::awaitable<http::Response> FakeOpenAi::Impl::handle(http::Request& req) {
    Request recorded;
    recorded.path = req.path;
    for (const auto& [k, v] : req.headers.items()) {
        std::string key = k;
        for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        recorded.headers[key] = v;
    }
    boost::system::error_code ec;
    recorded.body = json::parse(req.body, ec);
    Reply reply;
    {
        std::lock_guard lock(mu);
        requests.push_back(recorded);
        if (!replies.empty()) {
            reply = std::move(replies.front());
            replies.pop_front();
        } else if (rule) {
            reply = rule(last_user_text(recorded.body));
        } else {
            reply.text = "fake: " + last_user_text(recorded.body);
        }
        cv.notify_all();
    }
    if (req.path != "/v1/chat/completions") co_return http::Response::json(404, json::object{{"error", "not found"}});
    {
        std::lock_guard lock(mu);
        most_waiting = std::max(most_waiting, ++waiting);
    }
    co_await sleep_for(reply.delay);
    {
        std::lock_guard lock(mu);
        --waiting;
    }

    if (reply.hang) {
        // Hold the request open, writing nothing useful, until the client gives up.
        http::Response r;
        r.headers.set("Content-Type", "text/event-stream");
        r.stream = [this](http::StreamWriter& w) -> asio::awaitable<void> {
            for (;;) {
                co_await sleep_for(std::chrono::milliseconds(50));
                if (!co_await w.write(std::string_view(": waiting\n\n"))) break;
            }
            std::lock_guard lock(mu);
            ++disconnects;
            cv.notify_all();
        };
        co_return r;
    }
    if (reply.status >= 400) {
        auto r = http::Response::json(
            reply.status,
            json::object{
                {"error", json::object{{"message", reply.error_message.empty() ? "fake error" : reply.error_message},
                                       {"type", reply.status == 429 ? "rate_limit_error" : "server_error"},
                                       {"param", nullptr},
                                       {"code", nullptr}}}});
        for (const auto& [k, v] : reply.headers) r.headers.set(k, v);
        co_return r;
    }

    const auto& body = recorded.body.as_object();
    const std::string model = body.contains("model") ? std::string(body.at("model").as_string()) : "gpt-4o";
    const bool stream = body.contains("stream") && body.at("stream").as_bool();
    json::object usage{{"prompt_tokens", reply.prompt_tokens},
                       {"completion_tokens", reply.completion_tokens},
                       {"total_tokens", reply.prompt_tokens + reply.completion_tokens}};
    const std::string finish = reply.tool_calls.empty() ? "stop" : "tool_calls";

    if (!stream) {
        json::object message{{"role", "assistant"},
                             {"content", reply.text.empty() && !reply.tool_calls.empty() ? json::value(nullptr)
                                                                                         : json::value(reply.text)}};
        if (!reply.tool_calls.empty()) {
            json::array calls;
            for (const auto& c : reply.tool_calls)
                calls.push_back(json::object{{"id", c.id},
                                             {"type", "function"},
                                             {"function", json::object{{"name", c.name}, {"arguments", c.arguments}}}});
            message["tool_calls"] = std::move(calls);
        }
        auto r = http::Response::json(
            200,
            json::object{
                {"id", "chatcmpl-fake"},
                {"object", "chat.completion"},
                {"created", 1700000000},
                {"model", model},
                {"choices",
                 json::array{json::object{
                     {"index", 0}, {"message", std::move(message)}, {"logprobs", nullptr}, {"finish_reason", finish}}}},
                {"usage", usage}});
        co_return r;
    }

    std::vector<std::string> pieces = reply.chunks;
    if (pieces.empty() && !reply.text.empty()) {
        const std::size_t n = std::min<std::size_t>(4, reply.text.size());
        std::size_t start = 0;
        for (std::size_t i = 1; i <= n; ++i) {
            std::size_t end = reply.text.size() * i / n;
            pieces.push_back(reply.text.substr(start, end - start));
            start = end;
        }
    }
    const bool include_usage = body.contains("stream_options");
    // Every event is serialised before the co_await that writes it (g++ 12 cannot keep braced initialiser lists
    // alive across a suspension point).
    std::vector<std::string> events;
    std::vector<bool> delayed;
    for (const auto& raw : reply.raw_events) {
        events.push_back("data: " + raw + "\n\n");
        delayed.push_back(false);
    }
    if (reply.raw_events.empty()) {
        events.push_back(sse(chunk(model, json::object{{"role", "assistant"}, {"content", ""}}, nullptr)));
        delayed.push_back(false);
        for (const auto& p : pieces) {
            events.push_back(sse(chunk(model, json::object{{"content", p}}, nullptr)));
            delayed.push_back(true);
        }
        for (std::size_t i = 0; i < reply.tool_calls.size(); ++i) {
            const auto& c = reply.tool_calls[i];
            json::object first{{"index", static_cast<int>(i)},
                               {"id", c.id},
                               {"type", "function"},
                               {"function", json::object{{"name", c.name}, {"arguments", ""}}}};
            events.push_back(sse(chunk(model, json::object{{"tool_calls", json::array{first}}}, nullptr)));
            delayed.push_back(false);
            // Arguments arrive in fragments, as the real API sends them.
            for (std::size_t off = 0; off < c.arguments.size(); off += 5) {
                json::object frag{{"index", static_cast<int>(i)},
                                  {"function", json::object{{"arguments", c.arguments.substr(off, 5)}}}};
                events.push_back(sse(chunk(model, json::object{{"tool_calls", json::array{frag}}}, nullptr)));
                delayed.push_back(true);
            }
        }
        events.push_back(sse(chunk(model, json::object{}, json::value(finish))));
        delayed.push_back(false);
        if (include_usage) {
            json::object last{{"id", "chatcmpl-fake"}, {"object", "chat.completion.chunk"}, {"created", 1700000000},
                              {"model", model},        {"choices", json::array{}},          {"usage", usage}};
            events.push_back(sse(last));
            delayed.push_back(false);
        }
        events.push_back("data: [DONE]\n\n");
        delayed.push_back(false);
    }

    http::Response r;
    r.headers.set("Content-Type", "text/event-stream");
    const auto chunk_delay = reply.chunk_delay;
    r.stream = [this, events = std::move(events), delayed = std::move(delayed),
                chunk_delay](http::StreamWriter& w) -> asio::awaitable<void> {
        bool ok = true;
        for (std::size_t i = 0; ok && i < events.size(); ++i) {
            if (delayed[i]) co_await sleep_for(chunk_delay);
            ok = co_await w.write(events[i]);
        }
        if (!ok) {
            std::lock_guard lock(mu);
            ++disconnects;
            cv.notify_all();
        }
    };
    co_return r;
}

FakeOpenAi::FakeOpenAi() : impl_(std::make_shared<Impl>()) {
    http::ServerSettings s;
    s.host = "127.0.0.1";
    s.port = 0;
    s.write_timeout = std::chrono::seconds(5);
    // A plain pointer: the server is Impl's own member, so a shared one would keep Impl alive forever. Impl outlives
    // every handler call (the destructor stops the server and joins the thread first).
    Impl* impl = impl_.get();
    impl_->server = std::make_unique<http::Server>(impl_->io, s, [impl](http::Request& r) { return impl->handle(r); });
    auto port = impl_->server->listen();
    if (!port) throw std::runtime_error("fake openai: " + port.error().message);
    port_ = *port;
    impl_->server->start();
    impl_->thread = std::thread([impl] { impl->io.run(); });
}

FakeOpenAi::~FakeOpenAi() {
    impl_->server->stop();
    impl_->io.stop();
    if (impl_->thread.joinable()) impl_->thread.join();
}

std::string FakeOpenAi::base_url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/v1";
}

void FakeOpenAi::enqueue(Reply reply) {
    std::lock_guard lock(impl_->mu);
    impl_->replies.push_back(std::move(reply));
}

void FakeOpenAi::set_default(std::function<Reply(const std::string&)> rule) {
    std::lock_guard lock(impl_->mu);
    impl_->rule = std::move(rule);
}

std::vector<FakeOpenAi::Request> FakeOpenAi::requests() const {
    std::lock_guard lock(impl_->mu);
    return impl_->requests;
}

std::size_t FakeOpenAi::max_concurrent() const {
    std::lock_guard lock(impl_->mu);
    return impl_->most_waiting;
}

std::size_t FakeOpenAi::request_count() const {
    std::lock_guard lock(impl_->mu);
    return impl_->requests.size();
}

bool FakeOpenAi::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(impl_->mu);
    return impl_->cv.wait_for(lock, timeout, [&] { return impl_->requests.size() >= n; });
}

bool FakeOpenAi::wait_for_disconnect(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(impl_->mu);
    return impl_->cv.wait_for(lock, timeout, [&] { return impl_->disconnects > 0; });
}

}  // namespace hector::test
