// RedisCache against the real Redis of the test run (ECOM_TEST_REDIS_URL). Each test works under its
// own key prefix, so tests may run in parallel on one server.
#include "eventually.hpp"
#include "redis_support.hpp"

#include <ecom/cache/local_cache.hpp>
#include <ecom/cache/redis_cache.hpp>
#include <ecom/platform/metrics.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <barrier>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using namespace ecom::cache;
using ecom::cache::testing::RawRedis;

namespace {

struct Fixture {
  std::string prefix = testing::unique_prefix();
  RawRedis raw;
  ecom::metrics::Registry metrics;

  RedisOptions options() const {
    RedisOptions o;
    o.url = testing::redis_url();
    o.key_prefix = prefix;
    return o;
  }
  ~Fixture() { raw.delete_under(prefix); }
};

}  // namespace

TEST_CASE_METHOD(Fixture, "redis cache stores values with their TTL", "[cache][redis][integration]") {
  RedisCache cache(options(), metrics);
  CHECK_FALSE(cache.get("a"));
  cache.set("a", "1", 300ms);
  CHECK(cache.get("a") == "1");
  const RedisKeys keys{prefix};
  const auto ttl = raw.pttl(keys.value("a"));
  CHECK(ttl > 0);
  CHECK(ttl <= 300);

  // Binary-safe, and large values pass.
  const std::string binary("a\0b\r\n\xff", 6);
  cache.set("bin", binary, 10s);
  CHECK(cache.get("bin") == binary);
  const std::string big(1 << 20, 'x');
  cache.set("big", big, 10s);
  CHECK(cache.get("big") == big);

  std::this_thread::sleep_for(400ms);
  CHECK_FALSE(cache.get("a"));
  auto s = cache.stats();
  CHECK(s.errors == 0);
  CHECK(s.hits == 3);
  CHECK(s.misses == 2);
  CHECK(cache.healthy());
  CHECK_THAT(metrics.render(), Catch::Contains("cache_hits_total{backend=\"redis\"} 3"));
}

TEST_CASE_METHOD(Fixture, "redis counters are shared, expire from their first increment, reset on invalidate",
                 "[cache][redis][integration]") {
  RedisCache one(options(), metrics);
  RedisCache other(options(), metrics);  // a second process on the same Redis
  CHECK(one.increment("fails:ada", 300ms) == 1);
  CHECK(other.increment("fails:ada", 300ms) == 2);
  CHECK(one.increment("fails:ada", 10s) == 3);  // a later ttl does not extend the first
  const RedisKeys keys{prefix};
  const auto ttl = raw.pttl(keys.value("fails:ada"));
  CHECK(ttl > 0);
  CHECK(ttl <= 300);
  CHECK(one.increment("fails:bob", 10s) == 1);
  other.invalidate("fails:bob");
  CHECK(one.increment("fails:bob", 10s) == 1);
  REQUIRE(ecom::test::eventually([&] { return raw.pttl(keys.value("fails:ada")) < 0; }, 2s));
  CHECK(other.increment("fails:ada", 10s) == 1);
  // An in-process cache keeps no shared counters: its callers count in their own memory.
  LocalCache local{LocalCacheOptions{}};
  CHECK_FALSE(local.increment("fails:ada", 10s));
}

