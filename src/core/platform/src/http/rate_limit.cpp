#include <ecom/platform/http/rate_limit.hpp>

#include <algorithm>

namespace ecom::http {
namespace {

constexpr std::int64_t kToken = 1000;  // millitokens
constexpr std::int64_t kMinuteUs = 60'000'000;

}  // namespace

RateLimiter::RateLimiter(RateLimit limit, std::size_t max_keys)
    : limit_(limit),
      capacity_(static_cast<std::int64_t>(limit.burst > 0 ? limit.burst : limit.per_minute) * kToken),
      max_keys_(max_keys) {}

void RateLimiter::refill(Bucket& bucket, Clock::time_point now) const {
  const auto elapsed_us = std::chrono::duration_cast<std::chrono::microseconds>(now - bucket.updated).count();
  if (elapsed_us <= 0) {
    return;
  }
  // per_minute tokens a minute: elapsed * per_minute * 1000 / 60e6 millitokens. Capped before the
  // multiplication so a key idle for years cannot overflow.
  const auto capped_us = std::min<std::int64_t>(elapsed_us, kMinuteUs * 60);
  const auto gained = capped_us * static_cast<std::int64_t>(limit_.per_minute) * kToken / kMinuteUs;
  if (gained > 0) {
    bucket.millitokens = std::min(capacity_, bucket.millitokens + gained);
    bucket.updated = now;
  }
}

void RateLimiter::prune(Clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    refill(it->second, now);
    it = it->second.millitokens >= capacity_ ? buckets_.erase(it) : std::next(it);
  }
}

std::optional<std::chrono::seconds> RateLimiter::acquire(std::string_view key, Clock::time_point now) {
  if (!enabled()) {
    return std::nullopt;
  }
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) {
      prune(now);
    }
    it = buckets_.emplace(std::string(key), Bucket{capacity_, now}).first;
  }
  auto& bucket = it->second;
  refill(bucket, now);
  if (bucket.millitokens >= kToken) {
    bucket.millitokens -= kToken;
    return std::nullopt;
  }
  // The time until one whole token, rounded up to a second.
  const auto missing = kToken - bucket.millitokens;
  const auto wait_us = missing * kMinuteUs / (static_cast<std::int64_t>(limit_.per_minute) * kToken);
  return std::chrono::seconds(std::max<std::int64_t>(1, (wait_us + 999'999) / 1'000'000));
}

}  // namespace ecom::http
