#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hector/common/json.hpp"
#include "hector/common/result.hpp"
#include "hector/common/sparse_object.hpp"

/// Helpers shared by the lenient readers of codec_*.cpp. Every failure is Errc::invalid_argument with a message
/// "<json path>: <what is wrong>", the path naming the key spelling the caller actually used.
namespace hector::a2a::detail {

/// "params" + "message" -> "params.message"; an empty base gives just the key.
std::string child(std::string_view base, std::string_view key);
/// "parts" + 2 -> "parts[2]".
std::string element(std::string_view base, std::size_t index);
Error invalid(std::string_view path, std::string_view what);

/// Where a value sits, for error messages ("params.message.parts[2]"), built in place: every member read makes
/// one, and only a failure reads it. The readers' paths are their own field names and array indices, far shorter
/// than the buffer; a longer one would be cut at its end.
class Path {
  public:
    Path() = default;
    explicit Path(std::string_view path) { append(path); }
    /// base.key ("key" alone when base is empty).
    static Path child(std::string_view base, std::string_view key);
    /// base[index].
    static Path element(std::string_view base, std::size_t index);
    std::string_view view() const { return {buf_, len_}; }
    operator std::string_view() const { return view(); }

  private:
    void append(std::string_view s);
    char buf_[119];
    unsigned char len_ = 0;
};

/// A member found by its canonical (camelCase) name or an alias. A JSON null counts as absent, so clients that
/// serialise unset optionals as null are accepted.
struct Field {
    const json::value* value = nullptr;
    Path path;
    explicit operator bool() const { return value != nullptr; }
};
Field field(const json::object& o, std::string_view base, std::string_view key,
            std::initializer_list<std::string_view> aliases = {});

/// Each reader leaves `out` unchanged when the field is absent and fails when it has the wrong type.
Status read_string(const Field& f, std::string& out);
Status require_string(const Field& f, std::string& out);
/// An identifier: 1..max_len printable ASCII characters (DECISIONS 27).
Status read_id(const Field& f, std::size_t max_len, std::string& out);
Status require_id(const Field& f, std::size_t max_len, std::string& out);
Status read_id_array(const Field& f, std::size_t max_len, std::vector<std::string>& out);
Status read_string_array(const Field& f, std::vector<std::string>& out);
Status read_bool(const Field& f, bool& out);
Status read_object(const Field& f, SparseObject& out);
/// A non-negative integer (historyLength); values above INT_MAX are clamped.
Status read_count(const Field& f, std::optional<int>& out);

/// The value as an object, or an error naming path.
Result<const json::object*> object_at(const json::value& v, std::string_view path);

/// Standard or URL-safe base64, padded or not (what base64_decode accepts), without decoding it.
bool is_base64(std::string_view s);

/// True for an absolute http:// or https:// URL with a non-empty host and no spaces or control characters.
bool is_http_url(std::string_view url);

}  // namespace hector::a2a::detail
