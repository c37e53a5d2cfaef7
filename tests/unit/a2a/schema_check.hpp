#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hector/common/json.hpp"

namespace hector::a2a::testing {

/// A small JSON Schema (draft-07 subset) checker for spec/a2a-v0.3.0.schema.json: $ref, anyOf, type, const, enum,
/// required, properties, additionalProperties and items are the only keywords that schema uses.
class SchemaCheck {
  public:
    /// Loads the schema from HECTOR_SPEC_DIR; loaded() is false when the spec folder is not present.
    SchemaCheck();
    bool loaded() const { return !definitions_.empty(); }

    /// Violations of `v` against definitions/<definition>, each "<path>: <what>"; empty when it conforms.
    std::vector<std::string> check(const json::value& v, std::string_view definition) const;

  private:
    void check_node(const json::value& v, const json::value& schema, const std::string& path,
                    std::vector<std::string>& out) const;

    json::object definitions_;
};

}  // namespace hector::a2a::testing
