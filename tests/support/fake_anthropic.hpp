#pragma once

#include "support/fake_llm_server.hpp"

namespace hector::test {

/// A scripted stand-in for the Anthropic Messages API (POST /v1/messages), speaking its wire format: a message
/// object with text/thinking/tool_use content blocks, or SSE events (message_start, ping, content_block_start/
/// delta/stop with text_delta, thinking_delta, signature_delta and input_json_delta, message_delta with
/// stop_reason and usage, message_stop), `{"type":"error","error":{"type","message"}}` errors (as a status or as
/// an in-stream `error` event). Thread-safe.
class FakeAnthropic : public FakeLlmServer {
  public:
    FakeAnthropic();
    /// The base URL to configure (the API's paths start with /v1).
    std::string base_url() const { return url(); }
};

}  // namespace hector::test
