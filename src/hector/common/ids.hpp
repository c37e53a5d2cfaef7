#pragma once

#include <string>

namespace hector {

/// Random UUIDv4 in canonical lowercase form, from the kernel's CSPRNG. Thread-safe.
std::string new_uuid();
/// A UUIDv7 (RFC 9562): the creation time in milliseconds, then 74 random bits from the kernel's CSPRNG. Ids made
/// one after another sort together, so the database indexes keyed by them grow at one edge instead of dirtying a
/// random page per insert. For task, context and message ids. Thread-safe.
std::string new_ordered_uuid();
/// A random UUIDv4 from a fast per-thread generator seeded from the OS: unique, but not for secrets.
/// For request ids and other high-rate identifiers.
std::string new_fast_uuid();
/// Random lowercase alphanumeric string of n characters (app ids, jti).
std::string new_alnum_id(std::size_t n);
/// n cryptographically random bytes (getrandom(2)). Thread-safe.
std::string random_bytes(std::size_t n);

}  // namespace hector
