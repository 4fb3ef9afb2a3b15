// The production cache: Redis through hiredis, shared by every process, so an invalidation made
// by one process is seen by all the others at once.
//
// Each of pool_size connections is used by one thread at a time and connects lazily, with a
// connect timeout and a command timeout; a connection that fails is dropped and reconnected on its
// next use. A circuit breaker stops calling Redis after breaker_failures consecutive failures for
// breaker_open, so a dead Redis costs a request nothing instead of a timeout.
//
// Keys in Redis (P = key_prefix, one namespace per shop and environment):
//   P k:<key>   the value, with its TTL
//   P t:<tag>   a set of the value keys stored under the tag; expires no earlier than its members
//   P g:k:<key>, P g:t:<tag>   invalidation guards, for invalidation_guard (see Cache::set)
//   P near      the Pub/Sub channel of invalidations for near caches
//   P near:ack:<id>   a list into which near caches acknowledge one invalidation
//
// The near cache (near.max_bytes > 0): get_near keeps a copy of a hit in process memory (with the
// entry's remaining Redis TTL, at most near.ttl) and peek answers from it without blocking. The
// first get_near starts a subscriber thread with a connection of its own, SUBSCRIBEd to P near.
// Every invalidation script PUBLISHes the value keys it deleted there (or "everything" for more
// than kNearMaxKeysPerMessage), in the same atomic step as the deletion; each subscriber drops them
// from its copy and then acknowledges (RPUSH to the list the message names); the invalidating call
// waits for as many acknowledgements as PUBLISH counted receivers, at most near_ack_timeout. So
// when invalidate or invalidate_tag returns, every near cache that acknowledged has dropped the
// old value, and the next read anywhere sees the change. The limits:
//  - a process that does not acknowledge in time (stalled, or cut off without Redis noticing yet)
//    may serve its copy until it reads the message, notices the broken connection (a PING every
//    second, answered within two), or the copy's TTL (near.ttl) ends; the writer counts it in
//    cache_near_ack_timeouts_total and logs it.
//  - an invalidation that could not reach Redis at all is deferred (see defer below): the writer's
//    own near cache is cleared at once, the others keep their copies until the replay, as Redis
//    keeps its entries.
// While the subscriber is not subscribed (starting, reconnecting), the near cache is empty and
// refuses copies, so reads go to Redis as without it; a read that started before an invalidation
// reached this process never stores its value after it (NearCache tickets).
#pragma once

#include <ecom/cache/cache.hpp>
#include <ecom/cache/circuit_breaker.hpp>
#include <ecom/cache/near_cache.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace ecom::metrics {
class Registry;
}

namespace ecom::cache {

struct RedisOptions {
  std::string url;       // redis://[[user]:password@]host[:port][/db]; required
  std::string password;  // overrides a password in the URL
  std::size_t pool_size = 8;
  std::chrono::milliseconds connect_timeout{500};
  std::chrono::milliseconds command_timeout{250};
  int breaker_failures = 5;
  std::chrono::milliseconds breaker_open{2000};
  std::string key_prefix = "ecom:";
  std::chrono::milliseconds invalidation_guard{1000};
  Clock clock = steady_clock();
  // The near cache; near.max_bytes 0: none (get_near is get, peek always misses).
  NearCacheOptions near;
  // How long an invalidation waits for the near caches' acknowledgements.
  std::chrono::milliseconds near_ack_timeout{100};
  // First wait before the subscriber reconnects; it doubles on each failure up to 2 s.
  std::chrono::milliseconds near_reconnect_delay{100};
  // Called by get_near between the Redis read and the near fill. For tests of the fill race only.
  std::function<void()> near_fill_hook;
};

struct RedisAddress {
  std::string host;
  int port = 6379;
  std::string user;  // Redis 6 ACL user; empty: AUTH with the password alone
  std::string password;
  int database = 0;
};
// Throws std::invalid_argument saying what is wrong with the URL.
[[nodiscard]] RedisAddress parse_redis_url(std::string_view url);

// Names under which RedisCache stores things; exposed for tests and operators.
struct RedisKeys {
  std::string prefix;
  [[nodiscard]] std::string value(std::string_view key) const;
  [[nodiscard]] std::string tag(std::string_view tag) const;
  [[nodiscard]] std::string key_guard(std::string_view key) const;
  [[nodiscard]] std::string tag_guard(std::string_view tag) const;
  [[nodiscard]] std::string near_channel() const;
};

// An invalidation naming more value keys than this tells near caches to drop everything instead.
inline constexpr std::size_t kNearMaxKeysPerMessage = 1000;

class RedisCache final : public Cache {
 public:
  // Connects nothing yet: an unreachable Redis at start-up is an outage like any other, not a
  // reason to refuse to start. Throws std::invalid_argument for a malformed URL.
  RedisCache(RedisOptions options, metrics::Registry& metrics);
  ~RedisCache() override;

  [[nodiscard]] std::optional<std::string> get(std::string_view key) override;
  void set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl, const Tags& tags = {}) override;
  void invalidate(std::string_view key) override;
  void invalidate_tag(std::string_view tag) override;
  [[nodiscard]] bool healthy() const override;
  [[nodiscard]] std::optional<std::string> get_near(std::string_view key) override;
  [[nodiscard]] std::optional<std::string> peek(std::string_view key) override;
  // SET key 0 PX ttl NX, then INCR, in one round trip: the expiry is set once, by the first
  // increment, on any Redis since 2.6.12.
  [[nodiscard]] std::optional<std::int64_t> increment(std::string_view key, std::chrono::milliseconds ttl) override;

  // Starts the near cache's subscriber if it is not running (get_near does it too) and waits until
  // it is subscribed, at most timeout; false when it is not by then, or there is no near cache.
  bool await_near_subscribed(std::chrono::milliseconds timeout);
  [[nodiscard]] NearCache::Stats near_stats() const;

  struct Stats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::uint64_t errors = 0;      // failed Redis calls (connection, timeout, error reply)
    std::uint64_t rejected = 0;    // calls refused by the open breaker
    std::uint64_t pool_waits = 0;  // calls that found no free connection in time
    std::uint64_t connects = 0;    // connections opened, the first ones included
    std::size_t pending_invalidations = 0;
    CircuitBreaker::State breaker = CircuitBreaker::State::closed;
    std::uint64_t near_acks = 0;          // acknowledgements received by our invalidations
    std::uint64_t near_ack_timeouts = 0;  // invalidations that stopped waiting for one
    std::uint64_t near_subscribes = 0;    // times the subscriber (re)subscribed
    std::int64_t near_client_id = 0;      // the subscriber connection's CLIENT ID; 0: none
  };
  [[nodiscard]] Stats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecom::cache
