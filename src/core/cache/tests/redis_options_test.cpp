// RedisCache pieces that need no server: URL parsing, key names, configuration, and behaviour
// against an address where nothing listens.
#include <ecom/cache/factory.hpp>
#include <ecom/platform/metrics.hpp>

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace std::chrono_literals;
using namespace ecom::cache;

TEST_CASE("Redis URLs are parsed", "[cache][redis]") {
  auto a = parse_redis_url("redis://127.0.0.1:56379");
  CHECK(a.host == "127.0.0.1");
  CHECK(a.port == 56379);
  CHECK(a.password.empty());
  CHECK(a.database == 0);

  auto b = parse_redis_url("redis://:s3cret@localhost/3");
  CHECK(b.host == "localhost");
  CHECK(b.port == 6379);
  CHECK(b.user.empty());
  CHECK(b.password == "s3cret");
  CHECK(b.database == 3);

  auto c = parse_redis_url("redis://shop:pw@[::1]:7000/1");
  CHECK(c.host == "::1");
  CHECK(c.port == 7000);
  CHECK(c.user == "shop");
  CHECK(c.password == "pw");
  CHECK(c.database == 1);

  for (const char* bad : {"", "http://h:1", "rediss://h:1", "redis://", "redis://h:0", "redis://h:99999", "redis://h:x",
                          "redis://h:1/db", "redis://[::1"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parse_redis_url(bad), std::invalid_argument);
  }
}

TEST_CASE("URL errors never repeat the URL, which may hold a password", "[cache][redis]") {
  try {
    (void)parse_redis_url("redis://:hunter2@h:bad");
    FAIL("no exception");
  } catch (const std::invalid_argument& e) {
    CHECK_THAT(e.what(), !Catch::Contains("hunter2"));
  }
}

TEST_CASE("every Redis key is under the configured prefix", "[cache][redis]") {
  RedisKeys keys{"shop1:prod:"};
  CHECK(keys.value("product:1") == "shop1:prod:k:product:1");
  CHECK(keys.tag("category:7") == "shop1:prod:t:category:7");
  CHECK(keys.key_guard("product:1") == "shop1:prod:g:k:product:1");
  CHECK(keys.tag_guard("category:7") == "shop1:prod:g:t:category:7");
  // A value key can never collide with a tag set or a guard, whatever the caller's key looks like.
  CHECK(keys.value("t:x") != keys.tag("x"));
}

TEST_CASE("cache.* configuration is declared, read and validated", "[cache][config]") {
  ecom::config::Schema schema;
  declare_config(schema);
  auto env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "ECOM_CACHE_REDIS_PASSWORD") {
      return "from-env";
    }
    return std::nullopt;
  };
  auto config = ecom::config::Config::parse(schema, R"({"cache": {
      "redis_url": "redis://127.0.0.1:56379/2", "pool_size": 3, "connect_timeout_ms": 50,
      "command_timeout_ms": 20, "breaker_failures": 2, "breaker_open_ms": 300, "key_prefix": "t:",
      "local_max_entries": 10, "local_max_bytes": 4096, "invalidation_poll_ms": 50,
      "invalidation_guard_ms": 0}})",
                                            "test", env);
  auto o = options_from(config);
  CHECK(o.redis.url == "redis://127.0.0.1:56379/2");
  CHECK(o.redis.password == "from-env");
  CHECK(o.redis.pool_size == 3);
  CHECK(o.redis.connect_timeout == 50ms);
  CHECK(o.redis.command_timeout == 20ms);
  CHECK(o.redis.breaker_failures == 2);
  CHECK(o.redis.breaker_open == 300ms);
  CHECK(o.redis.key_prefix == "t:");
  CHECK(o.local.max_entries == 10);
  CHECK(o.local.max_bytes == 4096);
  CHECK(o.listener.poll_interval == 50ms);
  CHECK(o.redis.invalidation_guard == 0ms);
  CHECK(o.local.invalidation_guard == 0ms);

  auto defaults = options_from(ecom::config::Config::parse(schema, "{}", "test", env));
  CHECK(defaults.redis.url.empty());

  CHECK_THROWS_AS(
      options_from(ecom::config::Config::parse(schema, R"({"cache": {"redis_url": "localhost"}})", "test", env)),
      ecom::config::ConfigError);
  CHECK_THROWS_AS(ecom::config::Config::parse(schema, R"({"cache": {"redis_password": "x"}})", "test", env),
                  ecom::config::ConfigError);
}

TEST_CASE("make_cache picks the in-process cache without a Redis URL or database", "[cache][config]") {
  ecom::metrics::Registry metrics;
  CacheOptions options;
  auto cache = make_cache(options, nullptr, metrics);
  REQUIRE(dynamic_cast<LocalCache*>(cache.get()) != nullptr);
  options.redis.url = "redis://127.0.0.1:1";
  cache = make_cache(options, nullptr, metrics);
  CHECK(dynamic_cast<RedisCache*>(cache.get()) != nullptr);
}

TEST_CASE("an unreachable Redis reads as misses, opens the breaker and is counted", "[cache][redis]") {
  ecom::metrics::Registry metrics;
  RedisOptions o;
  o.url = "redis://127.0.0.1:1";  // nothing listens on port 1: connections are refused at once
  o.breaker_failures = 3;
  o.breaker_open = 60s;
  RedisCache cache(o, metrics);
  CHECK(cache.healthy());  // nothing tried yet
  for (int i = 0; i < 3; ++i) {
    CHECK_FALSE(cache.get("k"));
  }
  CHECK_FALSE(cache.healthy());
  cache.set("k", "v", 1s);  // refused by the open breaker: no connection attempt
  CHECK_FALSE(cache.get("k"));
  cache.invalidate("k");
  auto s = cache.stats();
  CHECK(s.errors == 3);
  CHECK(s.rejected == 3);
  CHECK(s.misses == 4);
  CHECK(s.connects == 0);
  CHECK(s.pending_invalidations == 1);
  CHECK(s.breaker == CircuitBreaker::State::open);
  const auto text = metrics.render();
  CHECK_THAT(text, Catch::Contains("cache_errors_total{backend=\"redis\"} 3"));
  CHECK_THAT(text, Catch::Contains("cache_breaker_rejections_total{backend=\"redis\"} 3"));
  CHECK_THAT(text, Catch::Contains("cache_misses_total{backend=\"redis\"} 4"));
}
