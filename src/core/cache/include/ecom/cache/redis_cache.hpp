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
#pragma once

#include <ecom/cache/cache.hpp>
#include <ecom/cache/circuit_breaker.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
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
};

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

  struct Stats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::uint64_t errors = 0;      // failed Redis calls (connection, timeout, error reply)
    std::uint64_t rejected = 0;    // calls refused by the open breaker
    std::uint64_t pool_waits = 0;  // calls that found no free connection in time
    std::uint64_t connects = 0;    // connections opened, the first ones included
    std::size_t pending_invalidations = 0;
    CircuitBreaker::State breaker = CircuitBreaker::State::closed;
  };
  [[nodiscard]] Stats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecom::cache
