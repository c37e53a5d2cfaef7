#pragma once

#include <cstdint>
#include <string>
#include <string_view>

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
    JsonWriter& value(const json::value& v);
    JsonWriter& value(const json::object& o);

  private:
    void comma() {
        if (need_comma_) out_ += ',';
    }

    std::string& out_;
    bool need_comma_ = false;
};

/// `s` as a JSON string literal, quotes included (escaped, invalid UTF-8 as U+FFFD).
void append_json_string(std::string& out, std::string_view s);

}  // namespace hector
