#pragma once

#include <string>

namespace hector {

/// Random UUIDv4 in canonical lowercase form, from the kernel's CSPRNG. Thread-safe.
std::string new_uuid();
/// A random UUIDv4 from a fast per-thread generator seeded from the OS: unique, but not for secrets.
/// For request ids and other high-rate identifiers.
std::string new_fast_uuid();
/// Random lowercase alphanumeric string of n characters (app ids, jti).
std::string new_alnum_id(std::size_t n);
/// n cryptographically random bytes (getrandom(2)). Thread-safe.
std::string random_bytes(std::size_t n);

}  // namespace hector
