#include "hector/auth/page_token.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

#include "hector/auth/jwt.hpp"
#include "hector/common/encoding.hpp"

namespace hector::auth {

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len))
        throw std::runtime_error("HMAC-SHA256 failed");  // only on allocation failure
    return std::string(reinterpret_cast<const char*>(out), len);
}

PageTokenSigner PageTokenSigner::derive(std::string_view secret, std::string_view purpose) {
    return PageTokenSigner(hmac_sha256(secret, purpose));
}

std::string PageTokenSigner::seal(std::string_view payload) const {
    return base64url_encode(payload) + "." + base64url_encode(hmac_sha256(key_, payload));
}

std::optional<std::string> PageTokenSigner::open(std::string_view token) const {
    const auto dot = token.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    auto payload = base64url_decode_strict(token.substr(0, dot));
    auto tag = base64url_decode_strict(token.substr(dot + 1));
    if (!payload || !tag) return std::nullopt;
    const auto expected = hmac_sha256(key_, *payload);
    if (tag->size() != expected.size() || CRYPTO_memcmp(tag->data(), expected.data(), expected.size()) != 0)
        return std::nullopt;
    return payload;
}

}  // namespace hector::auth
