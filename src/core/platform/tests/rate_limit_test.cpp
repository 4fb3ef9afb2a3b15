// The token bucket on its own, on a clock the test moves.
#include <ecom/platform/http/rate_limit.hpp>

#include <catch2/catch.hpp>

using ecom::http::RateLimit;
using ecom::http::RateLimiter;
using namespace std::chrono_literals;

TEST_CASE("rate limit: a burst, then one request per refill interval, each key apart", "[rate_limit]") {
  RateLimiter limiter(RateLimit{60, 3});  // one token a second, three at once
  const auto t0 = RateLimiter::Clock::time_point{} + 1000s;
  for (int i = 0; i < 3; ++i) {
    CHECK_FALSE(limiter.acquire("a", t0).has_value());
  }
  const auto wait = limiter.acquire("a", t0);
  REQUIRE(wait.has_value());
  CHECK(*wait == 1s);
  CHECK_FALSE(limiter.acquire("b", t0).has_value());  // another key has its own bucket
  CHECK(limiter.acquire("a", t0 + 500ms).has_value());
  CHECK_FALSE(limiter.acquire("a", t0 + 1s).has_value());
  CHECK(limiter.acquire("a", t0 + 1s).has_value());
  // Idle for long: full again, never more than the burst.
  for (int i = 0; i < 3; ++i) {
    CHECK_FALSE(limiter.acquire("a", t0 + 3600s).has_value());
  }
  CHECK(limiter.acquire("a", t0 + 3600s).has_value());
}

TEST_CASE("rate limit: a slow rate says how long to wait, off means no limit, the keys stay bounded", "[rate_limit]") {
  RateLimiter slow(RateLimit{2, 1});  // one request every 30 s
  const auto t0 = RateLimiter::Clock::time_point{} + 1000s;
  CHECK_FALSE(slow.acquire("a", t0).has_value());
  CHECK(slow.acquire("a", t0) == 30s);
  // A third of the token came back: about 10 s to go (the whole-second answer may round up one).
  const auto later = slow.acquire("a", t0 + 20s);
  REQUIRE(later.has_value());
  CHECK(*later >= 10s);
  CHECK(*later <= 11s);

  RateLimiter off(RateLimit{});
  for (int i = 0; i < 1000; ++i) {
    CHECK_FALSE(off.acquire("a", t0).has_value());
  }

  RateLimiter bounded(RateLimit{60, 1}, 10);
  for (int i = 0; i < 100; ++i) {
    (void)bounded.acquire("key" + std::to_string(i), t0 + std::chrono::seconds(i * 2));
  }
  // Keys idle long enough were dropped as full buckets: a returning one starts full.
  CHECK_FALSE(bounded.acquire("key0", t0 + 300s).has_value());
}
