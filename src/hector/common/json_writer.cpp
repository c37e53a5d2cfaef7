#include "hector/common/json_writer.hpp"

#include <boost/json/serializer.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "hector/common/strings.hpp"

namespace hector {

namespace {

// Bytes a JSON string cannot hold as they are: ", \, and C0 controls. Non-ASCII bytes are checked apart.
constexpr bool plain(unsigned char c) {
    return c >= 0x20 && c != '"' && c != '\\' && c < 0x80;
}

// `Out`: a std::string or a JsonWriter (both take append(p, n) and push_back(c)).
template <class Out>
void append_escaped_ascii(Out& out, unsigned char c) {
    static constexpr char kHex[] = "0123456789abcdef";
    char esc[6] = {'\\', 0, 0, 0, 0, 0};
    switch (c) {
        case '"':
        case '\\':
            esc[1] = static_cast<char>(c);
            out.append(esc, 2);
            return;
        case '\b':
            esc[1] = 'b';
            out.append(esc, 2);
            return;
        case '\f':
            esc[1] = 'f';
            out.append(esc, 2);
            return;
        case '\n':
            esc[1] = 'n';
            out.append(esc, 2);
            return;
        case '\r':
            esc[1] = 'r';
            out.append(esc, 2);
            return;
        case '\t':
            esc[1] = 't';
            out.append(esc, 2);
            return;
        default:
            break;
    }
    esc[1] = 'u';
    esc[2] = '0';
    esc[3] = '0';
    esc[4] = kHex[c >> 4];
    esc[5] = kHex[c & 0xF];
    out.append(esc, sizeof esc);
}

// Index of the first byte at or after i that is not plain: a byte needs a look when it is below 0x20, is '"' or
// '\\', or has its high bit set. Sixteen bytes at a time with SSE2 (every x86-64 has it), else eight; the last
// block of a string overlaps the one before it instead of going byte by byte (a text of a few dozen bytes, like
// an id, spent most of its time in that tail).
std::size_t plain_run_end(std::string_view s, std::size_t i) {
    const std::size_t n = s.size();
    const char* d = s.data();
#if defined(__SSE2__)
    if (n - i >= 16) {
        const __m128i quote = _mm_set1_epi8('"');
        const __m128i backslash = _mm_set1_epi8('\\');
        const __m128i space = _mm_set1_epi8(0x20);
        // Signed compare: bytes of 0x80 and above are negative, so "below 0x20" also catches them.
        auto bad_at = [&](std::size_t at) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + at));
            const __m128i bad = _mm_or_si128(_mm_cmplt_epi8(v, space),
                                             _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
            return static_cast<unsigned>(_mm_movemask_epi8(bad));
        };
        for (; i + 16 <= n; i += 16)
            if (const unsigned mask = bad_at(i); mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(mask));
        if (i == n) return n;
        // The bytes of this block before i were just found plain.
        const std::size_t at = n - 16;
        const unsigned mask = bad_at(at);
        return mask != 0 ? at + static_cast<std::size_t>(__builtin_ctz(mask)) : n;
    }
#endif
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
    // One high bit per byte that needs a look (the lowest set one is exact; the borrow may mark later bytes).
    auto bad_at = [&](std::size_t at) {
        std::uint64_t v;
        std::memcpy(&v, d + at, 8);
        const std::uint64_t below_space = (v - ones * 0x20) & ~v & highs;
        return below_space | has_zero(v ^ (ones * '"')) | has_zero(v ^ (ones * '\\')) | (v & highs);
    };
    if (n - i >= 8) {
        for (; i + 8 <= n; i += 8)
            if (const std::uint64_t mask = bad_at(i); mask != 0)
                return i + static_cast<std::size_t>(__builtin_ctzll(mask) / 8);
        if (i == n) return n;
        const std::size_t at = n - 8;
        const std::uint64_t mask = bad_at(at);
        return mask != 0 ? at + static_cast<std::size_t>(__builtin_ctzll(mask) / 8) : n;
    }
    while (i < n && plain(static_cast<unsigned char>(d[i]))) ++i;
    return i;
}

