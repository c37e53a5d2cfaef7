#include "hector/automation/signature.hpp"

#include <gtest/gtest.h>

#include "hector/common/encoding.hpp"

namespace hector::automation {
namespace {

// RFC 4231 test case 2.
TEST(Signature, HmacSha256MatchesTheRfcVector) {
    EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

const std::string kSecret = "It's a Secret to Everybody";
const std::string kBody = "Hello, World!";
// GitHub's documented example for this secret and payload.
const std::string kHex = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

struct Row {
    std::string name;
    std::string header;
    bool valid;
};

std::string flip_last_hex(std::string s) {
    s.back() = s.back() == '0' ? '1' : '0';
    return s;
}

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

TEST(Signature, AcceptedSpellingsAndForgeries) {
    const std::string raw = hmac_sha256(kSecret, kBody);
    ASSERT_EQ(hex_encode(raw), kHex);
    const std::string b64 = base64_encode(raw);
    const std::string b64url = base64url_encode(raw);
    std::string tampered_raw = raw;
    tampered_raw[0] = static_cast<char>(tampered_raw[0] ^ 1);

    const std::vector<Row> rows = {
        {"github sha256= hex", "sha256=" + kHex, true},
        {"upper-case prefix", "SHA256=" + kHex, true},
        {"bare hex", kHex, true},
        {"bare upper-case hex", upper(kHex), true},
        {"surrounding spaces", "  sha256=" + kHex + " ", true},
        {"shopify base64", b64, true},
        {"url-safe base64", b64url, true},
        {"empty", "", false},
        {"prefix only", "sha256=", false},
        {"flipped hex digit", "sha256=" + flip_last_hex(kHex), false},
        {"flipped byte in base64", base64_encode(tampered_raw), false},
        {"truncated hex", "sha256=" + kHex.substr(0, 62), false},
        {"hex with a trailing byte", kHex + "00", false},
        {"sha1 prefix", "sha1=" + kHex, false},
        {"digest of another body", hex_encode(hmac_sha256(kSecret, kBody + " ")), false},
        {"digest with another secret", hex_encode(hmac_sha256(kSecret + "x", kBody)), false},
        {"plain sha256 of the body (no key)", "dffd6021bb2bd5b0af676290809ec3a53191dd81c7f70a4b28688a362182986f",
         false},
        {"not an encoding", "not a signature!", false},
    };
    for (const auto& row : rows)
        EXPECT_EQ(verify_signature(kSecret, kBody, row.header), row.valid) << row.name << ": " << row.header;
}

TEST(Signature, EmptyBodyStillNeedsTheRightSignature) {
    EXPECT_TRUE(verify_signature("k", "", hex_encode(hmac_sha256("k", ""))));
    EXPECT_FALSE(verify_signature("k", "", ""));
}

}  // namespace
}  // namespace hector::automation
