#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>
#include <vector>

#include "hector/http/message.hpp"

namespace hector::http {

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

/// Method + path-pattern routing. Patterns are literal segments and `{name}` parameters matching one segment
/// (percent-decoded; an encoded '/' stays inside its segment). A route with more literal segments wins over one
/// with parameters. Immutable after set-up; match() is safe from any thread.
class Router {
  public:
    void add(Method method, std::string_view pattern, Handler handler);

    struct Match {
        const Handler* handler = nullptr;  // null: no route for this method
        std::string_view pattern;          // of the matched route

        bool path_known = false;      // some route has this path (→ 405 rather than 404)
        std::vector<Method> allowed;  // methods routed for this path (for Allow)
        std::vector<std::pair<std::string, std::string>> params;
        bool bad_encoding = false;  // a segment had an invalid percent-escape
    };
    Match match(Method method, std::string_view raw_path) const;

    /// Dispatches to the matching handler; 404 / 405 (with Allow) / 400 as JSON errors otherwise.
    boost::asio::awaitable<Response> dispatch(Request& request) const;

  private:
    struct Segment {
        std::string text;
        bool param = false;
    };
    struct Route {
        Method method;
        std::string pattern;
        std::vector<Segment> segments;

        int literals = 0;
        Handler handler;
    };
    std::vector<Route> routes_;
};

}  // namespace hector::http
