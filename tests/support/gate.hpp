// Holds every blocking handler that enters until release(), so that a test can fill the server's
// pool deterministically. Each wait is bounded (10 s), so a test that forgets to release cannot
// hang.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace ecom::test {

class Gate {
 public:
  void wait() {
    std::unique_lock lock(mutex_);
    ++entered_;
    cv_.notify_all();
    cv_.wait_for(lock, std::chrono::seconds(10), [this] { return open_; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    open_ = true;
    cv_.notify_all();
  }
  // True once n handlers have entered (at most 5 s).
  bool wait_entered(int n) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, std::chrono::seconds(5), [&] { return entered_ >= n; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int entered_ = 0;
  bool open_ = false;
};

}  // namespace ecom::test