template <class Out>
void append_body(Out& out, std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t run = plain_run_end(s, i);
        out.append(s.data() + i, run - i);
        i = run;
        if (i >= s.size()) break;
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            append_escaped_ascii(out, c);
            ++i;
            continue;
        }
        const int len = utf8_sequence_length(s, i);
        if (len > 0) {
            out.append(s.data() + i, static_cast<std::size_t>(len));
            i += static_cast<std::size_t>(len);
        } else {
            out.append("\xEF\xBF\xBD", 3);
            ++i;
        }
    }
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    out.push_back('"');
    append_body(out, s);
    out.push_back('"');
}

void JsonWriter::grow(std::size_t n) {
    const std::size_t cap = std::max(cap_ * 2, len_ + n);
    std::unique_ptr<char[]> bigger(new char[cap]);
    std::memcpy(bigger.get(), data_, len_);
    heap_ = std::move(bigger);
    data_ = heap_.get();
    cap_ = cap;
}

JsonWriter& JsonWriter::string(std::string_view s) {
    if (plain_run_end(s, 0) == s.size()) {
        quoted(s, false);  // the common case, nothing to escape: the literal in one copy
        return *this;
    }
    if (need_comma_) push_back(',');
    push_back('"');
    append_body(*this, s);
    push_back('"');
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::integer(std::int64_t n) {
    char* p = room(24);
    if (need_comma_) *p++ = ',';
    p = std::to_chars(p, p + 21, n).ptr;
    len_ = static_cast<std::size_t>(p - data_);
    need_comma_ = true;
    return *this;
}

namespace {

template <class T>
void serialize_into(std::string& out, const T& v) {
    const std::size_t start = out.size();
    json::serializer sr;
    sr.reset(&v);
    char buf[2048];
    while (!sr.done()) out.append(sr.read(buf));
    // A value built from raw bytes may hold strings that are not UTF-8; only they can put such bytes in the text.
    const std::string_view written(out.data() + start, out.size() - start);
    if (!is_valid_utf8(written)) {
        auto repaired = to_valid_utf8(written);
        out.resize(start);
        out += repaired;
    }
}

}  // namespace

JsonWriter& JsonWriter::value(const json::value& v) {
    if (const auto* o = v.if_object()) return value(*o);
    std::string text;
    serialize_into(text, v);
    return literal(text);
}

JsonWriter& JsonWriter::value(const json::object& o) {
    if (o.empty()) return literal("{}");  // most metadata
    std::string text;
    serialize_into(text, o);
    return literal(text);
}

json::value& JsonValueBuilder::slot() {
    if (open_.empty()) return root_;
    json::value& top = *open_.back();
    if (auto* a = top.if_array()) return a->emplace_back(nullptr);
    return top.as_object()[key_];
}

JsonValueBuilder& JsonValueBuilder::begin_object() {
    json::value& v = slot();
    v.emplace_object();
    open_.push_back(&v);
    return *this;
}

JsonValueBuilder& JsonValueBuilder::end_object() {
    open_.pop_back();
    return *this;
}

JsonValueBuilder& JsonValueBuilder::begin_array() {
    json::value& v = slot();
    v.emplace_array();
    open_.push_back(&v);
    return *this;
}

JsonValueBuilder& JsonValueBuilder::end_array() {
    open_.pop_back();
    return *this;
}

JsonValueBuilder& JsonValueBuilder::string(std::string_view s) {
    if (is_valid_utf8(s))
        slot().emplace_string().assign(s.data(), s.size());
    else
        slot() = to_valid_utf8(s);
    return *this;
}

JsonValueBuilder& JsonValueBuilder::value(const json::value& v) {
    if (has_valid_utf8(v))
        slot() = v;
    else
        slot() = with_valid_utf8(v);
    return *this;
}

JsonValueBuilder& JsonValueBuilder::value(const json::object& o) {
    bool valid = true;
    for (const auto& kv : o)
        if (!is_valid_utf8(kv.key()) || !has_valid_utf8(kv.value())) {
            valid = false;
            break;
        }
    if (valid)
        slot() = o;
    else
        slot() = with_valid_utf8(o);
    return *this;
}

JsonValueBuilder& JsonValueBuilder::raw(std::string_view json_text) {
    auto parsed = parse_json(json_text);
    if (parsed)
        slot() = std::move(parsed).value();
    else
        slot() = nullptr;
    return *this;
}

}  // namespace hector
