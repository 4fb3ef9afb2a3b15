// The sign-in throttle and the sessions on the real Redis (ECOM_TEST_REDIS_URL): two storefront
// processes share one count, so failures spread over both still lock the account in both; a Redis
// outage never lifts a lock this process has seen; sessions are kept and ended in Redis for both.
#include "pg_support.hpp"

#include <ecom/cache/redis_cache.hpp>
#include <ecom/db/migrations.hpp>
#include <ecom/identity/customers.hpp>
#include <ecom/identity/throttle.hpp>
#include <ecom/identity/tokens.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/metrics.hpp>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <atomic>

using namespace ecom;

namespace {

constexpr std::int64_t kStart = 1'800'000'000'000'000;

// This test's own keys on the shared Redis ($ECOM_TEST_REDIS_URL: the test fails, never skips,
// without it).
cache::RedisOptions redis_options() {
  cache::RedisOptions options;
  options.url = db::test::required_env("ECOM_TEST_REDIS_URL");
  options.key_prefix = "throttle-test-" + identity::new_token() + ":";
  return options;
}

bool locked(identity::Throttle& throttle, std::string_view account) {
  try {
    throttle.check(account, "");
  } catch (const core::Error& e) {
    CHECK(e.code() == core::ErrorCode::too_many_requests);
    return true;
  }
  return false;
}

}  // namespace

TEST_CASE("throttle: two processes on one Redis count failures together", "[identity][redis][integration]") {
  metrics::Registry metrics;
  const auto options = redis_options();
  cache::RedisCache redis_a(options, metrics);
  cache::RedisCache redis_b(options, metrics);
  std::atomic<std::int64_t> clock{kStart};
  identity::Throttle a(redis_a, {}, [&] { return clock.load(); });
  identity::Throttle b(redis_b, {}, [&] { return clock.load(); });
  for (int i = 0; i < 5; ++i) {
    a.failed("account-1", "");
    b.failed("account-1", "");
  }
  // Ten failures in all, five in each process: both see the lock.
  CHECK(locked(a, "account-1"));
  CHECK(locked(b, "account-1"));
  CHECK_FALSE(locked(a, "account-2"));
  clock += 15LL * 60 * 1'000'000;
  CHECK_FALSE(locked(b, "account-1"));
}

TEST_CASE("throttle: a lock holds in the process that saw it when Redis is gone", "[identity][redis][integration]") {
  metrics::Registry metrics;
  const auto options = redis_options();
  std::atomic<std::int64_t> clock{kStart};
  auto redis = std::make_unique<cache::RedisCache>(options, metrics);
  identity::Throttle throttle(*redis, {}, [&] { return clock.load(); });
  for (int i = 0; i < 10; ++i) {
    throttle.failed("account-1", "");
  }
  REQUIRE(locked(throttle, "account-1"));
  // Another cache on an address where nothing listens: every call fails, as in an outage.
  cache::RedisOptions down = options;
  down.url = "redis://127.0.0.1:1";
  cache::RedisCache unreachable(down, metrics);
  identity::Throttle during_outage(unreachable, {}, [&] { return clock.load(); });
  for (int i = 0; i < 10; ++i) {
    during_outage.failed("account-3", "");
  }
  CHECK(locked(during_outage, "account-3"));  // counted in this process alone
}

TEST_CASE("sessions: kept in Redis for every process, and ended there for every process",
          "[identity][redis][integration]") {
  metrics::Registry metrics;
  const auto options = redis_options();
  cache::RedisCache redis_a(options, metrics);
  cache::RedisCache redis_b(options, metrics);
  db::test::TempPgDatabase pg;
  db::Database database(pg.options());
  db::Migrator(database, ECOM_SOURCE_DIR "/migrations").apply();
  identity::PasswordHasher hasher;
  identity::CustomerService a(database, hasher, redis_a);  // two storefront processes
  identity::CustomerService b(database, hasher, redis_b);
  (void)a.register_customer({"ada@example.com", "correct horse battery", "Ada"}, "");
  const auto first = a.sign_in("ada@example.com", "correct horse battery", "");
  REQUIRE(b.authenticate(first.token).has_value());  // the other process, through the table, then Redis
  // The session's state is in Redis now: the other process answers from it, not from the table.
  database.transact("", [](soci::session& tx) { tx << "UPDATE customer_sessions SET expires_at = 0"; });
  CHECK(b.authenticate(first.token).has_value());
  database.transact("", [](soci::session& tx) { tx << "UPDATE customer_sessions SET expires_at = 9000000000000000"; });
  // Signing out in one process ends the session in the other at once.
  a.sign_out(first.token);
  CHECK_FALSE(b.authenticate(first.token).has_value());
  // So does a password change, for every session of the customer.
  const auto second = a.sign_in("ada@example.com", "correct horse battery", "");
  REQUIRE(b.authenticate(second.token).has_value());
  const auto renewed = a.change_password(second.customer.id, "correct horse battery", "a new horse battery", "");
  CHECK_FALSE(b.authenticate(second.token).has_value());
  CHECK(b.authenticate(renewed.token).has_value());
}
