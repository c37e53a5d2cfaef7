#pragma once

#include <string_view>

#include "hector/auth/principal.hpp"

namespace hector::auth {

enum class Access { allowed, unauthorized, not_found };

/// server.md §3.3. `auth_active`: admin secret, API keys or a JWKS setup exist. Without it, internal = public.
/// `require_auth`: server.auth.enabled && require_auth, applies to invoking public agents.
bool listed(std::string_view visibility, const Principal& who, bool auth_active);
Access card_access(std::string_view visibility, const Principal& who, bool auth_active);
Access invoke_access(std::string_view visibility, const Principal& who, bool auth_active, bool require_auth);

/// Constant-time comparison of secrets (admin secret, API keys).
bool secrets_equal(std::string_view a, std::string_view b);

}  // namespace hector::auth
