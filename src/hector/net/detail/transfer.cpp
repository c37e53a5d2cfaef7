#include "hector/net/detail/transfer.hpp"

#include <fmt/format.h>

#include "hector/common/strings.hpp"

namespace hector::net::detail {

namespace {

struct UrlHandle {
    CURLU* handle = curl_url();
    ~UrlHandle() { curl_url_cleanup(handle); }
};

std::string url_part(CURLU* url, CURLUPart part) {
    char* text = nullptr;
    if (curl_url_get(url, part, &text, 0) != CURLUE_OK || text == nullptr) return {};
    std::string out(text);
    curl_free(text);
    return out;
}

bool has_line_break(std::string_view s) {
    return s.find_first_of("\r\n") != std::string_view::npos;
}

bool valid_method(std::string_view m) {
    if (m.empty() || m.size() > 32) return false;
    for (char c : m)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_')) return false;
    return true;
}

}  // namespace

std::string_view find_header(const HeaderList& headers, std::string_view name) {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return v;
    return {};
}

Error transfer_error(const Transfer& t, Errc code, std::string_view what) {
    return Error{code, fmt::format("{}: {}", t.label, what)};
}

Result<std::shared_ptr<Transfer>> make_transfer(HttpRequest request, TransferMode mode, bool restrict_private) {
    if (!valid_method(request.method))
        return Error{Errc::invalid_argument, fmt::format("invalid HTTP method \"{}\"", request.method)};
    UrlHandle url;
    if (url.handle == nullptr) return Error{Errc::internal, "out of memory parsing a URL"};
    if (request.url.size() > 64 * 1024 || curl_url_set(url.handle, CURLUPART_URL, request.url.c_str(), 0) != CURLUE_OK)
        return Error{Errc::invalid_argument, fmt::format("{} {}: invalid URL", request.method, request.url)};
    const std::string scheme = to_lower(url_part(url.handle, CURLUPART_SCHEME));
    const std::string host = url_part(url.handle, CURLUPART_HOST);
    const std::string port = url_part(url.handle, CURLUPART_PORT);
    const std::string path = url_part(url.handle, CURLUPART_PATH);
    std::string label = fmt::format("{} {}://{}{}{}{}", request.method, scheme, host, port.empty() ? "" : ":", port,
                                    path.empty() ? "/" : path);
    if (scheme != "http" && scheme != "https")
        return Error{Errc::invalid_argument, fmt::format("{}: only http and https URLs are allowed", label)};
    if (host.empty()) return Error{Errc::invalid_argument, fmt::format("{}: the URL has no host", label)};
    for (const auto& [name, value] : request.headers) {
        if (name.empty() || name.find(':') != std::string::npos || has_line_break(name) || has_line_break(value))
            return Error{Errc::invalid_argument, fmt::format("{}: invalid request header \"{}\"", label, name)};
    }
    return std::make_shared<Transfer>(std::move(request), mode, std::move(label), restrict_private);
}

}  // namespace hector::net::detail
