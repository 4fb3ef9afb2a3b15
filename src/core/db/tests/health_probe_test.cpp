#include "eventually.hpp"
#include "gate.hpp"
#include "test_support.hpp"

#include <ecom/db/health_probe.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>

using namespace std::chrono_literals;
using ecom::db::HealthProbe;

using ecom::test::eventually;

TEST_CASE("the probe follows the ping in the background", "[db][health]") {
  std::atomic<bool> up{true};
  std::atomic<int> pings{0};
  HealthProbe probe(
      [&] {
        pings.fetch_add(1);
        return up.load();
      },
      20ms);
  CHECK(probe.healthy());  // the first ping ran before the constructor returned
  auto check = probe.readiness_check();
  up = false;
  CHECK(eventually([&] { return !check(); }, 2s));
  up = true;
  CHECK(eventually([&] { return check(); }, 2s));
  CHECK(pings.load() >= 3);
}

TEST_CASE("the readiness check never waits for a slow ping", "[db][health]") {
  ecom::test::Gate slow;  // holds every ping but the first until released (bounded: 10 s)
  std::atomic<int> calls{0};
  HealthProbe probe(
      [&] {
        // The first call (in the constructor) answers at once; later ones hang until released.
        if (calls.fetch_add(1) == 0) {
          return true;
        }
        slow.wait();
        return false;
      },
      1ms);
  REQUIRE(slow.wait_entered(1));  // the probe thread is now inside a slow ping
  const auto start = std::chrono::steady_clock::now();
  CHECK(probe.readiness_check()());
  CHECK(std::chrono::steady_clock::now() - start < 5ms);
  slow.release();
  probe.stop();
}

TEST_CASE("a ping that throws counts as unhealthy", "[db][health]") {
  HealthProbe probe([]() -> bool { throw std::runtime_error("boom"); }, 1h);
  CHECK_FALSE(probe.healthy());
}

TEST_CASE("the probe reports a reachable SQLite database as healthy", "[db][health][sqlite]") {
  ecom::db::test::TempDir dir;
  ecom::db::Database db(ecom::db::test::sqlite_options(dir.path() / "h.db"));
  HealthProbe probe(db, 10ms);
  CHECK(probe.healthy());
  probe.stop();
  probe.stop();  // idempotent
}
