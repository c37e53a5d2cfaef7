#pragma once

#include <chrono>
#include <string>

namespace hector::net {

/// Blocking: true when a TCP connection to host:port succeeds within timeout. Used once at start-up (the Ollama
/// probe of DECISIONS 16), never on an I/O thread.
bool tcp_reachable(const std::string& host, const std::string& port, std::chrono::milliseconds timeout);

}  // namespace hector::net
