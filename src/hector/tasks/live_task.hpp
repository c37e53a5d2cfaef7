#pragma once

// Internal to tasks/: the in-process state of a task that is queued or running on this instance.

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "hector/agent/agent.hpp"
#include "hector/tasks/task_manager.hpp"

namespace hector::tasks {

struct TaskManager::Live {
    explicit Live(boost::asio::io_context& io)
        : strand(boost::asio::make_strand(io)), deadline(strand), persisted(strand), turn(strand) {
        persisted.expires_at(boost::asio::steady_timer::time_point::max());
    }

    std::mutex mu;
    store::TaskRecord record;
    std::shared_ptr<const runtime::AppRuntime> app;  // keeps the agent alive for the run
    agent::Agent* agent = nullptr;
    a2a::Message input;                   // the user's message; run() moves it into the agent's input
    std::optional<agent::Resume> resume;  // this run continues an input-required task
    std::unordered_map<std::string, std::function<void()>> tool_calls;  // running calls → cancel (under mu)
    std::int64_t seq = 0;
    std::vector<store::TaskEvent> log;  // every event since the task started here
    std::vector<std::shared_ptr<Subscription>> subscribers;
    boost::asio::strand<boost::asio::io_context::executor_type> strand;
    /// Bound to the run's frame (launch()); emitted on `strand` only, through cancel_agent().
    boost::asio::cancellation_signal cancel;
    boost::asio::steady_timer deadline;   // run_timeout, on `strand`
    boost::asio::steady_timer persisted;  // on `strand`; expires (at min) once the committed state is stored
    boost::asio::steady_timer turn;       // on `strand`: wait_for_turn() sleeps on it; wake_workers() cancels it
    /// On `strand`: the run is awaiting its agent, the only time its frame lets a cancel through.
    bool agent_running = false;
    /// On `strand`: cancels the agent if it is running. At any other time a cancel has nothing to stop, and
    /// emitting it could reach the frame before it has turned cancellation off (a run spawned from another
    /// thread starts on the strand later), where Asio would throw it out of the executor.
    void cancel_agent() {
        if (agent_running) cancel.emit(boost::asio::cancellation_type::terminal);
    }
    bool persisting = false;                                   // a commit started persist()
    bool stored = false;                                       // persist() wrote the committed state (under mu)
    std::vector<std::shared_ptr<Subscription>> store_waiters;  // readers waiting for `stored` (under mu)

    bool finished = false;    // a terminal (or interrupted) state was committed
    bool confirmed = false;   // the store took this run's working state: until then (or finished) the store is
                              // what readers see, since a cancel may have ended the task as a worker claimed it
    bool background = false;  // a queue job (retried, dead-lettered) rather than an interactive run
    int attempt = 1;          // which run of the job this is
    bool timed_out = false;   // the per-attempt limit passed (queue.task_timeout)
    bool released = false;    // shutdown: back to the queue, not failed
    bool dropped = false;     // its app was deleted: the run stops and nothing is stored
    std::atomic<bool> waiting_turn{false};  // an interactive run whose queue row waits for its conversation
    /// The run's start, stored with the task (TaskStore::create_and_start), and the working status it stored.
    std::optional<store::TaskStore::RunStartStored> prestarted;
    a2a::TaskStatus prestarted_status;

    std::int64_t flushed_seq = 0;  // events up to here are in the store

    std::string artifact_id;
    bool artifact_open = false;
    std::string answer;
    /// The JSON text of the answer's artifact-update events after the first (append: true) around the chunk's text
    /// (under mu): a chunk's event is these with its text, escaped, in between. Made by the codec on the first
    /// chunk, so the shape is still the codec's.
    std::string chunk_prefix, chunk_suffix;

    /// Appends an event (its JSON text) under `mu` (held by the caller), fans it out and, for a final event, ends
    /// every stream. With publish = false the event is only logged and kept for publish_final(). An artifact event
    /// names its artifact (compaction groups by it).
    void append(store::TaskEvent::Kind kind, std::string payload, bool final, bool interrupted, bool publish = true,
                std::string_view artifact_id = {});
    /// Fans out the final event held back until the final state was stored, and ends every stream. Under `mu`.
    void publish_final();
    std::optional<Event> pending_final;
};

}  // namespace hector::tasks
