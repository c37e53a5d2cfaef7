#pragma once

#include <cassert>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace hector {

/// Categories of expected failure. Each subsystem reports one of these with a message; the single table in
/// error_table.cpp maps them to JSON-RPC codes and HTTP statuses.
enum class Errc {
    invalid_argument,  // bad input from a caller
    invalid_request,   // malformed envelope (JSON-RPC -32600)
    parse_error,       // input is not parseable (JSON, YAML)
    method_not_found,
    not_found,
    conflict,
    unauthorized,
    forbidden,
    payload_too_large,
    rate_limited,
    timeout,
    cancelled,
    unavailable,  // shutting down, overloaded, dependency down
    unsupported,
    io_error,
    internal,
    upstream_error,  // a remote service (LLM provider, webhook) failed
    // A2A protocol errors
    task_not_found,
    task_not_cancelable,
    push_not_supported,
    content_type_not_supported,
    invalid_agent_response,
    extended_card_not_configured,
};

struct Error {
    Errc code = Errc::internal;
    std::string message;

    Error() = default;
    Error(Errc c, std::string msg) : code(c), message(std::move(msg)) {}
};

/// A value or an Error. Expected failures travel as values; exceptions are for broken invariants.
template <class T>
class [[nodiscard]] Result {
  public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit by design
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<0>(v_);
    }
    const T& value() const& {
        assert(ok());
        return std::get<0>(v_);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(v_));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const& {
        assert(!ok());
        return std::get<1>(v_);
    }
    Error&& error() && {
        assert(!ok());
        return std::get<1>(std::move(v_));
    }

  private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const& {
        assert(!ok_);
        return error_;
    }
    Error&& error() && { return std::move(error_); }

  private:
    Error error_;
    bool ok_ = true;
};

using Status = Result<void>;

inline Error make_error(Errc code, std::string message) {
    return Error{code, std::move(message)};
}

}  // namespace hector
