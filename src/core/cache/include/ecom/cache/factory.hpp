// Configuration of the cache (the cache.* keys) and the one place that picks the implementation:
// Redis when cache.redis_url is set, otherwise the in-process LRU, whose invalidations travel
// through the database when there is one.
#pragma once

#include <ecom/cache/local_cache.hpp>
#include <ecom/cache/redis_cache.hpp>
#include <ecom/cache/shared_local_cache.hpp>
#include <ecom/platform/config.hpp>

#include <memory>

namespace ecom::cache {

struct CacheOptions {
  RedisOptions redis;  // redis.url empty: the in-process cache
  LocalCacheOptions local;
  ListenerOptions listener;
};

// Declares cache.* (cache.redis_password as a secret) and reads them back; a malformed
// cache.redis_url is a ConfigError.
void declare_config(config::Schema& schema);
[[nodiscard]] CacheOptions options_from(const config::Config& config);

// db may be null (no cross-process invalidation: a single process, or tests); otherwise it and
// metrics must outlive the cache.
[[nodiscard]] std::unique_ptr<Cache> make_cache(const CacheOptions& options, db::Database* db,
                                                metrics::Registry& metrics);

}  // namespace ecom::cache
