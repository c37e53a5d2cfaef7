#include "hector/automation/signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <optional>

#include "hector/common/encoding.hpp"
#include "hector/common/strings.hpp"

namespace hector::automation {

namespace {

constexpr std::size_t kDigestBytes = 32;

// The digest a header value carries, in whichever spelling it uses.
std::optional<std::string> decode_digest(std::string_view value) {
    value = trim(value);
    if (value.size() > 7 && iequals(value.substr(0, 7), "sha256=")) value = trim(value.substr(7));
    if (value.size() == 2 * kDigestBytes) {
        if (auto bytes = hex_decode(value)) return bytes;
    }
    return base64_decode(value);
}

}  // namespace

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
         data.size(), out, &len);
    return std::string(reinterpret_cast<const char*>(out), len);
}

bool verify_signature(std::string_view secret, std::string_view body, std::string_view header_value) {
    auto given = decode_digest(header_value);
    if (!given || given->size() != kDigestBytes) return false;
    const std::string expected = hmac_sha256(secret, body);
    return CRYPTO_memcmp(expected.data(), given->data(), kDigestBytes) == 0;
}

}  // namespace hector::automation
