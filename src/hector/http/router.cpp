#include "hector/http/router.hpp"

#include <algorithm>

#include "hector/common/strings.hpp"

namespace hector::http {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    if (path.empty()) return out;
    std::size_t start = 0;
    for (;;) {
        auto pos = path.find('/', start);
        out.push_back(path.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
        if (pos == std::string_view::npos) break;
        start = pos + 1;
    }
    return out;
}

}  // namespace

void Router::add(Method method, std::string_view pattern, Handler handler) {
    Route r{method, std::string(pattern), {}, 0, std::move(handler)};

    for (auto seg : split_path(pattern)) {
        bool param = seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
        r.segments.push_back({std::string(param ? seg.substr(1, seg.size() - 2) : seg), param});
        if (!param) ++r.literals;
    }
    routes_.push_back(std::move(r));
    std::stable_sort(routes_.begin(), routes_.end(),
                     [](const Route& a, const Route& b) { return a.literals > b.literals; });
}

Router::Match Router::match(Method method, std::string_view raw_path) const {
    Match m;
    auto segments = split_path(raw_path);
    // HEAD is served by GET handlers (the body is dropped by the server).
    Method wanted = method == Method::head ? Method::get : method;
    for (const auto& route : routes_) {
        if (route.segments.size() != segments.size()) continue;
        // The fixed segments first: a route that differs in one costs no decoding (nor its allocations).
        bool fixed_match = true;
        for (std::size_t i = 0; i < segments.size() && fixed_match; ++i)
            if (!route.segments[i].param) fixed_match = segments[i] == route.segments[i].text;
        if (!fixed_match) continue;
        std::vector<std::pair<std::string, std::string>> params;
        bool ok = true;
        for (std::size_t i = 0; i < segments.size() && ok; ++i) {
            const auto& s = route.segments[i];
            if (s.param) {
                std::string decoded;
                if (!percent_decode(segments[i], decoded)) {
                    m.bad_encoding = true;
                    ok = false;
                } else if (decoded.empty()) {
                    ok = false;
                } else {
                    params.emplace_back(s.text, std::move(decoded));
                }
            } else {
                ok = segments[i] == s.text;
            }
        }
        if (!ok) continue;
        if (!m.path_known) m.params = params;
        m.path_known = true;
        if (std::find(m.allowed.begin(), m.allowed.end(), route.method) == m.allowed.end())
            m.allowed.push_back(route.method);
        if (!m.handler && route.method == wanted) {
            m.handler = &route.handler;
            m.pattern = route.pattern;

            m.params = std::move(params);
        }
    }
    return m;
}

boost::asio::awaitable<Response> Router::dispatch(Request& request) const {
    auto m = match(request.method, request.path);
    if (m.handler) {
        request.params = std::move(m.params);
        request.route = m.pattern;

        co_return co_await (*m.handler)(request);
    }
    if (m.path_known) {
        Response r = Response::error(405);
        std::string allow;
        for (auto method : m.allowed) {
            if (!allow.empty()) allow += ", ";
            allow += method_name(method);
            if (method == Method::get) allow += ", HEAD";
        }
        if (std::find(m.allowed.begin(), m.allowed.end(), Method::options) == m.allowed.end()) allow += ", OPTIONS";
        r.headers.set("Allow", allow);
        co_return r;
    }
    if (m.bad_encoding) co_return Response::error(400, "invalid percent-encoding in the path");
    co_return Response::error(404);
}

}  // namespace hector::http
