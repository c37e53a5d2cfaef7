#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hector/common/result.hpp"

namespace hector::http {

/// The peers whose X-Forwarded-* headers are believed (DECISIONS 31). Immutable; safe from any thread.
class TrustedProxies {
  public:
    /// Entries are addresses or CIDR blocks ("127.0.0.0/8", "::1", "10.0.0.0/8"); "loopback" means both loopbacks.
    static Result<TrustedProxies> parse(const std::vector<std::string>& entries);
    bool trusted(std::string_view ip) const;

  private:
    struct Block {
        std::vector<unsigned char> prefix;  // 4 or 16 bytes
        int bits = 0;
    };
    std::vector<Block> blocks_;
};

}  // namespace hector::http
