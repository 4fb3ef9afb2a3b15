// The near cache of RedisCache on the real Redis (ECOM_TEST_REDIS_URL). Two RedisCache objects on
// one key prefix stand for two processes: each has its own pool, subscriber connection and near
// copy, and they share nothing but Redis. No test sleeps to let an invalidation arrive: when
// invalidate_tag returns, the other near copy must already be gone.
#include "eventually.hpp"
#include "redis_support.hpp"

#include <ecom/cache/redis_cache.hpp>
#include <ecom/platform/metrics.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using namespace std::chrono_literals;
using namespace ecom::cache;
using ecom::cache::testing::RawRedis;

namespace {

constexpr auto kReady = 5s;  // how long a subscriber may take to subscribe on a loaded machine

struct Fixture {
  std::string prefix = testing::unique_prefix();
  RawRedis raw;
  // One registry per "process", as in production.
  ecom::metrics::Registry metrics_a;
  ecom::metrics::Registry metrics_b;

  RedisOptions options() const {
    RedisOptions o;
    o.url = testing::redis_url();
    o.key_prefix = prefix;
    o.invalidation_guard = 0ms;
    // A loaded CI machine must not turn a slow acknowledgement into a flaky test.
    o.near_ack_timeout = 2s;
    o.command_timeout = 3s;
    return o;
  }
  ~Fixture() { raw.delete_under(prefix); }
};

}  // namespace

TEST_CASE_METHOD(Fixture, "near copies of other processes are gone when invalidate_tag returns",
                 "[cache][redis][near][integration]") {
  RedisCache a(options(), metrics_a);
  RedisCache b(options(), metrics_b);
  REQUIRE(a.await_near_subscribed(kReady));
  REQUIRE(b.await_near_subscribed(kReady));

  b.set("view:1", "old page", 60s, {"product:1"});
  b.set("view:2", "other page", 60s, {"product:2"});
  CHECK_FALSE(a.peek("view:1"));  // nothing near before a get_near
  REQUIRE(a.get_near("view:1") == "old page");
  REQUIRE(a.get_near("view:2") == "other page");
  REQUIRE(a.peek("view:1") == "old page");  // answered from memory now
  // Changed in Redis behind the near cache's back (no invalidation): the copy is what is served,
  // which shows that peek does not read Redis.
  raw.command({"SET", RedisKeys{prefix}.value("view:1"), "changed without invalidation", "PX", "60000"});
  CHECK(a.peek("view:1") == "old page");

  b.invalidate_tag("product:1");
  // No wait: b returned after a acknowledged, so a has dropped its copy already.
  CHECK_FALSE(a.peek("view:1"));
  CHECK(a.peek("view:2") == "other page");  // other tags are untouched
  CHECK(b.stats().near_acks == 2);          // a and b itself
  CHECK(b.stats().near_ack_timeouts == 0);

  // The same for a single key, invalidated by the other side.
  b.set("home", "h1", 60s);
  REQUIRE(a.get_near("home") == "h1");
  REQUIRE(a.peek("home") == "h1");
  b.invalidate("home");
  CHECK_FALSE(a.peek("home"));
  CHECK_FALSE(a.get_near("home"));

  // A process's own invalidation reaches its own near copy too.
  REQUIRE(a.peek("view:2") == "other page");
  a.invalidate_tag("product:2");
  CHECK_FALSE(a.peek("view:2"));
  CHECK(a.near_stats().dropped >= 3);
  CHECK_THAT(metrics_a.render(), Catch::Contains("cache_near_hits_total"));
}

TEST_CASE_METHOD(Fixture, "a value read before an invalidation is not kept near after it",
                 "[cache][redis][near][integration]") {
  RedisCache writer(options(), metrics_b);
  auto o = options();
  // Runs between the reader's Redis GET and its near fill: the invalidation completes there,
  // acknowledged by the reader's subscriber, while the reader holds the old value.
  bool invalidated = false;
  o.near_fill_hook = [&] {
    if (!invalidated) {
      invalidated = true;
      writer.invalidate_tag("product:1");
    }
  };
  RedisCache reader(o, metrics_a);
  REQUIRE(reader.await_near_subscribed(kReady));
  writer.set("view:1", "old page", 60s, {"product:1"});

  // The read returns what Redis had when it was read: the old page, as any request in flight
  // during a change may. But no later request may get it from the near copy.
  CHECK(reader.get_near("view:1") == "old page");
  REQUIRE(invalidated);
  CHECK(writer.stats().near_acks == 1);
  CHECK_FALSE(reader.peek("view:1"));
  CHECK(reader.near_stats().refused_fills == 1);
  CHECK_FALSE(reader.get_near("view:1"));  // and Redis has nothing either
}