TEST_CASE_METHOD(Fixture, "redis cache invalidates by key and by tag", "[cache][redis][integration]") {
  auto o = options();
  o.invalidation_guard = 0ms;
  RedisCache cache(o, metrics);
  const RedisKeys keys{prefix};
  cache.set("product:1", "p1", 10s, {"category:7"});
  cache.set("product:2", "p2", 60s, {"category:7", "product:2"});
  cache.set("product:3", "p3", 10s, {"category:8"});
  cache.set("home", "h", 10s);

  // The tag set lives at least as long as its longest-lived member.
  CHECK(raw.pttl(keys.tag("category:7")) > 59'000);

  cache.invalidate("home");
  CHECK_FALSE(cache.get("home"));

  cache.invalidate_tag("category:7");
  CHECK_FALSE(cache.get("product:1"));
  CHECK_FALSE(cache.get("product:2"));
  CHECK(cache.get("product:3") == "p3");
  CHECK_FALSE(raw.exists(keys.tag("category:7")));

  cache.invalidate_tag("no-such-tag");
  cache.invalidate("no-such-key");
  CHECK(cache.stats().errors == 0);
}

TEST_CASE_METHOD(Fixture, "redis cache refuses values within the invalidation guard", "[cache][redis][integration]") {
  auto o = options();
  o.invalidation_guard = 500ms;
  RedisCache cache(o, metrics);
  cache.invalidate("k");
  cache.set("k", "loaded before the change", 10s);
  CHECK_FALSE(cache.get("k"));
  cache.invalidate_tag("t");
  cache.set("tagged", "v", 10s, {"x", "t"});
  CHECK_FALSE(cache.get("tagged"));
  cache.set("other", "v", 10s, {"x"});
  CHECK(cache.get("other") == "v");

  std::this_thread::sleep_for(600ms);
  cache.set("k", "fresh", 10s);
  cache.set("tagged", "fresh", 10s, {"x", "t"});
  CHECK(cache.get("k") == "fresh");
  CHECK(cache.get("tagged") == "fresh");
}

TEST_CASE_METHOD(Fixture, "redis caches with different prefixes do not see each other", "[cache][redis][integration]") {
  RedisCache shop1(options(), metrics);
  auto o2 = options();
  o2.key_prefix = prefix + "other:";
  RedisCache shop2(o2, metrics);
  shop1.set("k", "one", 10s, {"t"});
  CHECK_FALSE(shop2.get("k"));
  shop2.set("k", "two", 10s, {"t"});
  shop2.invalidate_tag("t");
  CHECK(shop1.get("k") == "one");
  // Everything shop1 wrote is under its prefix.
  for (const auto& key : raw.keys_under(prefix)) {
    CHECK(key.starts_with(prefix));
  }
  CHECK(raw.exists(prefix + "k:k"));
}

TEST_CASE_METHOD(Fixture, "redis connection pool serves many threads", "[cache][redis][integration]") {
  auto o = options();
  o.pool_size = 4;
  o.command_timeout = 2s;  // a loaded CI machine must not turn queueing into failures
  RedisCache cache(o, metrics);
  constexpr int kThreads = 16;
  constexpr int kOps = 300;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kOps; ++i) {
        const std::string key = "k" + std::to_string((t * kOps + i) % 50);
        auto v = get_or_load(cache, key, 10s, {"all"}, [&] { return "v" + key; });
        if (v != "v" + key) {
          ++wrong;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  auto s = cache.stats();
  CHECK(wrong == 0);
  CHECK(s.errors == 0);
  CHECK(s.pool_waits == 0);
  CHECK(s.connects <= 4);
  CHECK(s.hits >= kThreads * kOps - kThreads * 50);  // at worst every thread missed every key once
}

TEST_CASE_METHOD(Fixture, "get_or_load on redis loads a cold key once per process", "[cache][redis][integration]") {
  RedisCache cache(options(), metrics);
  constexpr int kThreads = 12;
  std::atomic<int> loads{0};
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      (void)get_or_load(cache, "cold", 10s, {}, [&] {
        ++loads;
        std::this_thread::sleep_for(200ms);
        return std::string("v");
      });
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  CHECK(loads == 1);
  CHECK(cache.get("cold") == "v");
  // Stored with the jittered TTL: within 10 % of 10 s.
  const auto ttl = raw.pttl(RedisKeys{prefix}.value("cold"));
  CHECK(ttl > 8'500);
  CHECK(ttl <= 11'000);
}

TEST_CASE_METHOD(Fixture, "redis cache uses the database number of its URL", "[cache][redis][integration]") {
  auto o = options();
  o.url += "/1";
  RedisCache cache(o, metrics);
  cache.set("k", "in db 1", 10s);
  CHECK(cache.get("k") == "in db 1");
  const auto key = RedisKeys{prefix}.value("k");
  CHECK_FALSE(raw.exists(key));
  raw.command({"SELECT", "1"});
  CHECK(raw.exists(key));
  raw.command({"DEL", key});
  raw.command({"SELECT", "0"});
}
