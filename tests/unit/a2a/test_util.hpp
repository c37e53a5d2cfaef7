#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "hector/common/json.hpp"
#include "hector/common/result.hpp"

namespace hector::a2a::testing {

/// Parses a JSON literal of a test table; a typo in the table fails the test instead of crashing it.
inline json::value J(std::string_view text) {
    auto v = parse_json(text, 256);
    EXPECT_TRUE(v.ok()) << "bad JSON in test table: " << text;
    return v ? std::move(v).value() : json::value();
}

/// Structural equality (key order does not matter), reporting both sides on mismatch.
inline ::testing::AssertionResult SameJson(const json::value& got, std::string_view want_text) {
    const json::value want = J(want_text);
    if (got == want) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "\n got: " << hector::to_json(got) << "\nwant: " << want_text;
}

/// The error of a failed Result, or a failure naming the unexpected success.
template <class T>
::testing::AssertionResult FailsWith(const Result<T>& r, Errc code, std::string_view fragment) {
    if (r.ok()) return ::testing::AssertionFailure() << "succeeded, expected an error containing: " << fragment;
    if (r.error().code != code) {
        return ::testing::AssertionFailure() << "wrong error category for: " << r.error().message;
    }
    if (r.error().message.find(fragment) == std::string::npos) {
        return ::testing::AssertionFailure() << "error \"" << r.error().message << "\" lacks \"" << fragment << "\"";
    }
    return ::testing::AssertionSuccess();
}

}  // namespace hector::a2a::testing
