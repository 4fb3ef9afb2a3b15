// The Database on a real PostgreSQL primary: the repository suite, connection set-up, timeouts,
// killed connections and unreachable servers. Each test has its own database.
#include "eventually.hpp"
#include "pg_support.hpp"
#include "repository_suite.hpp"

#include <ecom/db/database.hpp>
#include <ecom/db/health_probe.hpp>
#include <ecom/platform/error.hpp>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <chrono>
#include <optional>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using ecom::core::Error;
using ecom::core::ErrorCode;
using ecom::db::Consistency;
using ecom::db::Database;
using ecom::db::test::TempPgDatabase;

using ecom::test::eventually;

namespace {

constexpr const char* kSelectOne = "SELECT 1";

int select_one(Database& db) {
  return db.read("", Consistency::strong, [](soci::session& s) {
    int one = 0;
    s << kSelectOne, soci::into(one);
    return one;
  });
}

}  // namespace

// The repository suite, as every backend runs it (repository_suite.cpp has the list).
const bool kRepositorySuite = ecom::test::register_suite<Database>(
    "postgresql", "[db][pg][repository]", ecom::db::test::repository_suite(),
    [](const std::function<void(Database&)>& run) {
      TempPgDatabase temp;
      Database db(temp.options());
      REQUIRE(db.backend() == ecom::db::Backend::postgresql);
      run(db);
    },
    __FILE__, __LINE__);

TEST_CASE("every PostgreSQL connection carries application_name and statement_timeout", "[db][pg]") {
  TempPgDatabase temp;
  auto options = temp.options();
  options.statement_timeout = 1500ms;
  Database db(options);
  std::vector<ecom::db::Lease> leases;
  leases.reserve(3);
  for (int i = 0; i < 3; ++i) {
    leases.push_back(db.primary());
  }
  for (auto& lease : leases) {
    std::string name;
    std::string timeout;
    lease.session() << "SHOW application_name", soci::into(name);
    lease.session() << "SHOW statement_timeout", soci::into(timeout);
    CHECK(name == "ecom");
    CHECK(timeout == "1500ms");
  }
}

TEST_CASE("a statement past statement_timeout gives unavailable and the connection stays usable", "[db][pg]") {
  TempPgDatabase temp;
  auto options = temp.options();
  options.statement_timeout = 200ms;
  options.pool_size = 1;
  Database db(options);
  const auto start = std::chrono::steady_clock::now();
  try {
    db.read("", Consistency::strong, [](soci::session& s) { s << "SELECT pg_sleep(3)"; });
    FAIL("pg_sleep(3) should have been cancelled");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::unavailable);
    CHECK(e.message() == "the database statement timed out");
  }
  CHECK(std::chrono::steady_clock::now() - start < 2s);
  CHECK(select_one(db) == 1);
  CHECK(db.stats().reconnects == 0);
}

TEST_CASE("idle connections the server ended are replaced before use", "[db][pg][reconnect]") {
  TempPgDatabase temp;
  Database db(temp.options());
  {
    // Fill the pool with idle connections.
    std::vector<ecom::db::Lease> leases;
    leases.reserve(4);
    for (int i = 0; i < 4; ++i) {
      leases.push_back(db.primary());
    }
  }
  REQUIRE(temp.terminate_connections() >= 4);
  // The first call may fail with unavailable; the next one must succeed.
  int failures = 0;
  for (int i = 0; i < 2; ++i) {
    try {
      const int one = select_one(db);
      CHECK(one == 1);
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::unavailable);
      ++failures;
    }
  }
  CHECK(failures <= 1);
  CHECK(select_one(db) == 1);
  CHECK(db.stats().reconnects >= 1);
}

TEST_CASE("a connection lost in the middle of a transaction gives unavailable, then a new one", "[db][pg][reconnect]") {
  TempPgDatabase temp;
  auto options = temp.options();
  options.pool_size = 1;
  Database db(options);
  db.transact("", [](soci::session& s) { s << "CREATE TABLE t (a INTEGER)"; });
  try {
    db.transact("", [&](soci::session& s) {
      s << "INSERT INTO t (a) VALUES (1)";
      temp.terminate_connections();
      s << "INSERT INTO t (a) VALUES (2)";
    });
    FAIL("the transaction's connection was terminated");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::unavailable);
    CHECK(e.message() == "the database connection was lost");
  }
  CHECK(db.stats().reconnects == 1);
  // The only pooled connection was replaced: the next transaction works, and nothing of the lost
  // one was committed.
  db.transact("", [](soci::session& s) { s << "INSERT INTO t (a) VALUES (3)"; });
  const int rows = db.read("", Consistency::strong, [](soci::session& s) {
    int n = 0;
    s << "SELECT count(*) FROM t", soci::into(n);
    return n;
  });
  CHECK(rows == 1);
}

TEST_CASE("an unreachable primary is a clear unavailable error without the password", "[db][pg]") {
  ecom::db::DatabaseOptions options;
  options.url = "postgresql://ecom@127.0.0.1:1/shop";
  options.password = "sekrit-pw";
  options.acquire_timeout = 500ms;
  try {
    Database db(options);
    FAIL("nothing listens on port 1");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::unavailable);
    CHECK_THAT(e.log_text(), Catch::Contains("cannot connect to the database postgresql://ecom@127.0.0.1:1/shop"));
    CHECK_THAT(e.log_text(), !Catch::Contains("sekrit"));
    CHECK_THAT(e.message(), !Catch::Contains("127.0.0.1") && !Catch::Contains("sekrit"));
  }
}

TEST_CASE("the pool refuses past its size on PostgreSQL too", "[db][pg][pool]") {
  TempPgDatabase temp;
  auto options = temp.options();
  options.pool_size = 2;
  options.acquire_timeout = 150ms;
  Database db(options);
  auto a = db.primary();
  auto b = db.primary();
  CHECK_THROWS_MATCHES(db.primary(), Error,
                       Catch::Predicate<Error>([](const Error& e) { return e.code() == ErrorCode::unavailable; }));
}

TEST_CASE("ping and the health probe see the database go away and come back", "[db][pg][health]") {
  TempPgDatabase temp;
  Database db(temp.options());
  ecom::db::HealthProbe probe(db, 20ms);
  CHECK(db.ping());
  CHECK(probe.healthy());
  // Refusing new connections and ending the open ones looks, to this process, like a server that
  // is gone.
  temp.admin("ALTER DATABASE " + temp.name() + " ALLOW_CONNECTIONS false");
  temp.terminate_connections();
  CHECK(eventually([&] { return !probe.healthy(); }, 3s));
  CHECK_FALSE(db.ping());
  temp.admin("ALTER DATABASE " + temp.name() + " ALLOW_CONNECTIONS true");
  CHECK(eventually([&] { return probe.healthy(); }, 3s));
  CHECK(db.ping());
}
