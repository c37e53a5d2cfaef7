#include "hector/common/ids.hpp"

#include <sys/random.h>

#include <cerrno>

#include <chrono>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace hector {

// The kernel's CSPRNG (getrandom(2)), not OpenSSL's: ids are made from the first request on, and OpenSSL's random
// generator costs a few MB of memory to initialise in a process that may never need TLS.
namespace {

void fill_random(void* out, std::size_t n) {
    auto* p = static_cast<unsigned char*>(out);
    std::size_t filled = 0;
    while (filled < n) {
        const ssize_t got = ::getrandom(p + filled, n - filled, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error("getrandom failed");
        }
        filled += static_cast<std::size_t>(got);
    }
}

}  // namespace

std::string random_bytes(std::size_t n) {
    std::string out(n, '\0');
    fill_random(out.data(), n);
    return out;
}

namespace {

// xoshiro256** (Blackman & Vigna), seeded per thread from the OS generator.
struct FastRng {
    std::uint64_t s[4];
    FastRng() {
        auto seed = random_bytes(sizeof s);
        std::memcpy(s, seed.data(), sizeof s);
    }
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t next() {
        const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
        const std::uint64_t t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = rotl(s[3], 45);
        return result;
    }
};

std::string format_uuid(unsigned char* b, unsigned version = 4) {
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | (version << 4));
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(36, '-');
    std::size_t o = 0;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) ++o;
        out[o++] = kHex[b[i] >> 4];
        out[o++] = kHex[b[i] & 15];
    }
    return out;
}

// Random bytes for ids from the same generator, drawn a block at a time per thread: one getrandom(2) call for
// every few dozen ids instead of one each. Bytes are handed out once and wiped from the block as they go.
void fill_id_bytes(unsigned char* out, std::size_t n) {
    constexpr std::size_t kBlock = 512;
    thread_local unsigned char block[kBlock];
    thread_local std::size_t left = 0;
    while (n > 0) {
        if (left == 0) {
            fill_random(block, kBlock);
            left = kBlock;
        }
        const std::size_t take = std::min(n, left);
        unsigned char* from = block + (kBlock - left);
        std::memcpy(out, from, take);
        std::memset(from, 0, take);
        left -= take;
        out += take;
        n -= take;
    }
}

}  // namespace

std::string new_uuid() {
    unsigned char b[16];
    fill_id_bytes(b, sizeof b);
    return format_uuid(b);
}

std::string new_ordered_uuid() {
    // RFC 9562 UUIDv7: 48 bits of Unix milliseconds (big-endian), then 74 random bits around the version and
    // variant.
    const auto ms = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
    unsigned char b[16];
    for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
    fill_id_bytes(b + 6, 10);
    return format_uuid(b, 7);
}

std::string new_fast_uuid() {
    thread_local FastRng rng;
    std::uint64_t words[2] = {rng.next(), rng.next()};
    unsigned char b[16];
    std::memcpy(b, words, sizeof b);
    return format_uuid(b);
}

std::string new_alnum_id(std::size_t n) {
    static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string out;
    out.reserve(n);
    while (out.size() < n) {
        for (unsigned char c : random_bytes(n)) {
            if (c >= 252) continue;  // 252 = 36 * 7: keeps the distribution uniform
            out.push_back(kAlphabet[c % 36]);
            if (out.size() == n) break;
        }
    }
    return out;
}

}  // namespace hector
