#pragma once

#include "support/fake_llm_server.hpp"

namespace hector::test {

/// A scripted stand-in for Ollama's native chat API (POST /api/chat), speaking its wire format: one JSON object
/// with `stream: false`, else NDJSON lines (`message.content` / `message.thinking` pieces, whole tool calls with
/// object arguments, a final `done: true` object with done_reason and the eval counts); errors as
/// `{"error":"..."}` with a status, or as a line in the middle of a stream. Streams by default, as Ollama does.
/// Thread-safe.
class FakeOllama : public FakeLlmServer {
  public:
    FakeOllama();
    std::string base_url() const { return url(); }
};

}  // namespace hector::test
