#pragma once

#include <boost/json/object.hpp>

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <string_view>
#include <utility>

namespace hector {

/// A JSON object member that is almost always empty: metadata, a data part's data, a session event's state
/// change. An empty one is a null pointer, so making, copying, moving and destroying it is inline and calls nothing
/// in Boost.JSON (a request's messages, parts, tasks and events hold dozens of them). It reads as an empty
/// `boost::json::object`; the first write allocates one. Copies are deep, as with the object itself.
class SparseObject {
  public:
    SparseObject() = default;
    SparseObject(boost::json::object o) { assign(std::move(o)); }  // NOLINT: implicit, as assigning an object
    SparseObject(std::initializer_list<std::pair<boost::json::string_view, boost::json::value_ref>> init)
        : SparseObject(boost::json::object(init)) {}
    SparseObject(const SparseObject& other)
        : p_(other.p_ && !other.p_->empty() ? std::make_unique<boost::json::object>(*other.p_) : nullptr) {}
    SparseObject(SparseObject&&) noexcept = default;
    SparseObject& operator=(const SparseObject& other) {
        if (this == &other) return *this;
        if (other.empty())
            p_.reset();
        else if (p_)
            *p_ = *other.p_;
        else
            p_ = std::make_unique<boost::json::object>(*other.p_);
        return *this;
    }
    SparseObject& operator=(SparseObject&&) noexcept = default;
    SparseObject& operator=(boost::json::object o) {
        assign(std::move(o));
        return *this;
    }
    ~SparseObject() = default;

    /// The object, or an empty one.
    const boost::json::object& get() const { return p_ ? *p_ : empty_object(); }
    operator const boost::json::object&() const { return get(); }  // NOLINT: reads as the object it stands for
    /// The object to write into (allocated if there was none).
    boost::json::object& set() {
        if (!p_) p_ = std::make_unique<boost::json::object>();
        return *p_;
    }
    /// Moves the object out, leaving this empty.
    boost::json::object take() {
        if (!p_) return {};
        auto out = std::move(*p_);
        p_.reset();
        return out;
    }

    bool empty() const { return !p_ || p_->empty(); }
    std::size_t size() const { return p_ ? p_->size() : 0; }
    bool contains(std::string_view key) const { return p_ && p_->contains(key); }
    const boost::json::value* if_contains(std::string_view key) const { return p_ ? p_->if_contains(key) : nullptr; }
    boost::json::value* if_contains(std::string_view key) { return p_ ? p_->if_contains(key) : nullptr; }
    boost::json::object::const_iterator begin() const { return get().begin(); }
    boost::json::object::const_iterator end() const { return get().end(); }
    boost::json::value& operator[](std::string_view key) { return set()[key]; }
    template <class V>
    auto emplace(std::string_view key, V&& value) {
        return set().emplace(key, std::forward<V>(value));
    }
    std::size_t erase(std::string_view key) { return p_ ? p_->erase(key) : 0; }
    void clear() { p_.reset(); }

    friend bool operator==(const SparseObject& a, const SparseObject& b) { return a.get() == b.get(); }
    friend bool operator==(const SparseObject& a, const boost::json::object& b) { return a.get() == b; }

  private:
    void assign(boost::json::object o) {
        if (o.empty())
            p_.reset();
        else if (p_)
            *p_ = std::move(o);
        else
            p_ = std::make_unique<boost::json::object>(std::move(o));
    }
    static const boost::json::object& empty_object() {
        static const boost::json::object value;
        return value;
    }
    std::unique_ptr<boost::json::object> p_;
};

}  // namespace hector
