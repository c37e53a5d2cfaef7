#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "hector/common/result.hpp"
#include "hector/net/io.hpp"
#include "hector/store/sql/connection.hpp"

namespace hector::store::sql {

enum class TxMode {
    read,   // a consistent read-only snapshot
    write,  // serialised with other writers where the engine needs it (SQLite)
};

/// A durable database the SQL stores run on: SQLite (one file) or PostgreSQL (a connection pool).
///
/// transact() blocks and must run on the blocking pool; read()/write() are the awaitable forms that stores use:
/// they run the whole transaction on the pool given at construction and resume the caller on its own executor, so
/// no I/O thread ever waits on the database. Thread-safe.
class Database {
  public:
    explicit Database(boost::asio::thread_pool& blocking) : blocking_(blocking) {}
    virtual ~Database() = default;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    virtual Dialect dialect() const = 0;
    /// A short description for logs and errors ("sqlite .hector/hector.db", "postgres host=db ...", no password).
    virtual std::string describe() const = 0;

    /// Blocking. Runs fn inside one transaction on a connection of this database: commits when fn succeeds, rolls
    /// back when it fails (returning fn's error) or throws (Errc::internal). Errors of the engine itself come back
    /// as Errc::io_error (file unreadable, corrupt, read-only, disk full) or Errc::unavailable (busy, pool exhausted,
    /// server down), with the engine's message.
    virtual Status transact(TxMode mode, const std::function<Status(Connection&)>& fn) = 0;

    /// Engines with a writer thread of their own (SQLite) take write transactions here instead of on the blocking
    /// pool: fn runs on that thread, then done(fn's status or the engine's error) is called there. fn stays valid
    /// until done is called.
    using WriteDone = std::function<void(Status)>;
    virtual bool queues_writes() const { return false; }

    /// Connections open (idle or in use) and idle now, for the db_connections gauges. Thread-safe.
    struct ConnectionStats {
        std::size_t open = 0;
        std::size_t idle = 0;
    };
    virtual ConnectionStats connection_stats() const = 0;

    /// Told of every transaction run through read()/write(): how long its work took on the connection, and whether
    /// it failed for a reason of the engine (I/O, unavailable, internal), not of the data (not found, conflict).
    /// Set once before the stores are used.
    using Observer = std::function<void(double seconds, bool engine_error)>;
    void set_observer(Observer observer) { observer_ = std::move(observer); }
    virtual void queue_write(std::function<Status(Connection&)> fn, WriteDone done) {
        done(transact(TxMode::write, fn));
    }

    /// Change signals between instances sharing the database (PostgreSQL NOTIFY; SQLite serves one instance and
    /// has none). listen() starts receiving other instances' signals, handed to on_signal(kind, task id) from a
    /// thread of the database's own (on_gap after a reconnection: signals may have been lost), and from then on
    /// the stores' signal() calls send this instance's, marked with `origin` so it ignores its own. Call once at
    /// start-up, before the stores are used. Errc::unsupported where the engine has no such thing.
    using SignalHandler = std::function<void(char kind, std::string_view task_id)>;
    virtual Status listen(std::string origin, SignalHandler on_signal, std::function<void()> on_gap) {
        (void)origin;
        (void)on_signal;
        (void)on_gap;
        return Error{Errc::unsupported, describe() + ": no change signals between instances"};
    }
    /// Stops listen()'s thread; the handlers are not called after this returns. Idempotent.
    virtual void stop_listening() {}
    /// Inside a write transaction on this database: a signal to the other instances, sent when it commits. Kinds:
    /// 'q' there is queued work; 't' task `task_id` changed (events stored, finished, canceled). Does nothing
    /// until listen() succeeded.
    Status signal(Connection& c, char kind, std::string_view task_id) const {
        if (signal_channel_.empty()) return {};
        std::string payload = signal_origin_;
        payload.push_back(' ');
        payload.push_back(kind);
        payload.push_back(' ');
        payload.append(task_id);
        auto r = c.run("SELECT pg_notify(?, ?)", {signal_channel_, std::move(payload)});
        if (!r) return std::move(r).error();
        return {};
    }

  protected:
    std::string signal_channel_;  // set by listen()
    std::string signal_origin_;

  public:
    /// Runs fn (Connection& -> Result<T>) in a read transaction on the blocking pool.
    template <class T, class F>
    boost::asio::awaitable<Result<T>> read(F fn) {
        return run<T>(TxMode::read, std::move(fn));
    }
    /// Runs fn (Connection& -> Result<T>) in a write transaction on the blocking pool.
    template <class T, class F>
    boost::asio::awaitable<Result<T>> write(F fn) {
        return run<T>(TxMode::write, std::move(fn));
    }

  private:
    template <class T, class F>
    boost::asio::awaitable<Result<T>> run(TxMode mode, F fn) {
        if (mode == TxMode::write && queues_writes()) {
            std::optional<Result<T>> result;
            Status st;
            double seconds = 0;
            auto body = [&](Connection& c) -> Status {
                const auto started = std::chrono::steady_clock::now();
                result.emplace(fn(c));
                seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                if (result->ok()) return {};
                return result->error();
            };
            // Resumes on the caller's executor once the writer thread is done with body (which lives in this frame).
            co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void()>(
                [this, &body, &st](auto handler) {
                    auto h = std::make_shared<decltype(handler)>(std::move(handler));
                    queue_write(std::ref(body), [h, &st](Status s) {
                        st = std::move(s);
                        auto ex = boost::asio::get_associated_executor(*h);
                        boost::asio::post(ex, [h]() mutable { (*h)(); });
                    });
                },
                boost::asio::use_awaitable);
            if (!st && (!result || result->ok())) result.emplace(std::move(st).error());
            observe(seconds, *result);
            co_return std::move(*result);
        }
        // co_spawn needs a default-constructible result, which Result<T> is not: carry it in an optional.
        double seconds = 0;
        auto job = [this, mode, &fn, &seconds]() {
            std::optional<Result<T>> result;
            Status st = transact(mode, [&](Connection& c) -> Status {
                const auto started = std::chrono::steady_clock::now();
                result.emplace(fn(c));
                seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                if (result->ok()) return {};
                return result->error();
            });
            if (!st && (!result || result->ok())) result.emplace(std::move(st).error());
            return result;
        };
        // g++ 12 destroys the function object that run_blocking wraps twice when its destructor is not trivial, so
        // only references travel (fn lives in this frame, which waits for the job).
        auto out = co_await net::run_blocking(blocking_, job);
        observe(seconds, *out);
        co_return std::move(*out);
    }

    template <class T>
    void observe(double seconds, const Result<T>& result) const {
        if (!observer_) return;
        bool engine_error = false;
        if (!result) {
            const auto code = result.error().code;
            engine_error =
                code == Errc::io_error || code == Errc::unavailable || code == Errc::internal || code == Errc::timeout;
        }
        observer_(seconds, engine_error);
    }

    Observer observer_;

    boost::asio::thread_pool& blocking_;
};

}  // namespace hector::store::sql
