#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hector::config {

using Millis = std::chrono::milliseconds;

/// A YAML mapping whose key order is kept (it decides the default agent and tool order).
template <class T>
class OrderedMap {
  public:
    using mapped_type = T;
    using value_type = std::pair<std::string, T>;
    using iterator = typename std::vector<value_type>::iterator;
    using const_iterator = typename std::vector<value_type>::const_iterator;

    T* find(std::string_view key) {
        for (auto& [k, v] : items_)
            if (k == key) return &v;
        return nullptr;
    }
    const T* find(std::string_view key) const {
        for (const auto& [k, v] : items_)
            if (k == key) return &v;
        return nullptr;
    }
    bool contains(std::string_view key) const { return find(key) != nullptr; }
    T& operator[](std::string_view key) {
        if (auto* v = find(key)) return *v;
        items_.emplace_back(std::string(key), T{});
        return items_.back().second;
    }
    void erase(std::string_view key) {
        std::erase_if(items_, [&](const value_type& kv) { return kv.first == key; });
    }
    std::size_t size() const { return items_.size(); }
    bool empty() const { return items_.empty(); }
    iterator begin() { return items_.begin(); }
    iterator end() { return items_.end(); }
    const_iterator begin() const { return items_.begin(); }
    const_iterator end() const { return items_.end(); }
    const value_type& front() const { return items_.front(); }
    bool operator==(const OrderedMap&) const = default;

  private:
    std::vector<value_type> items_;
};

/// Definitions nested inside their parent's definition (child agents written inside an agent). The type is
/// recursive, so the JSON Schema refers back to the parent's definition (FieldOpts::schema_ref) instead of
/// repeating it; finalize() moves the children to the top level.
template <class T>
struct NestedMap {
    OrderedMap<T> items;
    bool operator==(const NestedMap&) const = default;
};

/// A list that YAML may also give as one space- or comma-separated string ("Read Edit Bash").
struct WordList {
    std::vector<std::string> items;
};

/// Free-form JSON (tool parameter schemas, static inputs, structured-output schemas).
struct Json {
    boost::json::value value;
    bool present() const { return !value.is_null(); }
};

}  // namespace hector::config
