// The cache: one interface with two implementations, Redis (production, shared by every process)
// and an in-process LRU (the embedded default), and cache-aside on top of it.
//
// A cache is an optimisation, never a source of truth: every failure of the cache reads as a miss
// and every failed write is dropped, so a cache outage makes the shop slower, not broken. Callers
// therefore load from the database on a miss (get_or_load does it for them) and invalidate after
// they commit a change.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ecom::cache {

using Tags = std::vector<std::string>;
// Time source; tests pass their own to step through TTLs and breaker timers.
using Clock = std::function<std::chrono::steady_clock::time_point()>;
[[nodiscard]] Clock steady_clock();

// Runs a function once for all concurrent callers with the same key: the first caller runs it, the
// others wait for its result, or its exception, which every waiter receives. Nothing is
// remembered once the call finishes, so the next call after a failure tries again.
class SingleFlight {
 public:
  std::string run(const std::string& key, const std::function<std::string()>& fn);
  // Calls in flight now; for tests.
  [[nodiscard]] std::size_t in_flight() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_future<std::string>> flights_;
};

class Cache {
 public:
  Cache() = default;
  virtual ~Cache() = default;
  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;

  // The value, or nothing on a miss, an expired entry, or any cache failure.
  [[nodiscard]] virtual std::optional<std::string> get(std::string_view key) = 0;
  // Stores a value for ttl, indexed under each tag. Dropped silently when the cache fails, and
  // also when key or one of its tags was invalidated within the invalidation guard window: such a
  // value may have been loaded before the change that caused the invalidation committed.
  virtual void set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl,
                   const Tags& tags = {}) = 0;
  // Removes the key (or every key stored under the tag) for every process using this cache.
  virtual void invalidate(std::string_view key) = 0;
  virtual void invalidate_tag(std::string_view tag) = 0;
  // False while the backend is unreachable (Redis down, breaker open); for /readyz "degraded".
  [[nodiscard]] virtual bool healthy() const = 0;

  // Near copies, for answers served from process memory on an HTTP I/O thread (opt-in per read):
  // get_near is get, and also keeps a copy of a hit in this process when the cache has a near
  // cache (RedisCache with near.max_bytes > 0); peek looks only at that copy and never blocks (no
  // I/O, one mutex), so it may run where blocking is not allowed. A miss in peek says nothing: the
  // caller asks get_near (or get) from a thread that may block. Invalidations reach near copies as
  // they reach the backend: when invalidate returns, no near copy of the old value is served (see
  // redis_cache.hpp for the limits). The in-process caches are process memory already: there,
  // peek is get.
  [[nodiscard]] virtual std::optional<std::string> get_near(std::string_view key) { return get(key); }
  [[nodiscard]] virtual std::optional<std::string> peek(std::string_view /*key*/) { return std::nullopt; }

  // A counter shared by every process (sign-in throttling): adds 1 to the counter at key and
  // returns the new count; the counter lives ttl from its first increment, and invalidate(key)
  // resets it. nullopt when this cache keeps no shared counters (the in-process caches: the caller
  // counts in its own memory, which is all there is) or when the cache fails.
  [[nodiscard]] virtual std::optional<std::int64_t> increment(std::string_view /*key*/,
                                                              std::chrono::milliseconds /*ttl*/) {
    return std::nullopt;
  }

  // Concurrent loads of one key in this process share one call (see get_or_load).
  [[nodiscard]] SingleFlight& single_flight() noexcept { return flights_; }

 private:
  SingleFlight flights_;
};

// ttl scaled by a uniform random factor in [0.9, 1.1], at least 1 ms: entries cached together
// (a page of products) then expire apart instead of all reloading in the same second.
[[nodiscard]] std::chrono::milliseconds jittered_ttl(std::chrono::milliseconds ttl);

// Cache-aside: the cached value, or loader()'s result, stored with a jittered ttl under tags.
// Concurrent misses for one key in this process call loader once and share its result; when
// loader throws, every waiter gets the exception and nothing is cached.
std::string get_or_load(Cache& cache, std::string_view key, std::chrono::milliseconds ttl, const Tags& tags,
                        const std::function<std::string()>& loader);

}  // namespace ecom::cache
