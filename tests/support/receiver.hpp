#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hector::test {

/// A local HTTP endpoint that records every request (push notifications, webhook callbacks) and answers with
/// scripted statuses (200 once the script runs out). Own thread, free loopback port. Thread-safe.
class Receiver {
  public:
    struct Request {
        std::string method;
        std::string path;
        std::map<std::string, std::string> headers;  // lower-case names
        std::string body;
    };

    Receiver();
    ~Receiver();
    std::string url(const std::string& path = "/hook") const;
    /// Statuses to answer with, in order.
    void script(std::vector<int> statuses);
    std::vector<Request> requests() const;
    /// Waits until at least n requests arrived.
    bool wait_for(std::size_t n, std::chrono::milliseconds timeout) const;

    struct Impl;

  private:
    std::shared_ptr<Impl> impl_;
    int port_ = 0;
};

}  // namespace hector::test
