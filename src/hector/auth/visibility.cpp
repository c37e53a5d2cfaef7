#include "hector/auth/visibility.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace hector::auth {

bool listed(std::string_view visibility, const Principal& who, bool auth_active) {
    if (visibility == "private") return false;
    if (visibility == "internal") return !auth_active || who.authenticated();
    return true;
}

Access card_access(std::string_view visibility, const Principal& who, bool auth_active) {
    if (visibility == "private") return Access::not_found;
    if (visibility == "internal" && auth_active && !who.authenticated()) return Access::unauthorized;
    return Access::allowed;
}

Access invoke_access(std::string_view visibility, const Principal& who, bool auth_active, bool require_auth) {
    if (visibility == "private") return Access::not_found;
    if (visibility == "internal" && auth_active && !who.authenticated()) return Access::unauthorized;
    if (require_auth && !who.authenticated()) return Access::unauthorized;
    return Access::allowed;
}

bool secrets_equal(std::string_view a, std::string_view b) {
    // Compare fixed-size digests so neither the content nor the length leaks through timing.
    unsigned char da[SHA256_DIGEST_LENGTH], db[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), da);
    SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), db);
    return CRYPTO_memcmp(da, db, sizeof da) == 0 && !a.empty();
}

}  // namespace hector::auth