TEST_CASE_METHOD(Fixture, "a near copy never outlives its Redis entry", "[cache][redis][near][integration]") {
  auto o = options();
  o.near.ttl = 60s;
  RedisCache cache(o, metrics_a);
  REQUIRE(cache.await_near_subscribed(kReady));
  cache.set("short", "v", 300ms);
  REQUIRE(cache.get_near("short") == "v");
  REQUIRE(cache.peek("short") == "v");
  // Bounded wait for Redis to expire it; then the copy must be gone too.
  const RedisKeys keys{prefix};
  ecom::test::require_eventually(
      "Redis expired the entry", [&] { return !raw.exists(keys.value("short")); }, 5s, 20ms);
  CHECK_FALSE(cache.peek("short"));
}

TEST_CASE_METHOD(Fixture, "a subscriber that lost its connection bypasses the near copy until it is back",
                 "[cache][redis][near][integration]") {
  auto o = options();
  // Long enough that the test sees the bypass before the reconnection; the test ends it early.
  o.near_reconnect_delay = 1s;
  RedisCache cache(o, metrics_a);
  REQUIRE(cache.await_near_subscribed(kReady));
  cache.set("k", "v1", 60s);
  REQUIRE(cache.get_near("k") == "v1");
  REQUIRE(cache.peek("k") == "v1");
  const auto subscribes = cache.stats().near_subscribes;
  const auto id = cache.stats().near_client_id;
  REQUIRE(id != 0);

  // Invalidations could be missed from now on: the copy must go, and reads go to Redis.
  raw.command({"CLIENT", "KILL", "ID", std::to_string(id)});
  (void)ecom::test::eventually([&] { return !cache.near_stats().live || cache.stats().near_subscribes != subscribes; },
                               kReady);
  // Either still down, or already back with a fresh (empty) copy: never the old one.
  CHECK_FALSE(cache.peek("k"));
  raw.command({"SET", RedisKeys{prefix}.value("k"), "v2", "PX", "60000"});
  if (!cache.near_stats().live) {
    CHECK(cache.get_near("k") == "v2");  // from Redis, and not kept
    CHECK_FALSE(cache.peek("k"));
  }

  REQUIRE(cache.await_near_subscribed(kReady));
  CHECK(cache.stats().near_subscribes == subscribes + 1);
  CHECK(cache.get_near("k") == "v2");
  CHECK(cache.peek("k") == "v2");
  CHECK_THAT(metrics_a.render(), Catch::Contains("cache_near_subscribed 1"));
}

TEST_CASE_METHOD(Fixture, "without a near cache get_near is get and peek always misses",
                 "[cache][redis][near][integration]") {
  auto o = options();
  o.near.max_bytes = 0;
  RedisCache cache(o, metrics_a);
  CHECK_FALSE(cache.await_near_subscribed(0ms));
  cache.set("k", "v", 60s);
  CHECK(cache.get_near("k") == "v");
  CHECK_FALSE(cache.peek("k"));
  // Nobody subscribed, so nothing to wait for.
  cache.invalidate("k");
  CHECK(cache.stats().near_acks == 0);
  CHECK(cache.stats().near_ack_timeouts == 0);
}

TEST_CASE_METHOD(Fixture, "an invalidation waits a bounded time for a near cache that does not acknowledge",
                 "[cache][redis][near][integration]") {
  auto o = options();
  o.near_ack_timeout = 300ms;
  RedisCache writer(o, metrics_a);
  // A subscriber that receives the messages and never acknowledges: a stalled process.
  RawRedis stalled;
  const auto subscribed = stalled.command({"SUBSCRIBE", RedisKeys{prefix}.near_channel()});
  REQUIRE(subscribed->type == REDIS_REPLY_ARRAY);

  writer.set("k", "v", 60s);
  const auto start = std::chrono::steady_clock::now();
  writer.invalidate("k");
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited >= 300ms);
  CHECK(waited < 3s);
  CHECK_FALSE(writer.get("k"));  // the deletion itself is done
  const auto s = writer.stats();
  CHECK(s.near_ack_timeouts == 1);
  CHECK(s.near_acks == 0);
  CHECK(s.errors == 0);
  CHECK_THAT(metrics_a.render(), Catch::Contains("cache_near_ack_timeouts_total{backend=\"redis\"} 1"));
}
