// A clock the test moves by hand.
#pragma once

#include <ecom/cache/cache.hpp>

#include <atomic>
#include <chrono>
#include <memory>

namespace ecom::cache::testing {

class FakeClock {
 public:
  [[nodiscard]] Clock clock() const {
    auto now = now_;
    return [now] { return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(now->load())); };
  }
  void advance(std::chrono::nanoseconds by) { now_->fetch_add(by.count()); }

 private:
  // Starts far from zero so that "now - something" never underflows the epoch.
  std::shared_ptr<std::atomic<std::int64_t>> now_ =
      std::make_shared<std::atomic<std::int64_t>>(std::chrono::nanoseconds(std::chrono::hours(1000)).count());
};

}  // namespace ecom::cache::testing
