#include <ecom/cache/factory.hpp>

#include <stdexcept>

namespace ecom::cache {

void declare_config(config::Schema& schema) {
  const CacheOptions d;
  auto ms = [](std::chrono::milliseconds v) { return static_cast<std::int64_t>(v.count()); };
  auto sz = [](std::size_t v) { return static_cast<std::int64_t>(v); };
  schema.string("cache.redis_url", "", "Redis URL, redis://host:port[/db]; empty: in-process cache")
      .secret("cache.redis_password", "Redis password (AUTH), overriding one in cache.redis_url")
      .integer("cache.pool_size", sz(d.redis.pool_size), 1, 256, "Redis connections per process")
      .integer("cache.connect_timeout_ms", ms(d.redis.connect_timeout), 1, 60'000, "time to connect to Redis")
      .integer("cache.command_timeout_ms", ms(d.redis.command_timeout), 1, 60'000,
               "time a Redis command may take (and a caller may wait for a free connection)")
      .integer("cache.breaker_failures", d.redis.breaker_failures, 1, 1000,
               "consecutive Redis failures that open the circuit breaker")
      .integer("cache.breaker_open_ms", ms(d.redis.breaker_open), 1, 600'000,
               "how long an open breaker bypasses Redis before one trial call")
      .string("cache.key_prefix", d.redis.key_prefix, "namespace of every Redis key (one per shop and environment)")
      .integer("cache.local_max_entries", sz(d.local.max_entries), 0, 100'000'000, "entries of the in-process cache")
      .integer("cache.local_max_bytes", sz(d.local.max_bytes), 0, std::int64_t{1} << 40,
               "bytes of the in-process cache (keys, values, tags and overhead)")
      .integer("cache.invalidation_poll_ms", ms(d.listener.poll_interval), 10, 60'000,
               "how often the in-process cache reads invalidations made by other processes")
      .integer("cache.invalidation_guard_ms", ms(d.redis.invalidation_guard), 0, 60'000,
               "after an invalidation, how long values for that key or tag are not stored (a load that "
               "started before the change may finish after it)")
      .integer("cache.near_max_bytes", sz(d.redis.near.max_bytes), 0, std::int64_t{1} << 40,
               "with Redis: bytes of the near cache, the in-process copy of hot entries (product pages) "
               "answered without a Redis round trip; 0 disables it")
      .integer("cache.near_ttl_ms", ms(d.redis.near.ttl), 1, 3'600'000,
               "longest time a near-cache copy is served (never longer than the entry lives in Redis)")
      .integer("cache.near_ack_timeout_ms", ms(d.redis.near_ack_timeout), 0, 10'000,
               "how long an invalidation waits for every process's near cache to confirm it dropped the entry");
}

CacheOptions options_from(const config::Config& config) {
  CacheOptions o;
  auto ms = [&](std::string_view key) { return std::chrono::milliseconds(config.integer(key)); };
  auto size = [&](std::string_view key) { return static_cast<std::size_t>(config.integer(key)); };
  o.redis.url = config.string("cache.redis_url");
  o.redis.password = config.string("cache.redis_password");
  o.redis.pool_size = size("cache.pool_size");
  o.redis.connect_timeout = ms("cache.connect_timeout_ms");
  o.redis.command_timeout = ms("cache.command_timeout_ms");
  o.redis.breaker_failures = static_cast<int>(config.integer("cache.breaker_failures"));
  o.redis.breaker_open = ms("cache.breaker_open_ms");
  o.redis.key_prefix = config.string("cache.key_prefix");
  o.redis.invalidation_guard = ms("cache.invalidation_guard_ms");
  o.redis.near.max_bytes = size("cache.near_max_bytes");
  o.redis.near.ttl = ms("cache.near_ttl_ms");
  o.redis.near_ack_timeout = ms("cache.near_ack_timeout_ms");
  o.local.max_entries = size("cache.local_max_entries");
  o.local.max_bytes = size("cache.local_max_bytes");
  o.local.invalidation_guard = o.redis.invalidation_guard;
  o.listener.poll_interval = ms("cache.invalidation_poll_ms");
  if (!o.redis.url.empty()) {
    try {
      (void)parse_redis_url(o.redis.url);
    } catch (const std::invalid_argument& e) {
      throw config::ConfigError(std::string("cache.redis_url: ") + e.what());
    }
  }
  return o;
}

std::unique_ptr<Cache> make_cache(const CacheOptions& options, db::Database* db, metrics::Registry& metrics) {
  if (!options.redis.url.empty()) {
    return std::make_unique<RedisCache>(options.redis, metrics);
  }
  if (db != nullptr) {
    return std::make_unique<SharedLocalCache>(*db, options.local, options.listener, &metrics);
  }
  return std::make_unique<LocalCache>(options.local, &metrics);
}

}  // namespace ecom::cache
