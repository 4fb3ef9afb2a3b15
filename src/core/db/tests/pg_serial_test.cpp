// Tests that restart or stop the shared PostgreSQL servers: their own executable, run alone
// (RUN_SERIAL), so no other test sees the servers go away.
#include "eventually.hpp"
#include "pg_support.hpp"

#include <ecom/db/database.hpp>
#include <ecom/db/health_probe.hpp>
#include <ecom/platform/error.hpp>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
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

constexpr const char* kInRecovery = "SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END";

// Runs "$ECOM_SERVICES <verb> <name>"; the script waits until a started server answers.
void services(const std::string& verb, const std::string& name) {
  const std::string script = ecom::db::test::required_env("ECOM_SERVICES");
  const std::string command = "'" + script + "' " + verb + " " + name + " >/dev/null";
  INFO(command);
  REQUIRE(std::system(command.c_str()) == 0);
}

// Starts the replica again however the test ends, so later tests find it running.
class ReplicaGuard {
 public:
  ReplicaGuard() = default;
  ~ReplicaGuard() {
    if (stopped_) {
      const std::string command = "'" + std::string(std::getenv("ECOM_SERVICES")) + "' start replica >/dev/null";
      if (std::system(command.c_str()) != 0) {
        WARN("could not start the replica again");
      }
    }
  }
  ReplicaGuard(const ReplicaGuard&) = delete;
  ReplicaGuard& operator=(const ReplicaGuard&) = delete;
  void stop() {
    stopped_ = true;
    services("stop", "replica");
  }
  void start() {
    services("start", "replica");
    stopped_ = false;
  }

 private:
  bool stopped_ = false;
};

bool read_on_replica(Database& db, std::string_view client) {
  return db.read(client, Consistency::any, [](soci::session& s) {
    int in_recovery = 0;
    s << kInRecovery, soci::into(in_recovery);
    return in_recovery == 1;
  });
}

int select_one(Database& db) {
  return db.read("", Consistency::strong, [](soci::session& s) {
    int one = 0;
    s << "SELECT 1", soci::into(one);
    return one;
  });
}

}  // namespace

TEST_CASE("after the primary restarts, broken connections are replaced and the next call succeeds",
          "[db][pg][restart]") {
  TempPgDatabase temp;
  Database db(temp.options());
  db.transact("", [](soci::session& s) { s << "CREATE TABLE t (a INTEGER)"; });
  ecom::db::HealthProbe probe(db, 50ms);
  {
    std::vector<ecom::db::Lease> warm;  // several idle connections, all to the old server process
    warm.reserve(4);
    for (int i = 0; i < 4; ++i) {  // the whole pool
      warm.push_back(db.primary());
    }
  }
  auto held = db.primary();  // and one of them in use across the restart

  services("restart", "pg");

  // A connection in use when the server went away fails with unavailable, once.
  try {
    held.session() << "SELECT 1";
    FAIL("the held connection belonged to the old server");
  } catch (const soci::soci_error&) {
    held.mark_broken();
  }
  { auto drop = std::move(held); }

  // The first call may fail with unavailable; the next one succeeds. Reads first: unlike
  // transact, read() never retries, so this shows that the pool itself replaced the idle ones.
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
  CHECK_NOTHROW(db.transact("", [](soci::session& s) { s << "INSERT INTO t (a) VALUES (1)"; }));
  CHECK(db.stats().reconnects >= 4);  // the held one and the three idle ones
  CHECK(eventually([&] { return probe.healthy(); }, 5s));
}

TEST_CASE("a stopped replica is skipped and reads fall back to the primary, then return", "[db][pg][restart]") {
  TempPgDatabase temp(true);
  auto options = temp.options(true);
  options.replica_retry_after = 200ms;
  Database db(options);
  REQUIRE(read_on_replica(db, "visitor"));

  ReplicaGuard replica;
  replica.stop();
  for (int i = 0; i < 10; ++i) {
    CHECK_FALSE(read_on_replica(db, "visitor"));  // every read succeeds, on the primary
  }
  CHECK(db.stats().replica_failovers >= 1);

  replica.start();
  CHECK(eventually([&] { return read_on_replica(db, "visitor"); }, 20s));
}
