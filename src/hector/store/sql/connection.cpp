#include "hector/store/sql/connection.hpp"

#include <charconv>

namespace hector::store::sql {

const std::string& Row::text(std::size_t i) const {
    static const std::string kEmpty;
    const auto& c = columns_.at(i);
    return c ? *c : kEmpty;
}

std::int64_t Row::integer(std::size_t i) const {
    const auto& s = text(i);
    std::int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || ptr != s.data() + s.size()) return 0;
    return v;
}

}  // namespace hector::store::sql
