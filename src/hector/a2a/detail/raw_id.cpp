#include "hector/a2a/detail/raw_id.hpp"

#include <boost/json/basic_parser_impl.hpp>

namespace hector::a2a::detail {

namespace {

using boost::json::error_code;
using boost::json::string_view;

/// SAX handler that records the number text of the top-level "id" member.
class IdScanner {
  public:
    constexpr static std::size_t max_object_size = std::size_t(-1);
    constexpr static std::size_t max_array_size = std::size_t(-1);
    constexpr static std::size_t max_key_size = std::size_t(-1);
    constexpr static std::size_t max_string_size = std::size_t(-1);

    const std::string& result() const { return result_; }

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_array_begin(error_code&) { return open(); }
    bool on_array_end(std::size_t, error_code&) { return close(); }
    bool on_object_begin(error_code&) { return open(); }
    bool on_object_end(std::size_t, error_code&) { return close(); }
    bool on_string_part(string_view, std::size_t, error_code&) { return true; }
    bool on_string(string_view, std::size_t, error_code&) { return other_value(); }
    bool on_key_part(string_view s, std::size_t, error_code&) {
        if (depth_ == 1) key_.append(s.data(), s.size());
        return true;
    }
    bool on_key(string_view s, std::size_t, error_code&) {
        if (depth_ == 1) {
            key_.append(s.data(), s.size());
            at_id_ = key_ == "id";
            key_.clear();
        }
        return true;
    }
    bool on_number_part(string_view s, error_code&) {
        if (depth_ == 1 && at_id_) number_.append(s.data(), s.size());
        return true;
    }
    bool on_int64(std::int64_t, string_view s, error_code&) { return number(s); }
    bool on_uint64(std::uint64_t, string_view s, error_code&) { return number(s); }
    bool on_double(double, string_view s, error_code&) { return number(s); }
    bool on_bool(bool, error_code&) { return other_value(); }
    bool on_null(error_code&) { return other_value(); }
    bool on_comment_part(string_view, error_code&) { return true; }
    bool on_comment(string_view, error_code&) { return true; }

  private:
    bool open() {
        other_value();
        ++depth_;
        return true;
    }
    bool close() {
        --depth_;
        return true;
    }
    bool other_value() {
        if (depth_ == 1 && at_id_) {
            result_.clear();
            at_id_ = false;
        }
        return true;
    }
    bool number(string_view s) {
        if (depth_ == 1 && at_id_) {
            number_.append(s.data(), s.size());
            result_ = std::move(number_);
            at_id_ = false;
        }
        number_.clear();
        return true;
    }

    std::size_t depth_ = 0;
    bool at_id_ = false;
    std::string key_;
    std::string number_;
    std::string result_;
};

}  // namespace

std::string raw_id_number(std::string_view body, std::size_t max_depth) {
    boost::json::parse_options opts;
    opts.max_depth = max_depth;
    boost::json::basic_parser<IdScanner> parser(opts);
    error_code ec;
    parser.write_some(false, body.data(), body.size(), ec);
    if (ec) return {};
    return parser.handler().result();
}

bool is_integer_literal(std::string_view text) {
    if (text.starts_with('-')) text.remove_prefix(1);
    if (text.empty()) return false;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

}  // namespace hector::a2a::detail
