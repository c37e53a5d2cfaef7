#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hector/common/json.hpp"

namespace hector {

/// Writes JSON text straight into a buffer, for the hot output paths that would otherwise build a json::value only
/// to serialise it. The caller gives the structure (begin/end, key before each member); the writer puts the
/// commas. Strings are escaped as Boost.JSON does (", \, and control characters) and bytes that are not valid
/// UTF-8 are written as U+FFFD, so the text is always valid JSON.
///
/// The text is built in the writer's own buffer (on the stack up to kInline bytes, then on the heap), with no
/// bounds work on the way beyond one check per call: take() hands it over as a string of exactly its size, or,
/// given a string at construction, finish() (or the destructor) appends it there. Read that string only after.
class JsonWriter {
  public:
    static constexpr std::size_t kInline = 2048;

    JsonWriter() = default;
    /// Appends the text to `out` when finished.
    explicit JsonWriter(std::string& out) : target_(&out) {}
    ~JsonWriter() { finish(); }
    JsonWriter(const JsonWriter&) = delete;
    JsonWriter& operator=(const JsonWriter&) = delete;

    JsonWriter& begin_object() {
        open('{');
        return *this;
    }
    JsonWriter& end_object() {
        close('}');
        return *this;
    }
    JsonWriter& begin_array() {
        open('[');
        return *this;
    }
    JsonWriter& end_array() {
        close(']');
        return *this;
    }
    /// A member's key; its value follows. `k` must be plain ASCII without quotes (the codec's own field names).
    JsonWriter& key(std::string_view k) {
        quoted(k, true);
        return *this;
    }
    JsonWriter& string(std::string_view s);
    /// A string value that needs no escaping, unchecked: the codec's own names (kinds, roles, states).
    JsonWriter& token(std::string_view t) {
        quoted(t, false);
        return *this;
    }
    JsonWriter& boolean(bool b) { return literal(b ? std::string_view("true") : std::string_view("false")); }
    JsonWriter& integer(std::int64_t n);
    JsonWriter& null() { return literal("null"); }
    /// A value given as JSON text already (valid JSON is the caller's promise).
    JsonWriter& raw(std::string_view json_text) { return literal(json_text); }
    /// A json::value's text; strings in it that are not valid UTF-8 get U+FFFD, as string() does.
    JsonWriter& value(const json::value& v);
    JsonWriter& value(const json::object& o);

    /// The text so far (valid until the next write).
    std::string_view text() const { return {data_, len_}; }
    /// The text, as a string of exactly its size; the writer is empty after.
    std::string take() {
        std::string out(data_, len_);
        len_ = 0;
        need_comma_ = false;
        return out;
    }
    /// With a target string: appends the text to it (once; later calls do nothing).
    void finish() {
        if (target_ == nullptr) return;
        target_->append(data_, len_);
        target_ = nullptr;
        len_ = 0;
    }

    /// Appends bytes as they are (no comma, no escaping): the building block of the writes above.
    void append(const char* p, std::size_t n) {
        std::memcpy(room(n), p, n);
        len_ += n;
    }
    void push_back(char c) {
        *room(1) = c;
        ++len_;
    }

  private:
    /// Where the next `n` bytes go (the buffer grows when they would not fit).
    char* room(std::size_t n) {
        if (cap_ - len_ < n) grow(n);
        return data_ + len_;
    }
    void grow(std::size_t n);
    /// `t` in quotes, unescaped, after a comma where one is due; then a colon when it is a member's key.
    void quoted(std::string_view t, bool is_key) {
        char* p = room(t.size() + 4);
        if (need_comma_) *p++ = ',';
        *p++ = '"';
        std::memcpy(p, t.data(), t.size());
        p += t.size();
        *p++ = '"';
        if (is_key) *p++ = ':';
        len_ = static_cast<std::size_t>(p - data_);
        need_comma_ = !is_key;
    }
    void open(char c) {
        char* p = room(2);
        if (need_comma_) *p++ = ',';
        *p++ = c;
        len_ = static_cast<std::size_t>(p - data_);
        need_comma_ = false;
    }
    void close(char c) {
        push_back(c);
        need_comma_ = true;
    }
    JsonWriter& literal(std::string_view t) {
        char* p = room(t.size() + 1);
        if (need_comma_) *p++ = ',';
        std::memcpy(p, t.data(), t.size());
        len_ = static_cast<std::size_t>(p - data_) + t.size();
        need_comma_ = true;
        return *this;
    }

    std::string* target_ = nullptr;
    char* data_ = inline_;
    std::size_t len_ = 0;
    std::size_t cap_ = kInline;
    bool need_comma_ = false;
    std::unique_ptr<char[]> heap_;
    char inline_[kInline];
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
    JsonValueBuilder& token(std::string_view t) { return string(t); }
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
