#pragma once

#include <memory>
#include <string>

#include "hector/http/message.hpp"
#include "hector/tasks/task_manager.hpp"

namespace hector::server {

/// How the events of a stream are framed.
enum class StreamFraming {
    jsonrpc,  // data: a JSON-RPC response with the request's id (POST /agents/{name})
    bare,     // data: the A2A object itself (REST alias message:stream, DECISIONS 6)
};

/// An SSE response that sends the snapshot (or the Last-Event-ID backlog) and then the task's live events until
/// the final one, with a ping after 15 s of silence. A client that goes away ends the stream, never the task.
http::Response task_stream(tasks::Started started, StreamFraming framing, std::string id_json,
                           std::optional<int> history_length);

/// An SSE response carrying one `error` event: the stream-shaped answer to a failure before any task existed.
http::Response error_stream(std::string response_json);

}  // namespace hector::server
