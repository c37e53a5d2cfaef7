#pragma once

#include <memory>
#include <utility>

namespace hector {

/// A value that is rarely set, kept out of line: an empty one costs a pointer, and copies copy the value (not a
/// shared reference). Reading an empty one gives a default-constructed T; writing through a non-const one
/// allocates it first.
template <class T>
class OutOfLine {
  public:
    OutOfLine() = default;
    OutOfLine(T value) : p_(std::make_unique<T>(std::move(value))) {}  // NOLINT: implicit, as assigning a T
    OutOfLine(const OutOfLine& other) : p_(other.p_ ? std::make_unique<T>(*other.p_) : nullptr) {}
    OutOfLine(OutOfLine&&) noexcept = default;
    OutOfLine& operator=(const OutOfLine& other) {
        if (this != &other) p_ = other.p_ ? std::make_unique<T>(*other.p_) : nullptr;
        return *this;
    }
    OutOfLine& operator=(OutOfLine&&) noexcept = default;
    ~OutOfLine() = default;

    /// Whether a value was ever written.
    bool has_value() const { return p_ != nullptr; }
    const T& get() const { return p_ ? *p_ : empty(); }
    T& set() {
        if (!p_) p_ = std::make_unique<T>();
        return *p_;
    }
    const T* operator->() const { return &get(); }
    T* operator->() { return &set(); }

  private:
    static const T& empty() {
        static const T value{};
        return value;
    }
    std::unique_ptr<T> p_;
};

}  // namespace hector
