// Sign-in throttling (ASVS 2.2.1): failed attempts counted per account and per client address, in
// the cache when it keeps shared counters (Redis: every process sees the same counts) and always in
// this process too, so that a cache outage never lifts a lock.
//
//   - After `failures_before_lock` consecutive failures an account is locked for `lock`, doubling
//     with each further lock (15, 30, 60 minutes, ... at most a day); a success resets the run.
//   - Never more than `max_failures_per_hour` failures an account in an hour.
//   - Never more than `max_failures_per_address` failures from one address in `address_window`
//     (many accounts tried from one place).
//
// A locked account or address answers 429 with Retry-After before the password is looked at, so
// a lock says nothing about whether the password was right. Unknown emails are counted like known
// ones, so a lock says nothing about whether the account exists either.
#pragma once

#include <ecom/cache/cache.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ecom::identity {

struct ThrottleRules {
  int failures_before_lock = 10;
  std::chrono::seconds lock{std::chrono::minutes(15)};
  int max_failures_per_hour = 100;
  int max_failures_per_address = 100;
  std::chrono::seconds address_window{std::chrono::minutes(15)};
};

class Throttle {
 public:
  // now_us: microseconds since the Unix epoch. cache must outlive the throttle.
  Throttle(cache::Cache& cache, ThrottleRules rules, std::function<std::int64_t()> now_us);

  // Throws core::Error too_many_requests (429) with Retry-After while the account or the address
  // is locked.
  void check(std::string_view account, std::string_view address);
  // Counts a failed attempt, and locks the account or the address when it reaches a limit.
  void failed(std::string_view account, std::string_view address);
  // Ends the account's run of consecutive failures (not its hourly count).
  void succeeded(std::string_view account);

 private:
  struct Counter {
    std::int64_t count = 0;
    std::int64_t expires_at = 0;  // us
  };
  std::int64_t count(const std::string& key, std::chrono::seconds window);
  void lock(const std::string& key, std::chrono::seconds length);
  [[nodiscard]] std::int64_t locked_until(const std::string& key);

  cache::Cache& cache_;
  ThrottleRules rules_;
  std::function<std::int64_t()> now_us_;
  std::mutex mutex_;
  // This process's own counts and locks: the fallback, bounded in size (pruned when it grows).
  std::unordered_map<std::string, Counter> counters_;
  std::unordered_map<std::string, std::int64_t> locks_;
};

}  // namespace ecom::identity
