#pragma once

#include <memory>

#include "hector/common/result.hpp"
#include "hector/config/model.hpp"
#include "hector/llm/model.hpp"

namespace hector::net {
class HttpClient;
}

namespace hector::llm {

/// Builds the model an `llms.<id>` entry describes. Providers that call out use `http` (never null for them).
/// Errors name the entry: a missing API key, an unknown provider.
Result<std::shared_ptr<Model>> make_model(const std::string& id, const config::LlmConfig& config,
                                          net::HttpClient* http);

}  // namespace hector::llm
