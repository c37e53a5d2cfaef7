#include "hector/observability/registry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "hector/observability/text_format.hpp"

namespace hector::observability {

namespace {

bool name_char(char c, bool first, bool colon) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return true;
    if (colon && c == ':') return true;
    return !first && c >= '0' && c <= '9';
}

bool valid_name(std::string_view name, bool colon) {
    if (name.empty()) return false;
    for (std::size_t i = 0; i < name.size(); ++i)
        if (!name_char(name[i], i == 0, colon)) return false;
    return true;
}

std::string_view type_name(FamilyBase::Type type) {
    switch (type) {
        case FamilyBase::Type::counter:
            return "counter";
        case FamilyBase::Type::gauge:
            return "gauge";
        case FamilyBase::Type::histogram:
            return "histogram";
    }
    return "untyped";
}

}  // namespace

bool valid_metric_name(std::string_view name) {
    return valid_name(name, true);
}

bool valid_label_name(std::string_view name) {
    return valid_name(name, false) && !name.starts_with("__");
}

const std::vector<double>& default_buckets() {
    static const std::vector<double> kBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                              2.5,   5,    10,    30,   60,  120,  300};
    return kBuckets;
}

namespace detail {

std::string series_key(std::span<const std::string_view> values) {
    std::string key;
    for (auto v : values) {
        key += std::to_string(v.size());
        key.push_back(':');
        key.append(v);
    }
    return key;
}

}  // namespace detail

// ---------------------------------------------------------------- Histogram

Histogram::Histogram(const std::vector<double>* bounds)
    : bounds_(bounds), counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds->size() + 1)) {}

void Histogram::observe(double value) {
    // Bucket i counts values <= bounds[i] (le is inclusive); the last slot counts the rest.
    auto it = std::lower_bound(bounds_->begin(), bounds_->end(), value);
    counts_[static_cast<std::size_t>(it - bounds_->begin())].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
    Snapshot s;
    s.cumulative.reserve(bounds_->size() + 1);
    std::uint64_t running = 0;
    for (std::size_t i = 0; i <= bounds_->size(); ++i) {
        running += counts_[i].load(std::memory_order_relaxed);
        s.cumulative.push_back(running);
    }
    s.count = running;  // the +Inf bucket and the count always agree
    s.sum = sum_.load(std::memory_order_relaxed);
    return s;
}

// ---------------------------------------------------------------- families

FamilyBase::FamilyBase(std::string name, std::string help, std::vector<std::string> label_names, Type type)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)), type_(type) {
    for (const auto& l : label_names_) {
        if (!valid_label_name(l) || (type_ == Type::histogram && l == "le"))
            throw std::invalid_argument(fmt::format("metric {}: invalid label name \"{}\"", name_, l));
        if (std::count(label_names_.begin(), label_names_.end(), l) > 1)
            throw std::invalid_argument(fmt::format("metric {}: label \"{}\" is repeated", name_, l));
    }
}

void FamilyBase::check_arity(std::size_t n) const {
    if (n != label_names_.size())
        throw std::invalid_argument(
            fmt::format("metric {}: {} label values for {} labels", name_, n, label_names_.size()));
}

void FamilyBase::write(std::string& out, const std::string& full, const Naming& naming) const {
    auto samples = collect();
    std::sort(samples.begin(), samples.end(), [](const Sample& a, const Sample& b) { return a.labels < b.labels; });
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", full, text::escape_help(help_), full, type_name(type_));
    const auto& consts = naming.const_labels;
    for (const auto& s : samples) {
        if (type_ != Type::histogram) {
            out += full;
            text::append_labels(out, label_names_, s.labels, consts);
            out += ' ' + text::format_value(s.value) + '\n';
            continue;
        }
        const auto* b = bounds();
        auto with_le = consts;
        with_le.emplace_back("le", "");
        for (std::size_t i = 0; i < s.cumulative.size(); ++i) {
            with_le.back().second = b && i < b->size() ? text::format_value((*b)[i]) : "+Inf";
            out += full + "_bucket";
            text::append_labels(out, label_names_, s.labels, with_le);
            out += ' ' + std::to_string(s.cumulative[i]) + '\n';
        }
        out += full + "_sum";
        text::append_labels(out, label_names_, s.labels, consts);
        out += ' ' + text::format_value(s.value) + '\n';
        out += full + "_count";
        text::append_labels(out, label_names_, s.labels, consts);
        out += ' ' + std::to_string(s.count) + '\n';
    }
}

