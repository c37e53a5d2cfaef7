#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace hector::ratelimit {

/// Which key pays for a task's LLM tokens (server.md §12: token limits are charged after the run). The request that
/// admitted a run binds its task to its key; the run's usage report then names the key to charge. The two arrive in
/// either order (a fast model can finish before the request that started it resumes), so usage without a binding
/// waits for one, and a binding made after its run already ended waits for the usage. Whatever is not claimed is
/// forgotten `linger` after it was recorded, and at most `max_entries` bindings are kept. Thread-safe (one mutex,
/// touched a few times per run).
class TokenLedger {
  public:
    using SteadyClock = std::chrono::steady_clock;
    struct Charge {
        std::string key;
        std::int64_t tokens = 0;
    };

    explicit TokenLedger(std::chrono::seconds linger = std::chrono::seconds(60), std::size_t max_entries = 100000,
                         std::function<SteadyClock::time_point()> now = SteadyClock::now);

    /// The request admitted at `admitted_at` started `task_id` for `key`. Returns the charge to make now when the
    /// run's usage already came in.
    std::optional<Charge> bind(const std::string& task_id, const std::string& key, SteadyClock::time_point admitted_at);
    /// The task's run ended (terminal or interrupted): its binding is kept `linger` longer for the usage report.
    void ended(const std::string& task_id);
    /// The task's run used `tokens`. Returns the charge to make now, or nullopt while no binding names the key.
    std::optional<Charge> used(const std::string& task_id, std::int64_t tokens);

    /// Entries held now (bindings, unclaimed usage, recent ends), for tests of the bounds.
    std::size_t size() const;

  private:
    enum class Kind { binding, unclaimed, ended };
    struct Expiry {
        SteadyClock::time_point at;
        Kind kind;
        std::string task_id;
        std::uint64_t generation;
    };
    struct Binding {
        std::string key;
        std::uint64_t generation = 0;
    };
    struct Unclaimed {
        std::int64_t tokens = 0;
        std::uint64_t generation = 0;
    };
    struct Ended {
        SteadyClock::time_point at;
        std::uint64_t generation = 0;
    };
    void sweep(SteadyClock::time_point now);

    std::chrono::seconds linger_;
    std::size_t max_entries_;
    std::function<SteadyClock::time_point()> now_;
    mutable std::mutex mu_;
    std::unordered_map<std::string, Binding> bound_;
    std::unordered_map<std::string, Unclaimed> unclaimed_;
    std::unordered_map<std::string, Ended> ended_;
    std::deque<Expiry> expiries_;  // in time order
    std::uint64_t generation_ = 0;
};

}  // namespace hector::ratelimit
