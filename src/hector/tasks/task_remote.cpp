// The cross-instance side of the task manager: followers of tasks that run elsewhere read the stored log (one
// reader per task), runs here stop when their stored state ended elsewhere (a cancel, DECISIONS 23), and change
// signals from other instances (sql::Database::listen) cut the polling short.
#include <set>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include "hector/a2a/codec.hpp"
#include "hector/tasks/detail/task_helpers.hpp"
#include "hector/tasks/live_task.hpp"
#include "hector/tasks/task_manager.hpp"

namespace hector::tasks {

namespace asio = boost::asio;
namespace json = boost::json;
using store::TaskEvent;
using namespace detail;

// DECISIONS 23: a cancel committed by another instance reaches the run here within watch_interval.
asio::awaitable<void> TaskManager::watch_remote_cancels() {
    std::vector<std::string> ids;
    {
        std::lock_guard lock(mu_);
        for (auto& [id, t] : live_) ids.push_back(id);
    }
    if (ids.empty()) co_return;
    auto states = co_await store_.states_of(ids);
    if (!states) co_return;
    // A run whose task row is gone while its app is no longer served here: the app was deleted (elsewhere).
    if (states->size() < ids.size()) {
        std::set<std::string_view> present;
        for (const auto& [id, state] : *states) present.insert(id);
        for (const auto& id : ids) {
            if (present.contains(id)) continue;
            auto t = live(id);
            if (t && !apps_.get(t->record.app_id)) drop(t);
        }
    }
    for (const auto& [id, state] : *states) {
        auto parsed = a2a::parse_state(state);
        if (!parsed || !a2a::is_terminal(*parsed)) continue;
        co_await adopt_stored_end(id);
    }
}

asio::awaitable<void> TaskManager::adopt_stored_end(std::string task_id) {
    auto t = live(task_id);
    if (!t) co_return;
    std::string app;
    {
        std::lock_guard lock(t->mu);
        if (t->finished) co_return;
        app = t->record.app_id;
    }
    auto stored = co_await store_.get(app, task_id);
    if (!stored || !a2a::is_terminal(stored->task.status.state)) co_return;
    if (commit(t, stored->task.status)) asio::post(t->strand, [t] { t->cancel_agent(); });
}

void TaskManager::on_signal(char kind, std::string_view task_id) {
    if (kind == 'q') {
        wake_workers();
        return;
    }
    if (kind != 't' || task_id.empty()) return;
    std::string id(task_id);
    poke_feed(id);
    if (running_here(id)) asio::co_spawn(io_, adopt_stored_end(std::move(id)), asio::detached);
}

void TaskManager::on_signal_gap() {
    wake_workers();
    std::vector<std::string> feeds;
    {
        std::lock_guard lock(mu_);
        for (const auto& [id, feed] : remote_feeds_) feeds.push_back(id);
    }
    for (const auto& id : feeds) poke_feed(id);
    asio::co_spawn(io_, watch_remote_cancels(), asio::detached);
}

namespace {
// A stored event as subscribers receive it.
Event fanned_out(const TaskEvent& e) {
    bool interrupted = false;
    if (e.final && e.payload) {
        auto v = parse_json(*e.payload, kOwnJsonDepth);
        const auto* status = v && v->is_object() ? v->as_object().if_contains("status") : nullptr;
        const auto* state = status && status->is_object() ? status->as_object().if_contains("state") : nullptr;
        interrupted = state && *state == "input-required";
    }
    return Event{e.seq, e.kind, e.final, interrupted, e.payload};
}
}  // namespace

// Subscribers of a task that does not run here share one reader of the stored log per task (the running instance
// flushes it every flush_interval), however many they are, until the final event or until the task starts here.
struct TaskManager::RemoteFeed {
    explicit RemoteFeed(asio::io_context& io) : strand(asio::make_strand(io)), pause(strand) {}
    // feed_loop runs on the strand; a change signal (poke_feed) cuts its pause between two reads short.
    asio::strand<asio::io_context::executor_type> strand;
    asio::steady_timer pause;
    bool poked = false;  // on the strand: a signal came while the feed was reading
    struct Follower {
        std::shared_ptr<Subscription> sub;
        std::int64_t after = 0;  // the last event it was given
    };
    std::string app_id;
    std::vector<Follower> followers;  // under TaskManager::mu_, except while feed_loop holds them
};

void TaskManager::poke_feed(const std::string& task_id) {
    std::shared_ptr<RemoteFeed> feed;
    {
        std::lock_guard lock(mu_);
        auto it = remote_feeds_.find(task_id);
        if (it == remote_feeds_.end()) return;
        feed = it->second;
    }
    asio::post(feed->strand, [feed] {
        feed->poked = true;
        feed->pause.cancel();
    });
}

void TaskManager::follow_remote(std::shared_ptr<Subscription> sub, std::string app_id, std::string task_id,
                                std::int64_t after_seq) {
    std::shared_ptr<RemoteFeed> started;
    {
        std::lock_guard lock(mu_);
        auto& feed = remote_feeds_[task_id];
        if (!feed) {
            feed = std::make_shared<RemoteFeed>(io_);
            feed->app_id = std::move(app_id);
            started = feed;
        }
        feed->followers.push_back({std::move(sub), after_seq});
    }
    if (started) {
        auto strand = started->strand;
        asio::co_spawn(strand, feed_loop(std::move(task_id), std::move(started)), asio::detached);
    }
}

asio::awaitable<void> TaskManager::feed_loop(std::string task_id, std::shared_ptr<RemoteFeed> feed) {
    using Follower = RemoteFeed::Follower;
    while (!stopping_) {
        std::vector<Follower> mine;
        {
            std::lock_guard lock(mu_);
            mine.swap(feed->followers);
            if (mine.empty()) {
                remote_feeds_.erase(task_id);
                co_return;
            }
        }
        // The task started here meanwhile: its followers join the run's live log, which the store only sees
        // compacted at the end.
        if (auto t = live(task_id)) std::erase_if(mine, [&](Follower& f) { return join_live(*t, f.sub, f.after); });
        bool ended = false;
        if (!mine.empty()) {
            std::int64_t from = mine.front().after;
            for (const auto& f : mine) from = std::min(from, f.after);
            auto events = co_await store_.events_after(feed->app_id, task_id, from);
            ended = !events;
            if (events) {
                for (const auto& e : *events) {
                    const auto ev = fanned_out(e);
                    for (auto& f : mine) {
                        if (!f.sub || e.seq <= f.after) continue;
                        f.after = e.seq;
                        if (!f.sub->push(ev)) f.sub.reset();  // it went away
                        if (f.sub && e.final) {
                            f.sub->close();
                            f.sub.reset();
                        }
                    }
                }
                std::erase_if(mine, [](const Follower& f) { return !f.sub; });
                if (events->empty() && !mine.empty()) {
                    auto record = co_await store_.get(feed->app_id, task_id);
                    ended = !record;
                    if (record && a2a::is_terminal(record->task.status.state)) {
                        // Finished without a final event in the log we can see (compaction raced us): end with
                        // the state.
                        Event ev{record->last_seq, TaskEvent::Kind::status, true, false,
                                 store::make_json_text(status_payload(*record, true))};
                        for (auto& f : mine) f.sub->push(ev);
                        ended = true;
                    }
                }
            }
        }
        if (ended) {
            for (auto& f : mine) f.sub->close();
            mine.clear();
        }
        {
            std::lock_guard lock(mu_);
            feed->followers.insert(feed->followers.end(), std::make_move_iterator(mine.begin()),
                                   std::make_move_iterator(mine.end()));
            if (feed->followers.empty()) {
                remote_feeds_.erase(task_id);
                co_return;
            }
        }
        // Until the poll interval passes, or sooner when a signal says the task changed.
        if (!feed->poked) {
            feed->pause.expires_after(settings_.poll_interval);
            co_await feed->pause.async_wait(asio::as_tuple(asio::use_awaitable));
        }
        feed->poked = false;
    }
    std::lock_guard lock(mu_);
    for (auto& f : feed->followers) f.sub->close();
    feed->followers.clear();
    remote_feeds_.erase(task_id);
}

// Hands a remote follower over to the run's own fan-out, when the run's log holds everything after `after_seq`.
// False leaves it following the store.
bool TaskManager::join_live(Live& t, const std::shared_ptr<Subscription>& sub, std::int64_t& after_seq) {
    std::lock_guard lock(t.mu);
    const bool covered = t.log.empty() ? after_seq >= t.seq : t.log.front().seq <= after_seq + 1;
    if (!covered) return false;
    for (const auto& e : t.log) {
        if (e.seq <= after_seq) continue;
        if (e.final && t.pending_final && t.pending_final->seq == e.seq) break;  // publish_final() delivers it
        after_seq = e.seq;
        if (!sub->push(fanned_out(e))) return true;
        if (e.final) {
            sub->close();
            return true;
        }
    }
    if (t.finished && !t.pending_final) return false;  // the final event is only in the store now
    t.subscribers.push_back(sub);
    return true;
}

}  // namespace hector::tasks
