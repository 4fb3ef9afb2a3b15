// The near cache on its own: bounds, TTLs, liveness and the ticket that closes the fill race. The
// same behaviour with Redis and two processes is in near_cache_redistest.cpp.
#include "fake_clock.hpp"

#include <ecom/cache/near_cache.hpp>
#include <ecom/platform/metrics.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace std::chrono_literals;
using ecom::cache::NearCache;
using ecom::cache::NearCacheOptions;
using ecom::cache::testing::FakeClock;

namespace {

NearCacheOptions options(const FakeClock& clock, std::size_t bytes = 1 << 20,
                         std::chrono::milliseconds ttl = std::chrono::milliseconds(10'000)) {
  NearCacheOptions o;
  o.max_bytes = bytes;
  o.ttl = ttl;
  o.clock = clock.clock();
  return o;
}

// An entry's charge in the cache: key, value and the fixed overhead.
std::size_t charge(const std::string& key, const std::string& value) {
  return key.size() + value.size() + NearCache::kEntryOverhead;
}

}  // namespace

TEST_CASE("near cache serves a fill until the shorter of its TTL and the given one", "[cache][near]") {
  FakeClock clock;
  NearCache near(options(clock, 1 << 20, 1000ms));
  near.set_live(true);
  CHECK(near.fill("a", "1", 100ms, near.ticket()));
  CHECK(near.fill("b", "2", 60s, near.ticket()));  // capped at the near TTL, 1 s
  CHECK(near.get("a") == "1");
  clock.advance(100ms);
  CHECK_FALSE(near.get("a"));
  CHECK(near.get("b") == "2");
  clock.advance(900ms);
  CHECK_FALSE(near.get("b"));
  CHECK(near.stats().entries == 0);
  // A value that has no time left is not stored at all.
  CHECK_FALSE(near.fill("c", "3", 0ms, near.ticket()));
  const auto s = near.stats();
  CHECK(s.hits == 2);
  CHECK(s.misses == 2);
}

TEST_CASE("near cache evicts the least recently used entries beyond its bytes", "[cache][near]") {
  FakeClock clock;
  const std::string value(1000, 'v');
  // Room for two entries, not three.
  NearCache near(options(clock, 2 * charge("k1", value) + 10));
  near.set_live(true);
  REQUIRE(near.fill("k1", value, 10s, near.ticket()));
  REQUIRE(near.fill("k2", value, 10s, near.ticket()));
  CHECK(near.get("k1") == value);  // k2 is now the least recently used
  REQUIRE(near.fill("k3", value, 10s, near.ticket()));
  CHECK(near.get("k1") == value);
  CHECK_FALSE(near.get("k2"));
  CHECK(near.get("k3") == value);
  auto s = near.stats();
  CHECK(s.evictions == 1);
  CHECK(s.entries == 2);
  CHECK(s.bytes == 2 * charge("k1", value));
  // An entry larger than the whole cache is refused and evicts nothing.
  CHECK_FALSE(near.fill("huge", std::string(4000, 'x'), 10s, near.ticket()));
  CHECK(near.stats().entries == 2);
  // Replacing a key charges it once.
  REQUIRE(near.fill("k1", "short", 10s, near.ticket()));
  CHECK(near.stats().bytes == charge("k1", "short") + charge("k3", value));
}

TEST_CASE("near cache refuses a fill whose read started before an invalidation", "[cache][near]") {
  FakeClock clock;
  NearCache near(options(clock));
  near.set_live(true);

  // A reader takes its ticket, reads the old value from the shared cache; meanwhile an
  // invalidation of that key is applied here; the old value must not be stored afterwards.
  auto ticket = near.ticket();
  near.drop({"k"});
  CHECK_FALSE(near.fill("k", "old", 10s, ticket));
  CHECK_FALSE(near.get("k"));
  // A read that starts after the invalidation may fill.
  CHECK(near.fill("k", "new", 10s, near.ticket()));
  CHECK(near.get("k") == "new");

  // The same for a clear, and for the other keys of a drop (the check is coarse on purpose).
  ticket = near.ticket();
  near.clear();
  CHECK_FALSE(near.fill("k", "old", 10s, ticket));
  ticket = near.ticket();
  near.drop({"other"});
  CHECK_FALSE(near.fill("k", "old", 10s, ticket));
  CHECK(near.stats().refused_fills == 3);
}

TEST_CASE("near cache is empty and refuses fills while not live", "[cache][near]") {
  FakeClock clock;
  NearCache near(options(clock));
  // Not live until its owner says invalidations reach it.
  CHECK_FALSE(near.fill("k", "v", 10s, near.ticket()));
  near.set_live(true);
  REQUIRE(near.fill("k", "v", 10s, near.ticket()));
  const auto before_loss = near.ticket();
  near.set_live(false);
  CHECK_FALSE(near.get("k"));
  CHECK_FALSE(near.fill("k", "v", 10s, near.ticket()));
  // A read that started before the loss cannot fill once live again: invalidations may have been
  // missed in between.
  const auto while_down = near.ticket();
  near.set_live(true);
  CHECK_FALSE(near.fill("k", "v", 10s, before_loss));
  CHECK_FALSE(near.fill("k", "v", 10s, while_down));
  CHECK(near.fill("k", "v", 10s, near.ticket()));
  CHECK(near.wait_live(true, 0ms));
  CHECK_FALSE(near.wait_live(false, 1ms));
}

TEST_CASE("near cache metrics outlive the cache", "[cache][near]") {
  FakeClock clock;
  ecom::metrics::Registry registry;
  {
    NearCache near(options(clock));
    near.export_metrics(registry);
    near.set_live(true);
    REQUIRE(near.fill("k", "v", 10s, near.ticket()));
    (void)near.get("k");
    (void)near.get("missing");
  }
  const auto text = registry.render();
  CHECK_THAT(text, Catch::Contains("# TYPE cache_near_hits_total counter\ncache_near_hits_total 1"));
  CHECK_THAT(text, Catch::Contains("cache_near_misses_total 1"));
  CHECK_THAT(text, Catch::Contains("cache_near_fills_total 1"));
  CHECK_THAT(text, Catch::Contains("# TYPE cache_near_subscribed gauge\ncache_near_subscribed 1"));
}
