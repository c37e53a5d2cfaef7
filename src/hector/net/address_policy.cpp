#include "hector/net/address_policy.hpp"

#include <arpa/inet.h>

#include <cstring>
#include <string>

namespace hector::net {

namespace {

struct Range4 {
    std::uint32_t base;
    int prefix;
};

constexpr std::uint32_t v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    return (std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{c} << 8) | std::uint32_t{d};
}

constexpr Range4 kPrivate4[] = {
    {v4(0, 0, 0, 0), 8},       // "this network", unspecified
    {v4(10, 0, 0, 0), 8},      // private
    {v4(100, 64, 0, 0), 10},   // CGNAT
    {v4(127, 0, 0, 0), 8},     // loopback
    {v4(169, 254, 0, 0), 16},  // link-local, cloud metadata
    {v4(172, 16, 0, 0), 12},   // private
    {v4(192, 0, 0, 0), 24},    // IETF protocol assignments
    {v4(192, 168, 0, 0), 16},  // private
    {v4(198, 18, 0, 0), 15},   // benchmarking, used inside some clouds
    {v4(224, 0, 0, 0), 3},     // multicast, reserved, broadcast
};

bool in_range(std::uint32_t address, const Range4& range) {
    const std::uint32_t mask = range.prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - range.prefix);
    return (address & mask) == (range.base & mask);
}

std::uint32_t embedded_v4(const std::array<std::uint8_t, 16>& a, std::size_t at) {
    return v4(a[at], a[at + 1], a[at + 2], a[at + 3]);
}

bool all_zero(const std::array<std::uint8_t, 16>& a, std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i)
        if (a[i] != 0) return false;
    return true;
}

}  // namespace

bool is_private_ipv4(std::uint32_t address) {
    for (const auto& range : kPrivate4)
        if (in_range(address, range)) return true;
    return false;
}

bool is_private_ipv6(const std::array<std::uint8_t, 16>& a) {
    // ::/96 covers :: (unspecified), ::1 (loopback) and the deprecated IPv4-compatible form.
    if (all_zero(a, 0, 12)) return all_zero(a, 12, 15) ? true : is_private_ipv4(embedded_v4(a, 12));
    // ::ffff:a.b.c.d (IPv4-mapped).
    if (all_zero(a, 0, 10) && a[10] == 0xff && a[11] == 0xff) return is_private_ipv4(embedded_v4(a, 12));
    // 64:ff9b::a.b.c.d (NAT64 well-known prefix).
    static constexpr std::uint8_t kNat64[12] = {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    if (std::memcmp(a.data(), kNat64, sizeof kNat64) == 0) return is_private_ipv4(embedded_v4(a, 12));
    // 2002:AABB:CCDD::/48 (6to4) embeds a.b.c.d in bytes 2..5.
    if (a[0] == 0x20 && a[1] == 0x02) return is_private_ipv4(embedded_v4(a, 2));
    if ((a[0] & 0xfe) == 0xfc) return true;                  // fc00::/7 unique-local
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return true;  // fe80::/10 link-local
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) return true;  // fec0::/10 site-local (deprecated)
    if (a[0] == 0xff) return true;                           // ff00::/8 multicast
    return false;
}

bool is_private_address(std::string_view ip) {
    if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
    if (ip.empty() || ip.size() > 64) return true;
    const std::string text(ip);
    in_addr addr4{};
    if (inet_pton(AF_INET, text.c_str(), &addr4) == 1) return is_private_ipv4(ntohl(addr4.s_addr));
    std::array<std::uint8_t, 16> addr6{};
    if (inet_pton(AF_INET6, text.c_str(), addr6.data()) == 1) return is_private_ipv6(addr6);
    return true;
}

}  // namespace hector::net
