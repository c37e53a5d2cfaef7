#include "hector/net/detail/curl_easy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <system_error>

#include <fmt/format.h>

#include "hector/common/strings.hpp"
#include "hector/net/address_policy.hpp"

namespace hector::net::detail {

namespace {

constexpr std::size_t kMaxHeaderBytes = 1024 * 1024;

bool has_header(const HeaderList& headers, std::string_view name) {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return true;
    return false;
}

int parse_status(std::string_view status_line) {
    // "HTTP/1.1 200 OK", "HTTP/2 200"
    auto space = status_line.find(' ');
    if (space == std::string_view::npos || status_line.size() < space + 4) return 0;
    int code = 0;
    for (std::size_t i = space + 1; i < space + 4; ++i) {
        char c = status_line[i];
        if (c < '0' || c > '9') return 0;
        code = code * 10 + (c - '0');
    }
    return code;
}

/// True when curl is about to follow this response elsewhere, so its headers are not the final ones.
bool will_follow(const Transfer& t) {
    const int code = t.current_status;
    return t.request.follow_redirects && code >= 300 && code < 400 && code != 304 &&
           has_header(t.pending_headers, "location");
}

void end_of_headers(Transfer& t) {
    if (t.current_status >= 100 && t.current_status < 200) {
        t.pending_headers.clear();  // interim response (100 Continue, 103 Early Hints)
        return;
    }
    if (will_follow(t)) return;
    publish_headers(t);
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto& t = *static_cast<Transfer*>(user);
    const size_t n = size * count;
    t.last_activity = std::chrono::steady_clock::now();
    t.header_bytes += n;
    if (t.header_bytes > kMaxHeaderBytes) {
        t.local_error = transfer_error(t, Errc::upstream_error, "response headers exceed 1 MiB");
        return 0;
    }
    if (t.headers_frozen) return n;  // trailers
    std::string_view line(data, n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.starts_with("HTTP/")) {
        t.pending_headers.clear();
        t.current_status = parse_status(line);
    } else if (line.empty()) {
        end_of_headers(t);
    } else if (line.front() == ' ' || line.front() == '\t') {
        if (!t.pending_headers.empty()) {  // obsolete line folding
            t.pending_headers.back().second += ' ';
            t.pending_headers.back().second += trim(line);
        }
    } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
        t.pending_headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                       std::string(trim(line.substr(colon + 1))));
    }
    return n;
}

size_t on_write(char* data, size_t size, size_t count, void* user) {
    auto& t = *static_cast<Transfer*>(user);
    const size_t n = size * count;
    t.last_activity = std::chrono::steady_clock::now();
    if (t.body_bytes + n > t.request.max_response_bytes) {
        t.local_error = transfer_error(t, Errc::payload_too_large,
                                       fmt::format("response body larger than {} bytes", t.request.max_response_bytes));
        return 0;
    }
    if (!t.headers_frozen) {
        if (will_follow(t)) return n;  // the body of a redirect curl is about to follow
        publish_headers(t);
    }
    if (n == 0) return 0;  // curl may report an empty body this way; a stream never yields empty chunks
    if (t.mode == TransferMode::whole) {
        t.body.append(data, n);
        t.body_bytes += n;
        return n;
    }
    bool stopped = false;
    bool full = false;
    std::unique_ptr<Waiter> waiter;
    {
        std::lock_guard lock(t.state.mu);
        if (t.state.finished) {
            stopped = true;  // cancelled by the consumer: returning 0 aborts the transfer at once
        } else if (!t.state.chunks.empty() && t.state.buffered + n > kStreamBufferBytes) {
            t.state.paused = true;
            full = true;
        } else {
            t.state.chunks.emplace_back(data, n);
            t.state.buffered += n;
            ++t.state.version;
            waiter = std::move(t.state.waiter);
        }
    }
    if (stopped) return 0;
    if (full) {
        // curl keeps these bytes and hands them to us again after curl_easy_pause(CURLPAUSE_CONT).
        t.paused = true;
        return CURL_WRITEFUNC_PAUSE;
    }
    t.body_bytes += n;
    if (waiter) waiter->wake();
    return n;
}

Error blocked(Transfer& t, std::string_view address) {
    return transfer_error(t, Errc::forbidden,
                          fmt::format("address {} is not allowed (loopback, link-local, private and unique-local "
                                      "networks are refused; see server.outbound.allow_private_networks)",
                                      address));
}

/// Every connection the transfer opens, redirect hops included, passes here with the address actually dialled, so
/// a name that resolves (or re-resolves) to a private address cannot slip through.
curl_socket_t on_open_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
    auto& t = *static_cast<Transfer*>(user);
    if (t.restrict_private) {
        char text[INET6_ADDRSTRLEN] = "?";
        bool refused = true;
        if (address->family == AF_INET && address->addrlen >= sizeof(sockaddr_in)) {
            const auto* in = reinterpret_cast<const sockaddr_in*>(&address->addr);
            inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
            refused = is_private_ipv4(ntohl(in->sin_addr.s_addr));
        } else if (address->family == AF_INET6 && address->addrlen >= sizeof(sockaddr_in6)) {
            const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address->addr);
            inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
            std::array<std::uint8_t, 16> bytes{};
            std::memcpy(bytes.data(), &in6->sin6_addr, bytes.size());
            refused = is_private_ipv6(bytes);
        }
        if (refused) {
            t.local_error = blocked(t, text);
            return CURL_SOCKET_BAD;
        }
    }
    // CLOEXEC: subprocess tools must not inherit our connections.
    return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

