#pragma once

#include "hector/common/json.hpp"
#include "hector/common/result.hpp"

/// Error bodies of the REST aliases (DECISIONS 6, spec/a2a-wire.md §7).
namespace hector::a2a {

/// An HTTP error answer: status from hector::http_status(), and a body every A2A client can read:
/// {"code":-32001,"error":"TaskNotFoundError","message":"Task not found","data"?:"<detail>"}.
/// `code` serves @a2a-js, `error` the TCK, `message` everyone; `data` carries the detail when there is one.
struct RestError {
    int status = 500;
    json::object body;
};

RestError rest_error(const Error& e);

}  // namespace hector::a2a
