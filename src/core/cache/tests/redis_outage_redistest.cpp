// Redis going away in the middle of a test: stopped with "$ECOM_SERVICES stop redis", or stalled
// with CLIENT PAUSE. These tests disturb the shared server, so they form their own executable and
// run alone (SERIAL).
#include "redis_support.hpp"

#include <ecom/cache/redis_cache.hpp>
#include <ecom/platform/metrics.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <thread>

using namespace std::chrono_literals;
using namespace ecom::cache;
using ecom::cache::testing::RawRedis;

namespace {

int services(const std::string& action) {
  const char* script = std::getenv("ECOM_SERVICES");
  if (script == nullptr || *script == '\0') {
    FAIL(
        "ECOM_SERVICES is not set: run the integration tests through scripts/test, or run "
        "`scripts/services start` and `source $ECOM_SERVICES_DIR/env` first");
  }
  return std::system(("'" + std::string(script) + "' " + action + " redis >&2").c_str());
}

// Restarts Redis if a failed assertion left it stopped, so that later tests find it running.
struct RestartOnExit {
  bool stopped = false;
  ~RestartOnExit() {
    if (stopped) {
      (void)services("start");
    }
  }
};

}  // namespace

TEST_CASE("redis stopped mid-test: reads fall through to the loader, then the cache recovers",
          "[cache][redis][integration][outage]") {
  const std::string prefix = testing::unique_prefix();
  ecom::metrics::Registry metrics;
  RedisOptions o;
  o.url = testing::redis_url();
  o.key_prefix = prefix;
  o.breaker_failures = 3;
  o.breaker_open = 500ms;
  o.command_timeout = 200ms;
  o.connect_timeout = 200ms;
  RedisCache cache(o, metrics);
  int loads = 0;
  auto loader = [&] {
    ++loads;
    return std::string("from the database");
  };

  REQUIRE(get_or_load(cache, "product:1", 60s, {"catalog"}, loader) == "from the database");
  REQUIRE(get_or_load(cache, "product:1", 60s, {"catalog"}, loader) == "from the database");
  REQUIRE(loads == 1);

  RestartOnExit guard;
  REQUIRE(services("stop") == 0);
  guard.stopped = true;

  // Every read still answers, from the loader; none waits for long.
  for (int i = 0; i < 20; ++i) {
    const auto start = std::chrono::steady_clock::now();
    CHECK(get_or_load(cache, "product:1", 60s, {"catalog"}, loader) == "from the database");
    CHECK(std::chrono::steady_clock::now() - start < 1s);
  }
  CHECK(loads == 21);
  CHECK_FALSE(cache.healthy());
  cache.invalidate_tag("catalog");  // cannot reach Redis: deferred, not lost
  auto down = cache.stats();
  CHECK(down.errors >= 3);
  CHECK(down.rejected > 0);
  CHECK(down.pending_invalidations == 1);
  CHECK_THAT(metrics.render(), Catch::Contains("cache_errors_total{backend=\"redis\"}"));

  REQUIRE(services("start") == 0);
  guard.stopped = false;

  // Recovers within a bounded time: the breaker's open period plus a trial call.
  const auto restarted = std::chrono::steady_clock::now();
  const auto deadline = restarted + 10s;
  while (!cache.healthy() && std::chrono::steady_clock::now() < deadline) {
    (void)get_or_load(cache, "product:1", 60s, {"catalog"}, loader);
    std::this_thread::sleep_for(50ms);
  }
  REQUIRE(cache.healthy());
  CHECK(std::chrono::steady_clock::now() - restarted < 3s);
  CHECK(cache.stats().pending_invalidations == 0);

  // Caching again: the next reads are hits, the loader is not called. (product:1 is tagged
  // "catalog", whose replayed invalidation keeps it out of the cache for the guard window.)
  (void)get_or_load(cache, "product:2", 60s, {}, loader);
  const int before = loads;
  for (int i = 0; i < 5; ++i) {
    CHECK(get_or_load(cache, "product:2", 60s, {}, loader) == "from the database");
  }
  CHECK(loads == before);
  RawRedis().delete_under(prefix);
}

TEST_CASE("an invalidation missed while redis stalled is applied before the next read",
          "[cache][redis][integration][outage]") {
  // Redis keeps its data through a stall (or a network cut, or a restart with persistence): an
  // entry whose invalidation could not be delivered would otherwise be served again afterwards.
  const std::string prefix = testing::unique_prefix();
  ecom::metrics::Registry metrics;
  RedisOptions o;
  o.url = testing::redis_url();
  o.key_prefix = prefix;
  o.breaker_failures = 2;
  o.breaker_open = 1000ms;
  o.command_timeout = 150ms;
  RedisCache cache(o, metrics);
  RawRedis raw;
  cache.set("price:1", "old price", 60s);
  REQUIRE(cache.get("price:1") == "old price");

  raw.command({"CLIENT", "PAUSE", "1200", "ALL"});
  CHECK_FALSE(cache.get("price:1"));  // times out
  CHECK_FALSE(cache.get("price:1"));  // times out: the breaker opens
  REQUIRE_FALSE(cache.healthy());
  cache.invalidate("price:1");  // refused by the open breaker: never sent
  CHECK(cache.stats().pending_invalidations == 1);

  // Redis comes back with the old entry still in it.
  RawRedis observer;  // answers once the pause is over
  REQUIRE(observer.exists(RedisKeys{prefix}.value("price:1")));
  // Until the breaker's trial call succeeds every read is a miss; the trial replays the
  // invalidation before its own read, so the old entry is never served.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  int served_stale = 0;
  while (!cache.healthy() && std::chrono::steady_clock::now() < deadline) {
    if (cache.get("price:1")) {
      ++served_stale;
    }
    std::this_thread::sleep_for(50ms);
  }
  REQUIRE(cache.healthy());
  CHECK(served_stale == 0);
  CHECK_FALSE(cache.get("price:1"));
  CHECK(cache.stats().pending_invalidations == 0);
  CHECK_FALSE(observer.exists(RedisKeys{prefix}.value("price:1")));
  raw.delete_under(prefix);
}