/// Runs before each request is sent, on new and on reused connections alike: a connection opened by an
/// unrestricted transfer (e.g. to a local model server) is never handed to a restricted one.
int on_prereq(void* user, char* primary_ip, char* /*local_ip*/, int /*primary_port*/, int /*local_port*/) {
    auto& t = *static_cast<Transfer*>(user);
    if (t.restrict_private && is_private_address(primary_ip ? primary_ip : "")) {
        t.local_error = blocked(t, primary_ip ? primary_ip : "?");
        return CURL_PREREQFUNC_ABORT;
    }
    return CURL_PREREQFUNC_OK;
}

void set_method_and_body(CURL* e, const HttpRequest& r) {
    if (r.method == "HEAD") {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
        return;
    }
    if (r.method == "GET" && r.body.empty()) {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
        return;
    }
    if (!r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
    }
    if (r.method != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
}

Status set_headers(Transfer& t, const HttpClientSettings& settings) {
    CURL* e = t.easy;
    const HttpRequest& r = t.request;
    for (const auto& [name, value] : r.headers) {
        // "Name;" is curl's way to send a header with an empty value.
        std::string line = value.empty() ? name + ";" : name + ": " + value;
        curl_slist* next = curl_slist_append(t.header_list, line.c_str());
        if (next == nullptr) return transfer_error(t, Errc::internal, "out of memory");
        t.header_list = next;
    }
    if (!has_header(r.headers, "expect")) {
        // Without this curl waits for "100 Continue" before large bodies, which many servers never send.
        curl_slist* next = curl_slist_append(t.header_list, "Expect:");
        if (next == nullptr) return transfer_error(t, Errc::internal, "out of memory");
        t.header_list = next;
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.header_list);
    if (!has_header(r.headers, "user-agent")) curl_easy_setopt(e, CURLOPT_USERAGENT, settings.user_agent.c_str());
    if (!has_header(r.headers, "accept-encoding")) curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    return {};
}

}  // namespace

void publish_headers(Transfer& t) {
    if (t.headers_frozen) return;
    t.headers_frozen = true;
    update_state(t, [&](TransferState& s) {
        if (s.finished) return;
        s.status = t.current_status;
        s.headers = t.pending_headers;
        s.headers_ready = true;
    });
}

Status setup_easy(Transfer& t, const HttpClientSettings& settings, CURL* spare) {
    CURL* e = spare != nullptr ? spare : curl_easy_init();
    if (e == nullptr) return transfer_error(t, Errc::internal, "cannot create a curl handle");
    t.easy = e;
    const HttpRequest& r = t.request;
    curl_easy_setopt(e, CURLOPT_PRIVATE, static_cast<void*>(&t));
    curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    // Lets curl detach a DNS resolver thread when a transfer is removed mid-lookup instead of blocking the reactor
    // until getaddrinfo returns.
    curl_easy_setopt(e, CURLOPT_QUICK_EXIT, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error_buffer);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count()));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(r.connect_timeout.count()));
    const auto max_body = std::min<std::uint64_t>(r.max_response_bytes, std::numeric_limits<curl_off_t>::max());
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max_body));
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    // Over TLS, wait for a connection being set up to the same host when it may turn out to multiplex (HTTP/2): ALPN
    // answers that within the handshake. Never over plain HTTP: there libcurl learns it only from the first
    // response's headers, so every other request to the host would wait for the slowest first answer.
    if (r.url.size() >= 8 && strncasecmp(r.url.c_str(), "https://", 8) == 0) curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);  // a proxy's CONNECT reply is not the response
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, static_cast<void*>(&t));
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, static_cast<void*>(&t));
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &on_open_socket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, static_cast<void*>(&t));
    curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, &on_prereq);
    curl_easy_setopt(e, CURLOPT_PREREQDATA, static_cast<void*>(&t));
    if (r.follow_redirects) {
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
    }
    set_method_and_body(e, r);
    return set_headers(t, settings);
}

Error curl_failure(const Transfer& t, CURLcode code) {
    if (t.local_error) return *t.local_error;
    std::string reason = t.error_buffer[0] != '\0' ? std::string(t.error_buffer) : curl_easy_strerror(code);
    long os_errno = 0;  // curl 7.88 says "Couldn't connect to server"; the errno says why ("Connection refused")
    if (t.easy != nullptr && curl_easy_getinfo(t.easy, CURLINFO_OS_ERRNO, &os_errno) == CURLE_OK && os_errno != 0) {
        const std::string detail = std::generic_category().message(static_cast<int>(os_errno));
        if (reason.find(detail) == std::string::npos) reason += " (" + detail + ")";
    }
    switch (code) {
        case CURLE_OPERATION_TIMEDOUT:
            return transfer_error(t, Errc::timeout, reason);
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_COULDNT_CONNECT:
            return transfer_error(t, Errc::unavailable, reason);
        case CURLE_FILESIZE_EXCEEDED:
            return transfer_error(t, Errc::payload_too_large,
                                  fmt::format("response body larger than {} bytes", t.request.max_response_bytes));
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
            return transfer_error(t, Errc::invalid_argument, reason);
        default:
            return transfer_error(t, Errc::upstream_error, reason);
    }
}

}  // namespace hector::net::detail
