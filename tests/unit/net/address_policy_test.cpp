#include "hector/net/address_policy.hpp"

#include <gtest/gtest.h>

namespace hector::net {
namespace {

struct Case {
    const char* ip;
    bool is_private;
};

// DECISIONS 28: what callers and models may not reach, and what they may.
constexpr Case kCases[] = {
    // IPv4 loopback, unspecified, link-local (cloud metadata), private, CGNAT
    {"127.0.0.1", true},
    {"127.255.255.254", true},
    {"0.0.0.0", true},
    {"0.1.2.3", true},
    {"169.254.169.254", true},
    {"169.254.0.1", true},
    {"10.0.0.1", true},
    {"10.255.255.255", true},
    {"172.16.0.1", true},
    {"172.31.255.255", true},
    {"192.168.1.1", true},
    {"100.64.0.1", true},
    {"100.127.255.255", true},
    {"224.0.0.1", true},
    {"255.255.255.255", true},
    // Just outside those ranges
    {"172.15.255.255", false},
    {"172.32.0.0", false},
    {"100.63.255.255", false},
    {"100.128.0.0", false},
    {"169.253.255.255", false},
    {"11.0.0.1", false},
    {"8.8.8.8", false},
    {"1.1.1.1", false},
    {"93.184.216.34", false},
    {"223.255.255.255", false},
    // IPv6
    {"::1", true},
    {"::", true},
    {"[::1]", true},
    {"fe80::1", true},
    {"febf::1", true},
    {"fc00::1", true},
    {"fd12:3456::1", true},
    {"ff02::1", true},
    {"fec0::1", true},
    {"2001:4860:4860::8888", false},
    {"2606:4700:4700::1111", false},
    {"[2001:db8::1]", false},
    {"fe7f::1", false},
    // IPv4 embedded in IPv6
    {"::ffff:127.0.0.1", true},
    {"::ffff:7f00:1", true},
    {"::ffff:10.1.2.3", true},
    {"::ffff:169.254.169.254", true},
    {"::ffff:8.8.8.8", false},
    {"::127.0.0.1", true},
    {"64:ff9b::10.0.0.1", true},
    {"64:ff9b::8.8.8.8", false},
    {"2002:c0a8:0101::1", true},  // 6to4 of 192.168.1.1
    {"2002:0808:0808::1", false},
    // Not an IP literal: refused rather than guessed
    {"localhost", true},
    {"example.com", true},
    {"127.1", true},
    {"0x7f.0.0.1", true},
    {"2130706433", true},
    {"", true},
    {"[]", true},
    {"1.2.3.4 ", true},
};

TEST(AddressPolicyTest, ClassifiesAddresses) {
    for (const auto& c : kCases) EXPECT_EQ(is_private_address(c.ip), c.is_private) << c.ip;
}

TEST(AddressPolicyTest, BinaryFormsAgree) {
    EXPECT_TRUE(is_private_ipv4(0x7f000001));
    EXPECT_TRUE(is_private_ipv4(0xa9fea9fe));
    EXPECT_FALSE(is_private_ipv4(0x08080808));
    std::array<std::uint8_t, 16> loopback{};
    loopback[15] = 1;
    EXPECT_TRUE(is_private_ipv6(loopback));
    std::array<std::uint8_t, 16> google{0x20, 0x01, 0x48, 0x60, 0x48, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0x88, 0x88};
    EXPECT_FALSE(is_private_ipv6(google));
}

}  // namespace
}  // namespace hector::net
