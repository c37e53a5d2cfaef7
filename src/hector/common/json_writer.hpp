#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hector/common/json.hpp"

namespace hector {

/// Writes JSON text straight into a string, for the hot output paths that would otherwise build a json::value
/// only to serialise it. The caller gives the structure (begin/end, key before each member); the writer puts the
/// commas. Strings are escaped as Boost.JSON does (", \, and control characters) and bytes that are not valid
/// UTF-8 are written as U+FFFD, so the text is always valid JSON.
class JsonWriter {
  public:
    explicit JsonWriter(std::string& out) : out_(out) {}

    JsonWriter& begin_object() {
        comma();
        out_ += '{';
        need_comma_ = false;
        return *this;
    }
    JsonWriter& end_object() {
        out_ += '}';
        need_comma_ = true;
        return *this;
    }
    JsonWriter& begin_array() {
        comma();
        out_ += '[';
        need_comma_ = false;
        return *this;
    }
    JsonWriter& end_array() {
        out_ += ']';
        need_comma_ = true;
        return *this;
    }
    /// A member's key; its value follows. `k` must be plain ASCII without quotes (the codec's own field names).
    JsonWriter& key(std::string_view k);
    JsonWriter& string(std::string_view s);
    JsonWriter& boolean(bool b) {
        comma();
        out_ += b ? "true" : "false";
        need_comma_ = true;
        return *this;
    }
    JsonWriter& integer(std::int64_t n);
    JsonWriter& null() {
        comma();
        out_ += "null";
        need_comma_ = true;
        return *this;
    }
    /// A value given as JSON text already (valid JSON is the caller's promise).
    JsonWriter& raw(std::string_view json_text) {
        comma();
        out_ += json_text;
        need_comma_ = true;
        return *this;
    }
    /// A json::value's text; strings in it that are not valid UTF-8 get U+FFFD, as string() does.
    JsonWriter& value(const json::value& v);
    JsonWriter& value(const json::object& o);

  private:
    void comma() {
        if (need_comma_) out_ += ',';
    }

    std::string& out_;
    bool need_comma_ = false;
};

/// The same calls as JsonWriter, building a json::value instead of text: the codec's write() functions serve
/// both, so each object's shape is defined once and a caller that wants a value does not write text only to parse
/// it back. Strings that are not valid UTF-8 get U+FFFD in place of the bad bytes, as JsonWriter writes them.
class JsonValueBuilder {
  public:
    JsonValueBuilder& begin_object();
    JsonValueBuilder& end_object();
    JsonValueBuilder& begin_array();
    JsonValueBuilder& end_array();
    JsonValueBuilder& key(std::string_view k) {
        key_.assign(k.data(), k.size());
        return *this;
    }
    JsonValueBuilder& string(std::string_view s);
    JsonValueBuilder& boolean(bool b) {
        slot() = b;
        return *this;
    }
    JsonValueBuilder& integer(std::int64_t n) {
        slot() = n;
        return *this;
    }
    JsonValueBuilder& null() {
        slot() = nullptr;
        return *this;
    }
    /// JSON text (the caller's promise that it is valid; text that does not parse becomes null).
    JsonValueBuilder& raw(std::string_view json_text);
    JsonValueBuilder& value(const json::value& v);
    JsonValueBuilder& value(const json::object& o);

    /// The finished value (null when nothing was written).
    json::value take() { return std::move(root_); }

  private:
    /// Where the next value goes: the root, the open array's next element, or the open object's member `key_`.
    json::value& slot();

    json::value root_;
    // The open containers, innermost last. A container only grows while it is innermost, so the pointers into its
    // parent stay valid.
    std::vector<json::value*> open_;
    std::string key_;
};

/// `s` as a JSON string literal, quotes included (escaped, invalid UTF-8 as U+FFFD).
void append_json_string(std::string& out, std::string_view s);

}  // namespace hector
