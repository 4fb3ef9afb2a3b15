// Request rate limits (docs/configuration.md, http.rate_limit_*): a token bucket per key (a client
// address, an API key), refilled at `per_minute` tokens a minute up to `burst`. A request takes one
// token; without one it is refused with how long until the next token (a 429 with Retry-After).
// In process memory: each server process limits what it sees, which behind N processes allows N
// times the rate (docs say so). Bounded: past max_keys the idle buckets (full again) are dropped.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ecom::http {

struct RateLimit {
  std::uint32_t per_minute = 0;  // 0: no limit
  std::uint32_t burst = 0;       // the bucket's size; 0: per_minute
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateLimiter(RateLimit limit, std::size_t max_keys = 100'000);

  // nullopt when key may go ahead (one token taken); else the time until it may, at least 1 s.
  [[nodiscard]] std::optional<std::chrono::seconds> acquire(std::string_view key, Clock::time_point now = Clock::now());
  [[nodiscard]] bool enabled() const noexcept { return limit_.per_minute > 0; }

 private:
  struct Bucket {
    std::int64_t millitokens = 0;  // thousandths of a token: integer arithmetic, no drift
    Clock::time_point updated{};
  };
  void refill(Bucket& bucket, Clock::time_point now) const;
  void prune(Clock::time_point now);

  RateLimit limit_;
  std::int64_t capacity_;  // millitokens
  std::size_t max_keys_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace ecom::http
