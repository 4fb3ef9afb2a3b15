#include "fake_clock.hpp"

#include <ecom/cache/local_cache.hpp>
#include <ecom/platform/metrics.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using ecom::cache::LocalCache;
using ecom::cache::LocalCacheOptions;
using ecom::cache::testing::FakeClock;

namespace {

LocalCacheOptions options(const FakeClock& clock, std::size_t entries = 100, std::size_t bytes = 1 << 20) {
  LocalCacheOptions o;
  o.max_entries = entries;
  o.max_bytes = bytes;
  o.clock = clock.clock();
  return o;
}

}  // namespace

TEST_CASE("local cache stores and returns values until their TTL ends", "[cache][local]") {
  FakeClock clock;
  LocalCache cache(options(clock));
  CHECK_FALSE(cache.get("a"));
  cache.set("a", "1", 100ms);
  REQUIRE(cache.get("a") == "1");
  clock.advance(99ms);
  CHECK(cache.get("a") == "1");
  clock.advance(1ms);
  CHECK_FALSE(cache.get("a"));
  CHECK(cache.size() == 0);  // an expired entry found by get is removed
}

TEST_CASE("local cache replaces a value and ignores non-positive TTLs", "[cache][local]") {
  FakeClock clock;
  LocalCache cache(options(clock));
  cache.set("a", "1", 1s);
  cache.set("a", "2", 1s);
  CHECK(cache.get("a") == "2");
  CHECK(cache.size() == 1);
  cache.set("b", "x", 0ms);
  CHECK_FALSE(cache.get("b"));
}

TEST_CASE("local cache evicts the least recently used entry beyond max_entries", "[cache][local]") {
  FakeClock clock;
  LocalCache cache(options(clock, 3));
  cache.set("a", "1", 1s);
  cache.set("b", "2", 1s);
  cache.set("c", "3", 1s);
  REQUIRE(cache.get("a"));  // a is now the most recently used; b the least
  cache.set("d", "4", 1s);
  CHECK(cache.size() == 3);
  CHECK_FALSE(cache.get("b"));
  CHECK(cache.get("a"));
  CHECK(cache.get("c"));
  CHECK(cache.get("d"));
}

TEST_CASE("local cache evicts by bytes and refuses a value larger than the whole cache", "[cache][local]") {
  FakeClock clock;
  const std::size_t entry = LocalCache::kEntryOverhead + 1 + 100;  // key "a".."e", 100-byte value
  LocalCache cache(options(clock, 100, 3 * entry));
  const std::string value(100, 'v');
  for (std::string key : {"a", "b", "c", "d"}) {
    cache.set(key, value, 1s);
  }
  CHECK(cache.size() == 3);
  CHECK(cache.bytes() == 3 * entry);
  CHECK_FALSE(cache.get("a"));
  CHECK(cache.get("d"));

  cache.set("huge", std::string(4 * entry, 'x'), 1s);
  CHECK_FALSE(cache.get("huge"));
  CHECK(cache.size() == 3);  // nothing was evicted for a value that could never fit
}

TEST_CASE("local cache invalidates by key and by tag", "[cache][local]") {
  FakeClock clock;
  auto o = options(clock);
  o.invalidation_guard = 0ms;
  LocalCache cache(o);
  cache.set("product:1", "p1", 1s, {"product:1", "category:7"});
  cache.set("product:2", "p2", 1s, {"product:2", "category:7"});
  cache.set("product:3", "p3", 1s, {"product:3", "category:8"});
  cache.set("page:home", "home", 1s);

  cache.invalidate("page:home");
  CHECK_FALSE(cache.get("page:home"));

  cache.invalidate_tag("category:7");
  CHECK_FALSE(cache.get("product:1"));
  CHECK_FALSE(cache.get("product:2"));
  CHECK(cache.get("product:3") == "p3");

  cache.invalidate_tag("product:3");
  CHECK_FALSE(cache.get("product:3"));
  CHECK(cache.size() == 0);
  CHECK(cache.bytes() == 0);

  cache.invalidate_tag("no-such-tag");
  cache.invalidate("no-such-key");
}

