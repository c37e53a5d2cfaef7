#pragma once

// Internal to llm/: the plumbing of the providers' SAX readers of streamed chunks (Boost.JSON basic_parser
// handlers that keep a few members of each chunk instead of building its JSON value).

#include <boost/json/basic_parser.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "hector/common/sax_handler.hpp"

namespace hector::llm::detail {

/// A basic_parser handler base (CRTP). It keeps the stack of open containers (a `Frame` each, made by
/// `Derived::enter(bool object)` when the container begins), the key of the member whose value comes next, and
/// strings and keys split over several calls. `Derived` says where a string goes (`std::string*
/// string_target()`, nullptr: nowhere), takes integers (`on_integer(std::int64_t)`), may take booleans
/// (`on_boolean(bool)`), and hears of every other value (`on_other_value()`). Each value, containers included, is
/// announced once (enter, string_target, on_integer, on_boolean or on_other_value), so a derived reader may count
/// array elements there.
template <class Derived, class Frame>
class MemberReader : public SaxHandlerBase {
  public:
    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code&) {
        open_.push_back(self().enter(true));
        return true;
    }
    bool on_object_end(std::size_t, error_code&) {
        open_.pop_back();
        return true;
    }
    bool on_array_begin(error_code&) {
        open_.push_back(self().enter(false));
        return true;
    }
    bool on_array_end(std::size_t, error_code&) {
        open_.pop_back();
        return true;
    }
    bool on_key_part(string_view s, std::size_t, error_code&) {
        part_.append(s.data(), s.size());
        return true;
    }
    bool on_key(string_view s, std::size_t, error_code&) {
        key_.assign(part_).append(s.data(), s.size());
        part_.clear();
        return true;
    }
    bool on_string_part(string_view s, std::size_t, error_code&) {
        part_.append(s.data(), s.size());
        return true;
    }
    bool on_string(string_view s, std::size_t, error_code&) {
        if (std::string* target = self().string_target()) target->assign(part_).append(s.data(), s.size());
        part_.clear();
        return true;
    }
    bool on_number_part(string_view, error_code&) { return true; }
    bool on_int64(std::int64_t i, string_view, error_code&) {
        self().on_integer(i);
        return true;
    }
    bool on_uint64(std::uint64_t, string_view, error_code&) {
        self().on_other_value();
        return true;
    }
    bool on_double(double, string_view, error_code&) {
        self().on_other_value();
        return true;
    }
    bool on_bool(bool b, error_code&) {
        self().on_boolean(b);
        return true;
    }
    bool on_null(error_code&) {
        self().on_other_value();
        return true;
    }
    bool on_comment_part(string_view, error_code&) { return true; }
    bool on_comment(string_view, error_code&) { return true; }

    /// A boolean value: on_other_value() unless `Derived` wants to see it.
    void on_boolean(bool) { self().on_other_value(); }

  protected:
    void clear_reader() {
        open_.clear();
        key_.clear();
        part_.clear();
    }

    std::vector<Frame> open_;  // the open containers, innermost last
    std::string key_;          // the last key read (the member whose value comes next)
    std::string part_;         // a key or string split over several calls, so far

  private:
    Derived& self() { return static_cast<Derived&>(*this); }
};

}  // namespace hector::llm::detail
