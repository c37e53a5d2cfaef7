#include "support/sse_client.hpp"

namespace hector::test {

std::optional<SseEvent> SseReader::next() {
    SseEvent e;
    bool any = false;
    for (;;) {
        auto line = c_.read_line();
        if (!line) return std::nullopt;
        if (line->empty()) {
            if (any) return e;
            continue;
        }
        if ((*line)[0] == ':') {
            ++pings_;
            continue;
        }
        auto colon = line->find(':');
        std::string field = line->substr(0, colon);
        std::string value = colon == std::string::npos ? "" : line->substr(colon + 1);
        if (!value.empty() && value[0] == ' ') value.erase(0, 1);
        any = true;
        if (field == "id")
            e.id = value;
        else if (field == "event")
            e.event = value;
        else if (field == "data")
            e.data += (e.data.empty() ? "" : "\n") + value;
    }
}

std::vector<SseEvent> SseReader::rest() {
    std::vector<SseEvent> out;
    while (auto e = next()) out.push_back(std::move(*e));
    return out;
}

SseCall open_sse(int port, const std::string& path, const std::string& body,
                 const std::map<std::string, std::string>& headers, std::chrono::milliseconds timeout) {
    SseCall call;
    call.connection = std::make_unique<Connection>(port, timeout);
    call.connection->send(format_request("POST", path, body, headers, false));
    call.headers = call.connection->read_headers();
    call.reader = std::make_unique<SseReader>(*call.connection);
    return call;
}

}  // namespace hector::test