TEST_CASE("local cache tag index forgets evicted and replaced entries", "[cache][local]") {
  FakeClock clock;
  auto o = options(clock, 2);
  o.invalidation_guard = 0ms;
  LocalCache cache(o);
  cache.set("a", "1", 1s, {"t"});
  cache.set("a", "2", 1s, {"u"});  // replaced: no longer under t
  cache.invalidate_tag("t");
  CHECK(cache.get("a") == "2");
  cache.set("b", "1", 1s, {"t"});
  cache.set("c", "1", 1s, {"t"});  // evicts a
  cache.set("a", "3", 1s);         // back, untagged; must survive invalidating t
  cache.invalidate_tag("t");
  CHECK(cache.get("a") == "3");
  CHECK(cache.size() == 1);
}

TEST_CASE("local cache refuses values for a key or tag within the invalidation guard", "[cache][local]") {
  FakeClock clock;
  auto o = options(clock);
  o.invalidation_guard = 500ms;
  LocalCache cache(o);

  cache.invalidate("a");
  cache.set("a", "loaded before the change", 1s);  // a load racing the invalidation
  CHECK_FALSE(cache.get("a"));
  cache.set("b", "other keys are unaffected", 1s);
  CHECK(cache.get("b"));

  cache.invalidate_tag("t");
  cache.set("c", "1", 1s, {"x", "t"});
  CHECK_FALSE(cache.get("c"));

  clock.advance(500ms);
  cache.set("a", "fresh", 1s);
  cache.set("c", "fresh", 1s, {"x", "t"});
  CHECK(cache.get("a") == "fresh");
  CHECK(cache.get("c") == "fresh");
}

TEST_CASE("local cache counts hits and misses", "[cache][local]") {
  FakeClock clock;
  ecom::metrics::Registry metrics;
  LocalCache cache(options(clock), &metrics);
  cache.set("a", "1", 1s);
  (void)cache.get("a");
  (void)cache.get("a");
  (void)cache.get("b");
  const auto text = metrics.render();
  CHECK_THAT(text, Catch::Contains("cache_hits_total{backend=\"local\"} 2"));
  CHECK_THAT(text, Catch::Contains("cache_misses_total{backend=\"local\"} 1"));
}

TEST_CASE("local cache peek is get, counting only its hits", "[cache][local]") {
  FakeClock clock;
  ecom::metrics::Registry metrics;
  LocalCache cache(options(clock), &metrics);
  cache.set("a", "1", 1s);
  CHECK(cache.peek("a") == "1");
  // A miss in peek is followed by a get, which counts it: one request, one miss.
  CHECK_FALSE(cache.peek("b"));
  CHECK_FALSE(cache.get("b"));
  clock.advance(1s);
  CHECK_FALSE(cache.peek("a"));
  const auto text = metrics.render();
  CHECK_THAT(text, Catch::Contains("cache_hits_total{backend=\"local\"} 1"));
  CHECK_THAT(text, Catch::Contains("cache_misses_total{backend=\"local\"} 1"));
  CHECK(cache.size() == 0);  // the expired entry found by peek is gone
}

TEST_CASE("local cache stays consistent under concurrent use", "[cache][local]") {
  LocalCacheOptions o;
  o.max_entries = 64;
  o.invalidation_guard = 0ms;
  LocalCache cache(o);
  std::atomic<int> wrong{0};  // Catch assertions are not thread-safe: count, check after join
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, &wrong, t] {
      for (int i = 0; i < 5000; ++i) {
        const std::string key = "k" + std::to_string((i * 7 + t) % 100);
        switch (i % 4) {
          case 0:
            cache.set(key, key, 1s, {"tag" + std::to_string(i % 5)});
            break;
          case 1:
            if (auto v = cache.get(key); v && *v != key) {
              ++wrong;
            }
            break;
          case 2:
            cache.invalidate(key);
            break;
          default:
            cache.invalidate_tag("tag" + std::to_string(i % 5));
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  CHECK(wrong == 0);
  CHECK(cache.size() <= 64);
  cache.clear();
  CHECK(cache.size() == 0);
  CHECK(cache.bytes() == 0);
}
