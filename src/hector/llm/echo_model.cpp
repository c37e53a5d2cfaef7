#include "hector/llm/echo_model.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace hector::llm {

namespace asio = boost::asio;

EchoModel::EchoModel(std::string model_name, std::chrono::milliseconds chunk_delay)
    : model_(std::move(model_name)), chunk_delay_(chunk_delay) {}

std::string EchoModel::answer_for(std::string_view user_text) {
    if (user_text.empty()) return "Echo: (no text). This is Hector's offline echo model; configure an LLM provider.";
    return "Echo: " + std::string(user_text);
}

asio::awaitable<Result<ChatResponse>> EchoModel::generate(const ChatRequest& request, const DeltaSink* on_delta) {
    std::string user_text;
    for (auto it = request.messages.rbegin(); it != request.messages.rend(); ++it) {
        if (it->role == ChatMessage::Role::user) {
            user_text = it->text;
            break;
        }
    }
    ChatResponse out;
    out.text = answer_for(user_text);
    out.finish_reason = "stop";
    out.usage.prompt_tokens = static_cast<std::int64_t>(request.system.size() / 4 + user_text.size() / 4 + 1);
    out.usage.completion_tokens = static_cast<std::int64_t>(out.text.size() / 4 + 1);
    if (on_delta) {
        // Several chunks, split at word boundaries where possible, so streaming is visible to clients.
        const std::string& t = out.text;
        const std::size_t chunks = std::min<std::size_t>(4, std::max<std::size_t>(1, t.size() / 8));
        std::size_t start = 0;
        for (std::size_t i = 1; i <= chunks; ++i) {
            std::size_t end = i == chunks ? t.size() : t.size() * i / chunks;
            while (end < t.size() && end > start && (static_cast<unsigned char>(t[end]) & 0xC0) == 0x80) ++end;
            if (end <= start) continue;
            if (chunk_delay_.count() > 0) {
                asio::steady_timer timer(co_await asio::this_coro::executor, chunk_delay_);
                auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
                if (ec) co_return Error{Errc::cancelled, "echo generation cancelled"};
            }
            (*on_delta)(Delta{Delta::Kind::text, t.substr(start, end - start)});
            start = end;
        }
    }
    co_return out;
}

}  // namespace hector::llm
