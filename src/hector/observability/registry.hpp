#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

/// A small Prometheus metrics registry: counters, gauges, callback gauges and histograms with labels, exposed in
/// the text format 0.0.4 (DESIGN.md §2: written here, no Debian package exists).
namespace hector::observability {

/// How every series of a registry is named: `<namespace>_<subsystem>_<name>` (empty parts left out), plus labels
/// added to every series (observability.metrics.const_labels).
struct Naming {
    std::string namespace_ = "hector";
    std::string subsystem;
    std::vector<std::pair<std::string, std::string>> const_labels;
};

/// Histogram bounds suited to request latencies, from 5 ms (HTTP) to 5 min (agent runs, LLM calls).
const std::vector<double>& default_buckets();

/// A monotonically increasing count. Lock-free; safe from any thread.
class Counter {
  public:
    void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<std::uint64_t> value_{0};
};

/// A value that goes up and down. Lock-free; safe from any thread.
class Gauge {
  public:
    void set(double v) { value_.store(v, std::memory_order_relaxed); }
    void add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
    void inc() { add(1); }
    void dec() { add(-1); }
    double value() const { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<double> value_{0};
};

/// Observations counted into fixed buckets (upper bounds, inclusive), with their sum. Lock-free; safe from any
/// thread. A snapshot taken during concurrent observations may see the sum and the counts one observation apart.
class Histogram {
  public:
    /// `bounds` are sorted ascending, without +Inf, and outlive the histogram (they belong to its family).
    explicit Histogram(const std::vector<double>* bounds);
    void observe(double value);

    struct Snapshot {
        std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf (= count)
        double sum = 0;
        std::uint64_t count = 0;
    };
    Snapshot snapshot() const;

  private:
    const std::vector<double>* bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // bounds_.size() + 1 (the last is the overflow)
    std::atomic<double> sum_{0};
};

/// What every family can do for the exposition.
class FamilyBase {
  public:
    enum class Type { counter, gauge, histogram };
    FamilyBase(std::string name, std::string help, std::vector<std::string> label_names, Type type);
    virtual ~FamilyBase() = default;
    FamilyBase(const FamilyBase&) = delete;
    FamilyBase& operator=(const FamilyBase&) = delete;

    const std::string& name() const { return name_; }
    const std::vector<std::string>& label_names() const { return label_names_; }
    Type type() const { return type_; }
    /// Appends the family's HELP and TYPE lines and its series, sorted by label values.
    void write(std::string& out, const std::string& full_name, const Naming& naming) const;

  protected:
    /// One series: its label values and its sample lines' values.
    struct Sample {
        std::vector<std::string> labels;
        double value = 0;                       // counters and gauges
        std::vector<std::uint64_t> cumulative;  // histograms
        std::uint64_t count = 0;                // histograms
    };
    virtual std::vector<Sample> collect() const = 0;
    /// The bucket bounds of a histogram family; null for the other types.
    virtual const std::vector<double>* bounds() const { return nullptr; }
    void check_arity(std::size_t n) const;

  private:
    std::string name_;
    std::string help_;
    std::vector<std::string> label_names_;
    Type type_;
};

/// The series of one metric, one per combination of label values, created on first use and kept for the
/// process's life (label values must come from bounded sets: agent ids, route patterns, status words).
/// with() takes a shared lock on one of 16 shards, so concurrent users of different series rarely meet; hot paths
/// keep the returned reference, which stays valid, and then touch only an atomic. Thread-safe.
template <class T>
class Family : public FamilyBase {
  public:
    using Make = std::function<std::unique_ptr<T>()>;
    Family(
        std::string name, std::string help, std::vector<std::string> label_names, Type type,
        Make make = [] { return std::make_unique<T>(); })
        : FamilyBase(std::move(name), std::move(help), std::move(label_names), type), make_(std::move(make)) {}

    T& with(std::span<const std::string_view> values);
    T& with(std::initializer_list<std::string_view> values) {
        return with(std::span<const std::string_view>(values.begin(), values.size()));
    }
    /// The series of a family without labels.
    T& get() { return with({}); }

  protected:
    std::vector<Sample> collect() const override;

  private:
    struct Entry {
        std::vector<std::string> labels;
        std::unique_ptr<T> metric;
    };
    struct Shard {
        mutable std::shared_mutex mu;
        std::unordered_map<std::string, Entry> entries;  // key: length-prefixed label values
    };
    static constexpr std::size_t kShards = 16;

