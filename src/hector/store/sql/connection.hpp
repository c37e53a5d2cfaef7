#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "hector/common/result.hpp"

/// The small SQL surface the durable stores are written against, so that one implementation of each store runs on
/// SQLite and PostgreSQL alike (the drivers live in store/sqlite and store/postgres).
namespace hector::store::sql {

enum class Dialect { sqlite, postgres };

/// A bound parameter: SQL NULL, an integer or text. Values are always bound, never spliced into SQL text.
using Param = std::variant<std::nullptr_t, std::int64_t, std::string>;

/// One result row. Columns are read as text (PostgreSQL's text protocol; SQLite converts on request).
class Row {
  public:
    explicit Row(std::vector<std::optional<std::string>> columns) : columns_(std::move(columns)) {}

    std::size_t size() const { return columns_.size(); }
    bool is_null(std::size_t i) const { return !columns_.at(i).has_value(); }
    /// The column's text; empty for NULL.
    const std::string& text(std::size_t i) const;
    /// The column as a 64-bit integer; 0 for NULL or text that is not an integer.
    std::int64_t integer(std::size_t i) const;

  private:
    std::vector<std::optional<std::string>> columns_;
};

struct QueryResult {
    std::vector<Row> rows;
    std::int64_t affected = 0;  // rows changed by INSERT/UPDATE/DELETE
};

/// One open database connection, used by one thread at a time (the Database hands it out inside a transaction).
/// Every call blocks.
class Connection {
  public:
    virtual ~Connection() = default;
    virtual Dialect dialect() const = 0;

    /// Runs one statement written with `?` placeholders and returns its rows. Statements are prepared once per
    /// connection and cached by their text, so `sql` must be a constant, never text built from values.
    virtual Result<QueryResult> run(std::string_view sql, std::span<const Param> params) = 0;

    Result<QueryResult> run(std::string_view sql, std::initializer_list<Param> params = {}) {
        return run(sql, std::span<const Param>(params.begin(), params.size()));
    }
};

}  // namespace hector::store::sql
