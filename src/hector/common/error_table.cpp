#include "hector/common/error_table.hpp"

namespace hector {

namespace {

struct Row {
    Errc code;
    int jsonrpc;
    int http;
};

constexpr Row kTable[] = {
    {Errc::invalid_argument, -32602, 400},
    {Errc::invalid_request, -32600, 400},
    {Errc::parse_error, -32700, 400},
    {Errc::method_not_found, -32601, 404},
    {Errc::not_found, -32001, 404},
    {Errc::conflict, -32602, 409},
    {Errc::unauthorized, -32603, 401},
    {Errc::forbidden, -32603, 403},
    {Errc::payload_too_large, -32602, 413},
    {Errc::rate_limited, -32603, 429},
    {Errc::timeout, -32603, 504},
    {Errc::cancelled, -32603, 499},
    {Errc::unavailable, -32603, 503},
    {Errc::unsupported, -32004, 501},
    {Errc::io_error, -32603, 500},
    {Errc::internal, -32603, 500},
    {Errc::upstream_error, -32603, 502},
    {Errc::task_not_found, -32001, 404},
    {Errc::task_not_cancelable, -32002, 409},
    {Errc::push_not_supported, -32003, 501},
    {Errc::content_type_not_supported, -32005, 415},
    {Errc::invalid_agent_response, -32006, 502},
    {Errc::extended_card_not_configured, -32007, 404},
};

const Row& row(Errc code) {
    for (const auto& r : kTable) {
        if (r.code == code) return r;
    }
    return kTable[15];  // internal
}

}  // namespace

int jsonrpc_code(Errc code) {
    return row(code).jsonrpc;
}
int http_status(Errc code) {
    return row(code).http;
}

std::string_view jsonrpc_message(int code) {
    switch (code) {
        case -32700:
            return "Parse error";
        case -32600:
            return "Invalid Request";
        case -32601:
            return "Method not found";
        case -32602:
            return "Invalid params";
        case -32603:
            return "Internal error";
        case -32001:
            return "Task not found";
        case -32002:
            return "Task cannot be canceled";
        case -32003:
            return "Push Notification is not supported";
        case -32004:
            return "This operation is not supported";
        case -32005:
            return "Incompatible content types";
        case -32006:
            return "Invalid agent response";
        case -32007:
            return "Authenticated Extended Card is not configured";
        default:
            return "Server error";
    }
}

std::string_view a2a_error_name(int code) {
    switch (code) {
        case -32700:
            return "JSONParseError";
        case -32600:
            return "InvalidRequestError";
        case -32601:
            return "MethodNotFoundError";
        case -32602:
            return "InvalidParamsError";
        case -32001:
            return "TaskNotFoundError";
        case -32002:
            return "TaskNotCancelableError";
        case -32003:
            return "PushNotificationNotSupportedError";
        case -32004:
            return "UnsupportedOperationError";
        case -32005:
            return "ContentTypeNotSupportedError";
        case -32006:
            return "InvalidAgentResponseError";
        case -32007:
            return "AuthenticatedExtendedCardNotConfiguredError";
        default:
            return "InternalError";
    }
}

std::string_view reason_phrase(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 202:
            return "Accepted";
        case 204:
            return "No Content";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 409:
            return "Conflict";
        case 413:
            return "Payload Too Large";
        case 415:
            return "Unsupported Media Type";
        case 422:
            return "Unprocessable Entity";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 499:
            return "Client Closed Request";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        default:
            return status < 500 ? "Bad Request" : "Internal Server Error";
    }
}

}  // namespace hector
