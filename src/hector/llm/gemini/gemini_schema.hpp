#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>

namespace hector::llm {

/// Translates a JSON Schema into the OpenAPI 3.0 subset Gemini accepts for function parameters and responseSchema,
/// dropping what it cannot express instead of failing (the model still sees names, types and descriptions):
///   - `type` is upper-cased; `"null"` (alone, in a type list or in anyOf/oneOf) becomes `nullable: true`; a type
///     list of several types becomes anyOf;
///   - local `$ref`s into `$defs`/`definitions` are inlined (bounded depth, so recursive schemas are cut off);
///   - `const` becomes a one-value enum; enums of non-strings are dropped; `oneOf` becomes anyOf; allOf is merged;
///   - `format` is kept only where Gemini supports it (date-time/enum, int32/int64, float/double);
///   - everything else (additionalProperties, $schema, exclusiveMinimum, patternProperties...) is dropped, and
///     `required` keeps only declared properties.
/// Pure; thread-safe.
boost::json::object to_gemini_schema(const boost::json::value& schema);

/// Function parameters: the translated schema, or nullopt for a tool that takes no arguments (Gemini refuses an
/// OBJECT without properties).
std::optional<boost::json::object> gemini_parameters(const boost::json::value& schema);

}  // namespace hector::llm
