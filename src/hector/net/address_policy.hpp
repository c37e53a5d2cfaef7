#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace hector::net {

/// True when an outbound request chosen by a caller or a model must not reach this address (DECISIONS 28):
/// loopback (127/8, ::1), unspecified (0/8, ::), link-local (169.254/16 incl. the cloud metadata address,
/// fe80::/10), private (10/8, 172.16/12, 192.168/16), CGNAT (100.64/10), unique-local (fc00::/7), site-local
/// (fec0::/10), IETF/benchmark blocks (192.0.0/24, 198.18/15), multicast and reserved (224/3, ff00::/8), and
/// every IPv6 form that embeds one of these IPv4
/// addresses (IPv4-mapped ::ffff:0:0/96, IPv4-compatible ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16).
/// `ip` is an IP literal (an IPv6 one may be bracketed). Anything else, including host names and the odd IPv4
/// spellings ("127.1", "0x7f.0.0.1") that resolvers accept, counts as private: callers refuse what they cannot
/// classify. Pure; thread-safe.
bool is_private_address(std::string_view ip);

/// The same check on binary addresses (IPv4 as a host-order integer, IPv6 as its 16 bytes), for the connect-time
/// callbacks.
bool is_private_ipv4(std::uint32_t address_host_order);
bool is_private_ipv6(const std::array<std::uint8_t, 16>& address);

}  // namespace hector::net