    Make make_;
    std::array<Shard, kShards> shards_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;

/// A histogram family owns its bounds, which every series shares.
class HistogramFamily : public Family<Histogram> {
  public:
    HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                    std::shared_ptr<const std::vector<double>> bounds)
        : Family<Histogram>(std::move(name), std::move(help), std::move(label_names), Type::histogram,
                            [b = bounds.get()] { return std::make_unique<Histogram>(b); }),
          bounds_(std::move(bounds)) {}

  protected:
    const std::vector<double>* bounds() const override { return bounds_.get(); }

  private:
    std::shared_ptr<const std::vector<double>> bounds_;
};

/// A gauge whose values are read when the metrics are exposed, from a function its owner provides.
class CallbackGaugeFamily : public FamilyBase {
  public:
    struct Value {
        std::vector<std::string> labels;
        double value = 0;
    };
    /// Called for every exposition, on the thread that exposes (the blocking pool for /metrics): it may block
    /// briefly and must be thread-safe.
    using Source = std::function<std::vector<Value>()>;

    CallbackGaugeFamily(std::string name, std::string help, std::vector<std::string> label_names);
    /// Replaces the source; an empty one exposes no series.
    void set_source(Source source);

  protected:
    std::vector<Sample> collect() const override;

  private:
    mutable std::mutex mu_;
    Source source_;
};

/// The families of one process and their text exposition. Families are registered at start-up (names and labels
/// are checked then: an invalid or duplicate name, or a label that repeats a const label, throws
/// std::invalid_argument) and live as long as the registry. Thread-safe.
class Registry {
  public:
    /// Throws std::invalid_argument when the namespace, subsystem or a const label name is not a valid name.
    explicit Registry(Naming naming);

    CounterFamily& counter(std::string name, std::string help, std::vector<std::string> label_names = {});
    GaugeFamily& gauge(std::string name, std::string help, std::vector<std::string> label_names = {});
    HistogramFamily& histogram(std::string name, std::string help, std::vector<std::string> label_names = {},
                               std::vector<double> bounds = default_buckets());
    CallbackGaugeFamily& callback_gauge(std::string name, std::string help, std::vector<std::string> label_names = {});

    /// The full name of a family registered as `name`: `<namespace>_<subsystem>_<name>`.
    std::string full_name(std::string_view name) const;
    /// Every family in registration order, in the Prometheus text format 0.0.4. Runs the callback gauges' sources.
    std::string expose() const;

  private:
    template <class F>
    F& add(std::unique_ptr<F> family);

    Naming naming_;
    mutable std::mutex mu_;  // registration and exposition only, never the hot path
    std::vector<std::unique_ptr<FamilyBase>> families_;
};

/// The content type of the exposition.
inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

/// True for a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*).
bool valid_metric_name(std::string_view name);
/// True for a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with "__").
bool valid_label_name(std::string_view name);

// ---------------------------------------------------------------- template definitions

namespace detail {
/// An unambiguous map key for a list of label values.
std::string series_key(std::span<const std::string_view> values);
}  // namespace detail

template <class T>
T& Family<T>::with(std::span<const std::string_view> values) {
    check_arity(values.size());
    const std::string key = detail::series_key(values);
    auto& shard = shards_[std::hash<std::string>{}(key) % kShards];
    {
        std::shared_lock lock(shard.mu);
        if (auto it = shard.entries.find(key); it != shard.entries.end()) return *it->second.metric;
    }
    std::unique_lock lock(shard.mu);
    auto [it, inserted] = shard.entries.try_emplace(key);
    if (inserted) {
        it->second.labels.assign(values.begin(), values.end());
        it->second.metric = make_();
    }
    return *it->second.metric;
}

template <class T>
std::vector<FamilyBase::Sample> Family<T>::collect() const {
    std::vector<Sample> out;
    for (const auto& shard : shards_) {
        std::shared_lock lock(shard.mu);
        for (const auto& [key, entry] : shard.entries) {
            Sample s;
            s.labels = entry.labels;
            if constexpr (std::is_same_v<T, Histogram>) {
                auto snap = entry.metric->snapshot();
                s.cumulative = std::move(snap.cumulative);
                s.value = snap.sum;
                s.count = snap.count;
            } else {
                s.value = static_cast<double>(entry.metric->value());
            }
            out.push_back(std::move(s));
        }
    }
    return out;
}

}  // namespace hector::observability
