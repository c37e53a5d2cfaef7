#pragma once

#include <span>
#include <string>
#include <vector>

#include "hector/common/result.hpp"
#include "hector/store/sql/database.hpp"

/// Versioned schema of the durable stores (server.md §7.2). Each step runs once, in order, inside the start-up
/// transaction that records it in `schema_version`; a database whose version is newer than this build knows is
/// refused, so an old binary never writes into a schema it does not understand.
namespace hector::store::sql {

struct Migration {
    int version = 0;
    std::string name;
    std::vector<std::string> statements;
};

/// The steps for a dialect, oldest first, versions 1..N without gaps.
std::span<const Migration> migrations(Dialect dialect);

/// The version the steps above lead to.
int latest_schema_version(Dialect dialect);

/// Blocking. The highest version recorded in schema_version; 0 for a database without that table.
Result<int> schema_version(Connection& c);

/// Blocking; call at start-up. Brings the database to the newest version in one write transaction (all or nothing;
/// PostgreSQL instances starting together are serialised by an advisory lock). A database already newer than
/// `steps` knows fails with Errc::unsupported and changes nothing.
Status migrate(Database& db, std::span<const Migration> steps);

}  // namespace hector::store::sql
