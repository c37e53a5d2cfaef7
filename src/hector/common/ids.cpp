#include "hector/common/ids.hpp"

#include <openssl/rand.h>

#include <stdexcept>

namespace hector {

std::string random_bytes(std::size_t n) {
    std::string out(n, '\0');
    if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
        throw std::runtime_error("RAND_bytes failed");
    }
    return out;
}

std::string new_uuid() {
    auto b = random_bytes(16);
    b[6] = static_cast<char>((b[6] & 0x0F) | 0x40);
    b[8] = static_cast<char>((b[8] & 0x3F) | 0x80);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        auto c = static_cast<unsigned char>(b[i]);
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
    return out;
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
