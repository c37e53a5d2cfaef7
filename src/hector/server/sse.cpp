#include "hector/server/sse.hpp"

namespace hector::server {

std::string sse_event(std::int64_t id, std::string_view event, std::string_view data) {
    std::string out;
    out.reserve(data.size() + event.size() + 40);
    if (id >= 0) {
        out += "id: ";
        out += std::to_string(id);
        out += '\n';
    }
    out += "event: ";
    out += event;
    out += "\ndata: ";
    out += data;
    out += "\n\n";
    return out;
}

std::string rpc_result_text(std::string_view id_json, std::string_view result_json) {
    std::string out;
    out.reserve(id_json.size() + result_json.size() + 36);
    out += R"({"jsonrpc":"2.0","id":)";
    out += id_json;
    out += R"(,"result":)";
    out += result_json;
    out += '}';
    return out;
}

void set_sse_headers(http::Response& response) {
    response.headers.set("Content-Type", "text/event-stream");
    response.headers.set("Cache-Control", "no-cache");
    response.headers.set("X-Accel-Buffering", "no");
    response.headers.set("Connection", "keep-alive");
}

}  // namespace hector::server
