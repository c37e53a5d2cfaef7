#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hector/common/result.hpp"
#include "hector/common/time.hpp"

namespace hector::automation {

/// Bounds on one template: what parsing accepts and what one execution may cost. Data comes from webhook senders,
/// so every execution is bounded in output, iterations and work whatever the data holds.
struct TemplateLimits {
    std::size_t max_source_bytes = 64 * 1024;
    std::size_t max_nesting = 32;                   // nested if/range blocks plus parentheses
    std::size_t max_output_bytes = 1024 * 1024;     // the rendered text
    std::size_t max_range_iterations = 100'000;     // all range loops of one execution together
    std::size_t max_work_bytes = 32 * 1024 * 1024;  // output plus every string toJson/toJsonPretty produced
};

struct RenderOptions {
    /// An object inside the data whose keys are stored lower-case and looked up ignoring case (the webhook's
    /// headers, OQ-10). Identified by address.
    const boost::json::object* case_insensitive = nullptr;
    /// What `now` returns; Clock::now() when unset.
    std::optional<TimePoint> now;
};

/// A compiled template in a subset of Go's text/template, executed on JSON data (webhook transforms and
/// notification payloads; server.md §9):
///
/// - text and actions `{{ pipeline }}`, comments `{{/* ... */}}`, trim markers `{{- ` and ` -}}`;
/// - operands: `.`, field chains `.body.a.b` (keys may contain `-`, e.g. `.headers.X-GitHub-Event`), `$` (the
///   root), `$.x`, range variables `$v` / `$v.x`, "strings" with Go escapes, `raw strings`, numbers, true, false,
///   nil, `(pipeline)`;
/// - pipelines `a | f b` (the value of `a` becomes the last argument of `f`);
/// - `{{if p}}…{{else if q}}…{{else}}…{{end}}`, `{{range p}}…{{else}}…{{end}}` with `{{range $v := p}}` and
///   `{{range $i, $v := p}}` (arrays in order, objects by sorted key);
/// - functions `eq a b…` (a equals any of the others; numbers compare by value), `ne`, `default d v` (v unless
///   empty), `toJson`, `toJsonPretty`, `index x k…`, `now` (RFC 3339 UTC), `not`, `and`, `or`, `len`.
///
/// Differences from Go, on purpose: a missing field, or a field of something that is not an object, is null and
/// renders as the empty string (Go prints "<no value>"); null is empty too; objects and arrays render as compact
/// JSON; `index` of a missing key or an index out of range is null rather than an error.
///
/// Runtime errors (range over a string, index with the wrong key type, len of a number, a bound exceeded) are
/// Errc::invalid_argument naming the line: a webhook answers them with 400.
///
/// Immutable after parse; render() is thread-safe and never blocks. Copies share the compiled form.
class Template {
  public:
    /// Compiles `source`. Errors are Errc::invalid_argument "line N: …".
    static Result<Template> parse(std::string_view source, TemplateLimits limits = {});

    Result<std::string> render(const boost::json::value& data, const RenderOptions& options = {}) const;

    struct Impl;

  private:
    std::shared_ptr<const Impl> impl_;
};

/// A field path such as `.body.a.b` (extract_fields): its keys. Errc::invalid_argument when it does not start with
/// a dot or has an empty key.
Result<std::vector<std::string>> parse_field_path(std::string_view path);

/// The value at `keys` inside `data`, null when any step is missing (the same lookup rules as templates).
boost::json::value lookup_path(const boost::json::value& data, const std::vector<std::string>& keys,
                               const RenderOptions& options = {});

}  // namespace hector::automation
