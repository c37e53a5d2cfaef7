// Tamper-evident page tokens (auth/page_token.hpp).
#include "hector/auth/page_token.hpp"

#include <gtest/gtest.h>

#include "hector/common/encoding.hpp"

namespace hector::auth {
namespace {

TEST(PageToken, RoundTripsAndRefusesAlteredTokens) {
    auto signer = PageTokenSigner::derive("secret", "purpose");
    auto token = signer.seal(R"({"i":"s1"})");
    EXPECT_EQ(signer.open(token), R"({"i":"s1"})");

    auto dot = token.find('.');
    auto forged_payload = base64url_encode(R"({"i":"s2"})") + token.substr(dot);
    EXPECT_FALSE(signer.open(forged_payload));
    auto flipped = token;
    flipped[dot + 3] = flipped[dot + 3] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(signer.open(flipped));
    EXPECT_FALSE(signer.open("no-dot"));
    EXPECT_FALSE(signer.open(""));
    EXPECT_FALSE(signer.open(token + "x"));

    // Another secret or purpose gives another key; the same secret gives the same key (other instances).
    EXPECT_FALSE(PageTokenSigner::derive("other", "purpose").open(token));
    EXPECT_FALSE(PageTokenSigner::derive("secret", "other").open(token));
    EXPECT_TRUE(PageTokenSigner::derive("secret", "purpose").open(token));
}

TEST(Hmac, MatchesRfc4231TestCase2) {
    EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace hector::auth
