#include "hector/a2a/rest_error.hpp"

#include "hector/common/error_table.hpp"

namespace hector::a2a {

RestError rest_error(const Error& e) {
    const int code = jsonrpc_code(e.code);
    RestError out;
    out.status = http_status(e.code);
    out.body.emplace("code", code);
    out.body.emplace("error", a2a_error_name(code));
    out.body.emplace("message", jsonrpc_message(code));
    if (!e.message.empty()) out.body.emplace("data", e.message);
    return out;
}

}  // namespace hector::a2a
