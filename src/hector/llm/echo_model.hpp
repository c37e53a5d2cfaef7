#pragma once

#include <chrono>

#include "hector/llm/model.hpp"

namespace hector::llm {

/// The offline model of DECISIONS 16: streams the user's last text back in several chunks and says that it is the
/// echo model. Needs no network; benchmarks use it to measure the platform alone. `chunk_delay` spaces the chunks
/// (zero by default) and honours cancellation.
class EchoModel final : public Model {
  public:
    explicit EchoModel(std::string model_name = "echo", std::chrono::milliseconds chunk_delay = {});
    boost::asio::awaitable<Result<ChatResponse>> generate(const ChatRequest& request,
                                                          const DeltaSink* on_delta) override;
    const std::string& provider() const override { return provider_; }
    const std::string& model_name() const override { return model_; }

    /// The full answer for a given user text (what generate() streams).
    static std::string answer_for(std::string_view user_text);

  private:
    std::string provider_ = "echo";
    std::string model_;
    std::chrono::milliseconds chunk_delay_;
};

}  // namespace hector::llm
