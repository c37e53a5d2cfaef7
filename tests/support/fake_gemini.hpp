#pragma once

#include "support/fake_llm_server.hpp"

namespace hector::test {

/// A scripted stand-in for the Gemini API (POST /v1beta/models/{model}:generateContent and
/// :streamGenerateContent?alt=sse), speaking its wire format: GenerateContentResponse objects with candidates,
/// content parts (text, `thought: true` parts, functionCall with args, thoughtSignature on the first call),
/// finishReason and usageMetadata; SSE `data:` chunks; `{"error":{"code","message","status","details"}}` errors,
/// with RetryInfo when the reply sets retry_delay. Function calls carry an id only when the script gives one.
/// Thread-safe.
class FakeGemini : public FakeLlmServer {
  public:
    FakeGemini();
    /// The base URL to configure (the API's paths start with /v1beta).
    std::string base_url() const { return url(); }
};

}  // namespace hector::test
