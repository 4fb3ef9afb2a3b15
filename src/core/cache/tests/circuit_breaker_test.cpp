#include "fake_clock.hpp"

#include <ecom/cache/circuit_breaker.hpp>

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using ecom::cache::CircuitBreaker;
using ecom::cache::testing::FakeClock;
using Permit = CircuitBreaker::Permit;
using State = CircuitBreaker::State;

TEST_CASE("breaker opens after K consecutive failures, not after fewer", "[cache][breaker]") {
  FakeClock clock;
  CircuitBreaker breaker(3, 1000ms, clock.clock());
  CHECK(breaker.acquire() == Permit::allowed);
  CHECK_FALSE(breaker.on_failure());
  CHECK_FALSE(breaker.on_failure());
  CHECK_FALSE(breaker.on_success());  // a success resets the count
  CHECK_FALSE(breaker.on_failure());
  CHECK_FALSE(breaker.on_failure());
  CHECK(breaker.state() == State::closed);
  CHECK(breaker.on_failure());
  CHECK(breaker.state() == State::open);
}

TEST_CASE("open breaker rejects until its time is up, then lets one trial through", "[cache][breaker]") {
  FakeClock clock;
  CircuitBreaker breaker(1, 1000ms, clock.clock());
  (void)breaker.acquire();
  REQUIRE(breaker.on_failure());
  CHECK(breaker.acquire() == Permit::rejected);
  clock.advance(999ms);
  CHECK(breaker.acquire() == Permit::rejected);
  CHECK(breaker.rejections() == 2);

  clock.advance(1ms);
  CHECK(breaker.acquire() == Permit::trial);
  CHECK(breaker.state() == State::half_open);
  CHECK(breaker.acquire() == Permit::rejected);  // only one trial at a time

  SECTION("a successful trial closes it") {
    CHECK(breaker.on_success());
    CHECK(breaker.state() == State::closed);
    CHECK(breaker.acquire() == Permit::allowed);
  }
  SECTION("a failed trial reopens it for another full period") {
    CHECK(breaker.on_failure());
    CHECK(breaker.state() == State::open);
    clock.advance(999ms);
    CHECK(breaker.acquire() == Permit::rejected);
    clock.advance(1ms);
    CHECK(breaker.acquire() == Permit::trial);
  }
  SECTION("an abandoned trial lets the next call try at once") {
    breaker.on_abandon(Permit::trial);
    CHECK(breaker.state() == State::open);
    CHECK(breaker.acquire() == Permit::trial);
  }
}

TEST_CASE("late failures of calls made before the breaker opened do not extend it", "[cache][breaker]") {
  FakeClock clock;
  CircuitBreaker breaker(2, 1000ms, clock.clock());
  (void)breaker.on_failure();
  REQUIRE(breaker.on_failure());
  clock.advance(600ms);
  CHECK_FALSE(breaker.on_failure());  // a slow call that started while closed
  clock.advance(400ms);
  CHECK(breaker.acquire() == Permit::trial);
}
