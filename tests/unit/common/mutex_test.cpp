#include "hector/common/mutex.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <vector>

namespace hector {
namespace {

TEST(AdaptiveMutex, KeepsConcurrentWritersApart) {
    AdaptiveMutex mu;
    std::int64_t counter = 0;  // a plain int: a lost update shows the lock did not hold
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 100000; ++i) {
                std::lock_guard lock(mu);
                ++counter;
            }
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(counter, 400000);
}

TEST(AdaptiveMutex, TryLockFailsWhileHeld) {
    AdaptiveMutex mu;
    std::unique_lock lock(mu);
    bool taken = true;
    std::thread([&] { taken = mu.try_lock(); }).join();
    EXPECT_FALSE(taken);
    lock.unlock();
    std::thread([&] {
        taken = mu.try_lock();
        if (taken) mu.unlock();
    }).join();
    EXPECT_TRUE(taken);
}

}  // namespace
}  // namespace hector
