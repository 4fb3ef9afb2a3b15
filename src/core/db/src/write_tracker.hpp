// Who wrote recently, for read-your-writes: a client that wrote within the window reads from the
// primary, because a replica may not have replayed that write yet. Bounded: past kMaxClients the
// expired entries are swept, and if every entry is still fresh the oldest go first.
#pragma once

#include <chrono>
#include <cstddef>
#include <iterator>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace ecom::db::detail {

class WriteTracker {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kMaxClients = 100'000;

  explicit WriteTracker(std::chrono::milliseconds window) : window_(window) {}

  void note_write(std::string_view client, Clock::time_point now = Clock::now()) {
    if (client.empty() || window_.count() <= 0) {
      return;
    }
    std::lock_guard lock(mutex_);
    auto it = last_write_.find(client);
    if (it != last_write_.end()) {
      it->second = now;
      return;
    }
    if (last_write_.size() >= kMaxClients) {
      sweep(now);
    }
    last_write_.emplace(std::string(client), now);
  }

  [[nodiscard]] bool wrote_recently(std::string_view client, Clock::time_point now = Clock::now()) const {
    if (client.empty() || window_.count() <= 0) {
      return false;
    }
    std::lock_guard lock(mutex_);
    auto it = last_write_.find(client);
    return it != last_write_.end() && now - it->second < window_;
  }

  [[nodiscard]] std::size_t tracked() const {
    std::lock_guard lock(mutex_);
    return last_write_.size();
  }

 private:
  void sweep(Clock::time_point now) {
    for (auto it = last_write_.begin(); it != last_write_.end();) {
      it = now - it->second >= window_ ? last_write_.erase(it) : std::next(it);
    }
    // Still full of fresh writers (a flood of distinct ids): forget one so the map stays bounded.
    // That client may read one stale value from a replica; better than unbounded memory.
    if (last_write_.size() >= kMaxClients) {
      auto oldest = last_write_.begin();
      for (auto it = last_write_.begin(); it != last_write_.end(); ++it) {
        if (it->second < oldest->second) {
          oldest = it;
        }
      }
      last_write_.erase(oldest);
    }
  }

  std::chrono::milliseconds window_;
  mutable std::mutex mutex_;
  std::map<std::string, Clock::time_point, std::less<>> last_write_;
};

}  // namespace ecom::db::detail
