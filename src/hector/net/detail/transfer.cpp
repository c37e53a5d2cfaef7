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

namespace {

// What a URL says for a transfer's label and checks: "scheme://host[:port]/path", or why it cannot be used.
struct UrlCheck {
    std::string target;  // for the label
    std::string error;   // empty: usable
    Errc code = Errc::invalid_argument;
};

UrlCheck check_url(const std::string& text) {
    UrlHandle url;
    if (url.handle == nullptr) return {{}, "out of memory parsing a URL", Errc::internal};
    if (text.size() > 64 * 1024 || curl_url_set(url.handle, CURLUPART_URL, text.c_str(), 0) != CURLUE_OK)
        return {{}, "invalid URL"};
    const std::string scheme = to_lower(url_part(url.handle, CURLUPART_SCHEME));
    const std::string host = url_part(url.handle, CURLUPART_HOST);
    const std::string port = url_part(url.handle, CURLUPART_PORT);
    const std::string path = url_part(url.handle, CURLUPART_PATH);
    UrlCheck out;
    out.target = fmt::format("{}://{}{}{}{}", scheme, host, port.empty() ? "" : ":", port, path.empty() ? "/" : path);
    if (scheme != "http" && scheme != "https")
        out.error = "only http and https URLs are allowed";
    else if (host.empty())
        out.error = "the URL has no host";
    return out;
}

}  // namespace

Result<std::shared_ptr<Transfer>> make_transfer(HttpRequest request, TransferMode mode, bool restrict_private) {
    if (!valid_method(request.method))
        return Error{Errc::invalid_argument, fmt::format("invalid HTTP method \"{}\"", request.method)};
    // A model's every call goes to the same URL: each thread keeps the check of the last (short) one it parsed.
    thread_local std::string last_url;
    thread_local UrlCheck last_check;
    UrlCheck fresh;
    const UrlCheck* check = &last_check;
    if (last_url.empty() || request.url != last_url) {
        fresh = check_url(request.url);
        check = &fresh;
        if (fresh.code != Errc::internal && request.url.size() <= 2048) {
            last_check = fresh;
            last_url = request.url;
        }
    }
    if (check->target.empty())
        return Error{check->code, fmt::format("{} {}: {}", request.method, request.url, check->error)};
    std::string label = request.method + " " + check->target;
    if (!check->error.empty()) return Error{check->code, fmt::format("{}: {}", label, check->error)};
    for (const auto& [name, value] : request.headers) {
        if (name.empty() || name.find(':') != std::string::npos || has_line_break(name) || has_line_break(value))
            return Error{Errc::invalid_argument, fmt::format("{}: invalid request header \"{}\"", label, name)};
    }
    return std::make_shared<Transfer>(std::move(request), mode, std::move(label), restrict_private);
}

}  // namespace hector::net::detail
