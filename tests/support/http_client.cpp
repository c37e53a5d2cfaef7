#include "support/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace hector::test {

namespace {
std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}
}  // namespace

std::string HttpResponse::header(const std::string& name) const {
    auto it = headers.find(lower(name));
    return it == headers.end() ? std::string() : it->second;
}

Connection::Connection(int port, std::chrono::milliseconds timeout) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    timeval tv{};
    tv.tv_sec = timeout.count() / 1000;
    tv.tv_usec = (timeout.count() % 1000) * 1000;
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

Connection::~Connection() {
    if (fd_ >= 0) ::close(fd_);
}

bool Connection::send(const std::string& bytes) {
    std::size_t off = 0;
    while (off < bytes.size()) {
        ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
        if (n <= 0) return false;
        off += static_cast<std::size_t>(n);
    }
    return true;
}

bool Connection::fill() {
    if (eof_) return false;
    char tmp[16384];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) {
        eof_ = true;
        return false;
    }
    buf_.append(tmp, static_cast<std::size_t>(n));
    return true;
}

std::optional<std::string> Connection::take_line() {
    for (;;) {
        auto pos = buf_.find("\r\n");
        if (pos != std::string::npos) {
            std::string line = buf_.substr(0, pos);
            buf_.erase(0, pos + 2);
            return line;
        }
        if (!fill()) return std::nullopt;
    }
}

HttpResponse Connection::read_headers() {
    HttpResponse r;
    auto status_line = take_line();
    if (!status_line) return r;
    auto sp = status_line->find(' ');
    if (sp == std::string::npos) return r;
    r.status = std::atoi(status_line->c_str() + sp + 1);
    for (;;) {
        auto line = take_line();
        if (!line || line->empty()) break;
        auto colon = line->find(':');
        if (colon == std::string::npos) continue;
        std::string value = line->substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        r.headers[lower(line->substr(0, colon))] = value;
    }
    chunked_ = lower(r.header("transfer-encoding")) == "chunked";
    return r;
}

std::optional<std::string> Connection::read_chunk() {
    auto size_line = take_line();
    if (!size_line) return std::nullopt;
    std::size_t size = std::stoul(*size_line, nullptr, 16);
    while (buf_.size() < size + 2)
        if (!fill()) return std::nullopt;
    std::string data = buf_.substr(0, size);
    buf_.erase(0, size + 2);
    if (size == 0) {
        eof_ = true;
        return std::nullopt;
    }
    return data;
}

HttpResponse Connection::read_response() {
    HttpResponse r = read_headers();
    if (r.status == 0) return r;
    if (chunked_) {
        while (auto chunk = read_chunk()) r.body += *chunk;
    } else if (r.headers.count("content-length")) {
        std::size_t len = std::stoul(r.header("content-length"));
        while (buf_.size() < len)
            if (!fill()) break;
        r.body = buf_.substr(0, std::min(len, buf_.size()));
        buf_.erase(0, r.body.size());
    } else if (r.status != 204 && r.status != 304 && r.status >= 200) {
        while (fill()) {
        }
        r.body = std::move(buf_);
        buf_.clear();
    }
    return r;
}

std::optional<std::string> Connection::read_line() {
    for (;;) {
        auto pos = body_buf_.find('\n');
        if (pos != std::string::npos) {
            std::string line = body_buf_.substr(0, pos);
            body_buf_.erase(0, pos + 1);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            return line;
        }
        if (chunked_) {
            auto chunk = read_chunk();
            if (!chunk) return std::nullopt;
            body_buf_ += *chunk;
        } else {
            if (buf_.empty() && !fill()) return std::nullopt;
            body_buf_ += buf_;
            buf_.clear();
        }
    }
}

bool Connection::closed_by_peer() {
    while (!eof_) fill();
    return eof_;
}

std::string format_request(const std::string& method, const std::string& path, const std::string& body,
                           const std::map<std::string, std::string>& headers, bool keep_alive) {
    std::string out = method + " " + path + " HTTP/1.1\r\n";
    bool has_host = false;
    for (const auto& [k, v] : headers) has_host = has_host || lower(k) == "host";
    if (!has_host) out += "Host: 127.0.0.1\r\n";
    bool has_type = false;
    for (const auto& [k, v] : headers) {
        out += k + ": " + v + "\r\n";
        has_type = has_type || lower(k) == "content-type";
    }
    if (!body.empty() && !has_type) out += "Content-Type: application/json\r\n";
    if (!body.empty() || method == "POST" || method == "PUT")
        out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    if (!keep_alive) out += "Connection: close\r\n";
    out += "\r\n";
    out += body;
    return out;
}

HttpResponse request(int port, const std::string& method, const std::string& path, const std::string& body,
                     const std::map<std::string, std::string>& headers) {
    Connection c(port);
    if (!c.connected() || !c.send(format_request(method, path, body, headers, false))) return {};
    return c.read_response();
}

HttpResponse get(int port, const std::string& path, const std::map<std::string, std::string>& headers) {
    return request(port, "GET", path, "", headers);
}

HttpResponse post_json(int port, const std::string& path, const std::string& body,
                       const std::map<std::string, std::string>& headers) {
    return request(port, "POST", path, body, headers);
}

}  // namespace hector::test