CallbackGaugeFamily::CallbackGaugeFamily(std::string name, std::string help, std::vector<std::string> label_names)
    : FamilyBase(std::move(name), std::move(help), std::move(label_names), Type::gauge) {}

void CallbackGaugeFamily::set_source(Source source) {
    std::lock_guard lock(mu_);
    source_ = std::move(source);
}

std::vector<FamilyBase::Sample> CallbackGaugeFamily::collect() const {
    Source source;
    {
        std::lock_guard lock(mu_);
        source = source_;
    }
    std::vector<Sample> out;
    if (!source) return out;
    for (auto& v : source()) {
        if (v.labels.size() != label_names().size()) continue;  // a source bug must not break the exposition
        Sample s;
        s.labels = std::move(v.labels);
        s.value = v.value;
        out.push_back(std::move(s));
    }
    return out;
}

// ---------------------------------------------------------------- Registry

Registry::Registry(Naming naming) : naming_(std::move(naming)) {
    if (!naming_.namespace_.empty() && !valid_metric_name(naming_.namespace_))
        throw std::invalid_argument(fmt::format("namespace \"{}\" is not a valid metric name", naming_.namespace_));
    if (!naming_.subsystem.empty() && !valid_metric_name(naming_.subsystem))
        throw std::invalid_argument(fmt::format("subsystem \"{}\" is not a valid metric name", naming_.subsystem));
    for (std::size_t i = 0; i < naming_.const_labels.size(); ++i) {
        const auto& name = naming_.const_labels[i].first;
        if (!valid_label_name(name) || name == "le")
            throw std::invalid_argument(fmt::format("const_labels: \"{}\" is not a valid label name", name));
        for (std::size_t j = 0; j < i; ++j)
            if (naming_.const_labels[j].first == name)
                throw std::invalid_argument(fmt::format("const_labels: \"{}\" is repeated", name));
    }
}

std::string Registry::full_name(std::string_view name) const {
    std::string out;
    if (!naming_.namespace_.empty()) out += naming_.namespace_ + "_";
    if (!naming_.subsystem.empty()) out += naming_.subsystem + "_";
    out.append(name);
    return out;
}

template <class F>
F& Registry::add(std::unique_ptr<F> family) {
    if (!valid_metric_name(full_name(family->name())))
        throw std::invalid_argument(fmt::format("\"{}\" is not a valid metric name", full_name(family->name())));
    for (const auto& l : family->label_names())
        for (const auto& [name, value] : naming_.const_labels)
            if (l == name)
                throw std::invalid_argument(
                    fmt::format("const_labels: \"{}\" is also a label of {}", name, full_name(family->name())));
    std::lock_guard lock(mu_);
    for (const auto& f : families_)
        if (f->name() == family->name())
            throw std::invalid_argument(fmt::format("metric {} is registered twice", full_name(family->name())));
    auto& ref = *family;
    families_.push_back(std::move(family));
    return ref;
}

CounterFamily& Registry::counter(std::string name, std::string help, std::vector<std::string> label_names) {
    return add(std::make_unique<CounterFamily>(std::move(name), std::move(help), std::move(label_names),
                                               FamilyBase::Type::counter));
}

GaugeFamily& Registry::gauge(std::string name, std::string help, std::vector<std::string> label_names) {
    return add(std::make_unique<GaugeFamily>(std::move(name), std::move(help), std::move(label_names),
                                             FamilyBase::Type::gauge));
}

HistogramFamily& Registry::histogram(std::string name, std::string help, std::vector<std::string> label_names,
                                     std::vector<double> bounds) {
    if (bounds.empty() || !std::is_sorted(bounds.begin(), bounds.end()) ||
        std::adjacent_find(bounds.begin(), bounds.end()) != bounds.end() || std::isinf(bounds.back()))
        throw std::invalid_argument(fmt::format("metric {}: bucket bounds must be finite and increasing", name));
    auto shared = std::make_shared<const std::vector<double>>(std::move(bounds));
    return add(
        std::make_unique<HistogramFamily>(std::move(name), std::move(help), std::move(label_names), std::move(shared)));
}

CallbackGaugeFamily& Registry::callback_gauge(std::string name, std::string help,
                                              std::vector<std::string> label_names) {
    return add(std::make_unique<CallbackGaugeFamily>(std::move(name), std::move(help), std::move(label_names)));
}

std::string Registry::expose() const {
    std::vector<const FamilyBase*> families;
    {
        std::lock_guard lock(mu_);
        for (const auto& f : families_) families.push_back(f.get());
    }
    std::string out;
    for (const auto* f : families) f->write(out, full_name(f->name()), naming_);
    return out;
}

}  // namespace hector::observability
