#pragma once

#include <pthread.h>

namespace hector {

/// A mutex that spins briefly before it sleeps (glibc's adaptive kind), for locks that are taken very often and
/// held for a short time by the I/O threads (the in-memory stores): two threads that meet on it mostly pass
/// without a futex call and the context switches that come with it. Meets the Lockable requirements, so
/// std::lock_guard and std::unique_lock work with it; not usable with std::condition_variable.
class AdaptiveMutex {
  public:
    AdaptiveMutex() {
        pthread_mutexattr_t attr;
        pthread_mutexattr_init(&attr);
        pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
        pthread_mutex_init(&mu_, &attr);
        pthread_mutexattr_destroy(&attr);
    }
    ~AdaptiveMutex() { pthread_mutex_destroy(&mu_); }
    AdaptiveMutex(const AdaptiveMutex&) = delete;
    AdaptiveMutex& operator=(const AdaptiveMutex&) = delete;

    void lock() { pthread_mutex_lock(&mu_); }
    bool try_lock() { return pthread_mutex_trylock(&mu_) == 0; }
    void unlock() { pthread_mutex_unlock(&mu_); }

  private:
    pthread_mutex_t mu_;
};

}  // namespace hector
