#include "hector/http/trusted_proxies.hpp"

#include <boost/asio/ip/address.hpp>

#include <charconv>

#include <fmt/format.h>

namespace hector::http {

namespace {

bool to_bytes(std::string_view text, std::vector<unsigned char>& out) {
    boost::system::error_code ec;
    auto addr = boost::asio::ip::make_address(std::string(text), ec);
    if (ec) return false;
    if (addr.is_v6() && addr.to_v6().is_v4_mapped())
        addr = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, addr.to_v6());
    if (addr.is_v4()) {
        auto b = addr.to_v4().to_bytes();
        out.assign(b.begin(), b.end());
    } else {
        auto b = addr.to_v6().to_bytes();
        out.assign(b.begin(), b.end());
    }
    return true;
}

}  // namespace

Result<TrustedProxies> TrustedProxies::parse(const std::vector<std::string>& entries) {
    TrustedProxies out;
    for (const auto& raw : entries) {
        std::vector<std::string> expanded;
        if (raw == "loopback")
            expanded = {"127.0.0.0/8", "::1/128"};
        else
            expanded = {raw};
        for (const auto& e : expanded) {
            std::string_view text = e;
            Block block;
            auto slash = text.find('/');
            if (!to_bytes(text.substr(0, slash), block.prefix))
                return Error{Errc::invalid_argument, fmt::format("trusted_proxies: invalid address \"{}\"", e)};
            block.bits = static_cast<int>(block.prefix.size() * 8);
            if (slash != std::string_view::npos) {
                auto bits_text = text.substr(slash + 1);
                int bits = -1;
                auto r = std::from_chars(bits_text.data(), bits_text.data() + bits_text.size(), bits);
                if (r.ec != std::errc{} || r.ptr != bits_text.data() + bits_text.size() || bits < 0 ||
                    bits > block.bits)
                    return Error{Errc::invalid_argument, fmt::format("trusted_proxies: invalid prefix \"{}\"", e)};
                block.bits = bits;
            }
            out.blocks_.push_back(std::move(block));
        }
    }
    return out;
}

bool TrustedProxies::trusted(std::string_view ip) const {
    std::vector<unsigned char> bytes;
    if (!to_bytes(ip, bytes)) return false;
    for (const auto& b : blocks_) {
        if (b.prefix.size() != bytes.size()) continue;
        int full = b.bits / 8, rest = b.bits % 8;
        bool match = std::equal(b.prefix.begin(), b.prefix.begin() + full, bytes.begin());
        if (match && rest) {
            unsigned char mask = static_cast<unsigned char>(0xFF << (8 - rest));
            match = (b.prefix[full] & mask) == (bytes[full] & mask);
        }
        if (match) return true;
    }
    return false;
}

}  // namespace hector::http
