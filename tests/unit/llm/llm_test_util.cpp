#include "unit/llm/llm_test_util.hpp"

#include <gtest/gtest.h>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include <future>
#include <stdexcept>

namespace hector::llm::testing {

void expect_answer_with_one_call(const Outcome& out, std::string_view text, std::string_view thinking,
                                 std::string_view tool, std::string_view arguments) {
    ASSERT_TRUE(out->ok()) << out->error().message;
    const auto& r = **out;
    EXPECT_EQ(r.text, text);
    EXPECT_EQ(r.thinking, thinking);
    EXPECT_EQ(out.joined(Delta::Kind::text), r.text);
    EXPECT_EQ(out.joined(Delta::Kind::thinking), r.thinking);
    ASSERT_EQ(r.tool_calls.size(), 1u);
    EXPECT_EQ(r.tool_calls[0].name, tool);
    EXPECT_EQ(boost::json::parse(r.tool_calls[0].arguments), boost::json::parse(arguments));
    EXPECT_EQ(r.finish_reason, "tool_calls");
}

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

/// co_spawn needs a default-constructible result; Result<T> is not.
asio::awaitable<std::optional<Result<ChatResponse>>> call(Model& model, const ChatRequest& request,
                                                          const DeltaSink* sink) {
    co_return co_await model.generate(request, sink);
}

Result<ChatResponse> wait(std::future<std::optional<Result<ChatResponse>>>& future) {
    if (future.wait_for(std::chrono::seconds(20)) != std::future_status::ready)
        throw std::runtime_error("generate() did not finish within 20 s");
    auto r = future.get();
    if (!r) throw std::runtime_error("generate() produced no result");
    return std::move(*r);
}

}  // namespace

std::string Outcome::joined(Delta::Kind kind) const {
    std::string out;
    for (const auto& d : deltas)
        if (d.kind == kind) out += d.text;
    return out;
}

int Outcome::count(Delta::Kind kind) const {
    int n = 0;
    for (const auto& d : deltas) n += d.kind == kind;
    return n;
}

ProviderRuntime::ProviderRuntime() : work_(asio::make_work_guard(io_)) {
    thread_ = std::thread([this] { io_.run(); });
    http_ = std::make_unique<net::HttpClient>();
}

ProviderRuntime::~ProviderRuntime() {
    http_.reset();  // before the io_context its callers run on
    work_.reset();
    io_.stop();
    thread_.join();
}

Outcome ProviderRuntime::generate(Model& model, const ChatRequest& request, bool stream) {
    Outcome out;
    DeltaSink sink = [&out](const Delta& d) { out.deltas.push_back(d); };
    auto future = asio::co_spawn(io_, call(model, request, stream ? &sink : nullptr), asio::use_future);
    out.result = wait(future);
    return out;
}

Outcome ProviderRuntime::generate_and_cancel(Model& model, const ChatRequest& request, int after) {
    Outcome out;
    auto signal = std::make_shared<asio::cancellation_signal>();  // outlives a cancel still queued at the end
    // The sink runs inside the coroutine; the cancel is posted so it lands while the coroutine waits for the
    // next chunk, as a cancel from another task would.
    DeltaSink sink = [&](const Delta& d) {
        out.deltas.push_back(d);
        if (static_cast<int>(out.deltas.size()) == after)
            asio::post(io_, [signal] { signal->emit(asio::cancellation_type::terminal); });
    };
    auto future = asio::co_spawn(io_, call(model, request, &sink),
                                 asio::bind_cancellation_slot(signal->slot(), asio::use_future));
    out.result = wait(future);
    return out;
}

config::LlmConfig llm_config(std::string provider, std::string model, std::string base_url, std::string api_key) {
    config::LlmConfig c;
    c.provider = std::move(provider);
    c.model = std::move(model);
    c.base_url = std::move(base_url);
    c.api_key = std::move(api_key);
    c.temperature = 0.3;
    c.max_tokens = 321;
    c.max_retries = 2;
    c.timeout = std::chrono::seconds(10);
    return c;
}

ChatRequest user_request(std::string text) {
    ChatRequest r;
    r.system = "You are terse.";
    ChatMessage m;
    m.text = std::move(text);
    r.messages.push_back(std::move(m));
    r.temperature = 0.3;
    r.max_tokens = 321;
    return r;
}

ToolDeclaration weather_tool() {
    ToolDeclaration t;
    t.name = "get_weather";
    t.description = "The weather in a city";
    t.parameters = json::parse(
        R"({"type":"object","properties":{"city":{"type":"string","description":"City name"}},"required":["city"]})");
    return t;
}

}  // namespace hector::llm::testing
