// The Database on the embedded backend: configuration, connection set-up, pools, routing and the
// repository suite. SQLite needs no server, so all of this runs in the unit label.
#include "repository_suite.hpp"
#include "test_support.hpp"

#include <ecom/db/database.hpp>
#include <ecom/platform/config.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/metrics.hpp>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <chrono>
#include <future>
#include <map>
#include <optional>
#include <thread>

using namespace std::chrono_literals;
using ecom::core::Error;
using ecom::core::ErrorCode;
using ecom::db::Consistency;
using ecom::db::Database;
using ecom::db::test::sqlite_options;
using ecom::db::test::TempDir;

namespace {

ecom::config::Config load(std::string_view json, const std::map<std::string, std::string>& env = {}) {
  ecom::config::Schema schema;
  ecom::db::declare_config(schema);
  return ecom::config::Config::parse(schema, json, "test.json", [env](const std::string& name) {
    auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  });
}

template <typename T>
T query_one(Database& db, const char* sql) {
  return db.read("", Consistency::strong, [&](soci::session& s) {
    T value{};
    s << sql, soci::into(value);
    return value;
  });
}

}  // namespace

TEST_CASE("db.* keys have the documented defaults and read back", "[db][config]") {
  auto o = ecom::db::options_from(load("{}"));
  CHECK(o.url == "sqlite:var/ecom.db");
  CHECK(o.replica_urls.empty());
  CHECK(o.password.empty());
  CHECK(o.pool_size == 8);
  CHECK(o.migrations_dir == "migrations");

  auto set = ecom::db::options_from(load(
      R"({"db": {"url": "postgresql://ecom@127.0.0.1/shop", "replicas": ["postgresql://ecom@127.0.0.1:5433/shop"],
                 "pool_size": 3, "replica_pool_size": 2, "acquire_timeout_ms": 150, "statement_timeout_ms": 700,
                 "read_your_writes_ms": 900, "replica_retry_ms": 1200, "migrations_dir": "/opt/ecom/migrations"}})",
      {{"ECOM_DB_PASSWORD", "pw"}, {"ECOM_DB_POOL_SIZE", "5"}}));
  CHECK(set.url == "postgresql://ecom@127.0.0.1/shop");
  CHECK(set.replica_urls == std::vector<std::string>{"postgresql://ecom@127.0.0.1:5433/shop"});
  CHECK(set.password == "pw");
  CHECK(set.pool_size == 5);
  CHECK(set.replica_pool_size == 2);
  CHECK(set.acquire_timeout == 150ms);
  CHECK(set.statement_timeout == 700ms);
  CHECK(set.read_your_writes_window == 900ms);
  CHECK(set.replica_retry_after == 1200ms);
  CHECK(set.migrations_dir == "/opt/ecom/migrations");
}

TEST_CASE("db.password is a secret: refused in the file", "[db][config][secret]") {
  CHECK_THROWS_WITH(load(R"({"db": {"password": "hunter2"}})"), Catch::Contains("ECOM_DB_PASSWORD"));
  CHECK_THROWS_WITH(load(R"({"db": {"pool_size": 0}})"), Catch::Contains("db.pool_size"));
}

TEST_CASE("an SQLite database gets its folder, WAL, foreign keys and the busy timeout", "[db][sqlite]") {
  TempDir dir;
  auto options = sqlite_options(dir.path() / "nested" / "data" / "shop.db");
  options.statement_timeout = 1234ms;
  Database db(options);
  CHECK(std::filesystem::exists(dir.path() / "nested" / "data" / "shop.db"));
  CHECK(db.backend() == ecom::db::Backend::sqlite);
  // Every pooled connection is prepared, not only the first: hold several at once.
  std::vector<ecom::db::Lease> leases;
  leases.reserve(3);
  for (int i = 0; i < 3; ++i) {
    leases.push_back(db.primary());
  }
  for (auto& lease : leases) {
    std::string mode;
    int foreign_keys = 0;
    int busy = 0;
    int synchronous = 0;
    lease.session() << "PRAGMA journal_mode", soci::into(mode);
    lease.session() << "PRAGMA foreign_keys", soci::into(foreign_keys);
    lease.session() << "PRAGMA busy_timeout", soci::into(busy);
    lease.session() << "PRAGMA synchronous", soci::into(synchronous);
    CHECK(mode == "wal");
    CHECK(foreign_keys == 1);
    CHECK(busy == 1234);
    CHECK(synchronous == 1);  // NORMAL
  }
}

// The repository suite, as every backend runs it (repository_suite.cpp has the list).
const bool kRepositorySuite = ecom::test::register_suite<Database>(
    "sqlite", "[db][sqlite][repository]", ecom::db::test::repository_suite(),
    [](const std::function<void(Database&)>& run) {
      TempDir dir;
      Database db(sqlite_options(dir.path() / "shop.db"));
      run(db);
    },
    __FILE__, __LINE__);

TEST_CASE("two processes' pools on one SQLite file serialise their transactions", "[db][sqlite]") {
  TempDir dir;
  // Two Database objects stand for two processes: separate pools, separate connections.
  Database a(sqlite_options(dir.path() / "shared.db"));
  Database b(sqlite_options(dir.path() / "shared.db"));
  a.transact("", [](soci::session& s) { s << "CREATE TABLE counter (n INTEGER NOT NULL)"; });
  a.transact("", [](soci::session& s) { s << "INSERT INTO counter (n) VALUES (0)"; });
  constexpr int kRounds = 50;
  auto work = [&](Database& db) {
    for (int i = 0; i < kRounds; ++i) {
      // Read, then write: a deferred transaction would hit SQLITE_BUSY on the upgrade.
      db.transact("", [](soci::session& s) {
        int n = 0;
        s << "SELECT n FROM counter", soci::into(n);
        std::this_thread::sleep_for(1ms);  // let the other process's transaction overlap this one
        ++n;
        s << "UPDATE counter SET n = :n", soci::use(n);
      });
    }
  };
  auto fa = std::async(std::launch::async, work, std::ref(a));
  auto fb = std::async(std::launch::async, work, std::ref(b));
  REQUIRE_NOTHROW(fa.get());
  REQUIRE_NOTHROW(fb.get());
  CHECK(query_one<int>(b, "SELECT n FROM counter") == 2 * kRounds);
}

TEST_CASE("a write lock held past the busy timeout gives unavailable, not a hang", "[db][sqlite]") {
  TempDir dir;
  auto options = sqlite_options(dir.path() / "busy.db");
  options.statement_timeout = 150ms;
  Database holder(options);
  Database other(options);
  holder.transact("", [](soci::session& s) { s << "CREATE TABLE t (a INTEGER)"; });
  auto lease = holder.primary();
  lease.session() << "BEGIN IMMEDIATE";
  const auto start = std::chrono::steady_clock::now();
  try {
    other.transact("", [](soci::session& s) { s << "INSERT INTO t (a) VALUES (1)"; });
    FAIL("the second writer should have been refused");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::unavailable);
    CHECK(e.message() == "the database is busy");
  }
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited >= 140ms);
  CHECK(waited < 2s);
  lease.session() << "ROLLBACK";
}

TEST_CASE("past the pool size, acquire waits acquire_timeout and then says unavailable", "[db][pool]") {
  TempDir dir;
  auto options = sqlite_options(dir.path() / "pool.db");
  options.pool_size = 2;
  options.acquire_timeout = 200ms;
  Database db(options);
  auto first = db.primary();
  auto second = db.primary();
  const auto start = std::chrono::steady_clock::now();
  try {
    auto third = db.primary();
    FAIL("a third connection should not exist");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::unavailable);
    // The pool's name and size are for the log; the client reads that it may retry.
    CHECK_THAT(e.log_text(), Catch::Contains("no free database connection to the primary") &&
                                 Catch::Contains("200 ms") && Catch::Contains("pool size 2"));
    CHECK_THAT(e.message(), !Catch::Contains("pool") && !Catch::Contains("primary") && !Catch::Contains("2"));
  }
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited >= 190ms);
  CHECK(waited < 2s);
  // Reads and transactions are refused the same way.
  CHECK_THROWS_AS(db.read("", Consistency::any, [](soci::session&) {}), Error);
}

TEST_CASE("a waiter gets the connection another caller returns", "[db][pool]") {
  TempDir dir;
  auto options = sqlite_options(dir.path() / "pool.db");
  options.pool_size = 1;
  options.acquire_timeout = 3000ms;
  Database db(options);
  auto held = std::make_optional(db.primary());
  auto waiter = std::async(std::launch::async, [&] {
    auto lease = db.primary();
    int one = 0;
    lease.session() << "SELECT 1", soci::into(one);
    return one;
  });
  CHECK(waiter.wait_for(100ms) == std::future_status::timeout);  // still waiting while held
  held.reset();
  REQUIRE(waiter.wait_for(2s) == std::future_status::ready);
  CHECK(waiter.get() == 1);
}

TEST_CASE("a lease returned inside a transaction is rolled back before reuse", "[db][pool]") {
  TempDir dir;
  auto options = sqlite_options(dir.path() / "pool.db");
  options.pool_size = 1;
  Database db(options);
  db.transact("", [](soci::session& s) { s << "CREATE TABLE t (a INTEGER)"; });
  {
    auto lease = db.primary();
    lease.session() << "BEGIN IMMEDIATE";
    lease.session() << "INSERT INTO t (a) VALUES (1)";
  }  // returned without COMMIT
  CHECK(query_one<int>(db, "SELECT count(*) FROM t") == 0);
  // And the pool's only connection is usable for a new transaction.
  CHECK_NOTHROW(db.transact("", [](soci::session& s) { s << "INSERT INTO t (a) VALUES (2)"; }));
  CHECK(query_one<int>(db, "SELECT count(*) FROM t") == 1);
}

TEST_CASE("SQLite has no replicas: reads go to the primary, replicas are a config error", "[db][routing]") {
  TempDir dir;
  Database db(sqlite_options(dir.path() / "r.db"));
  auto lease = db.reader("alice");
  CHECK_FALSE(lease.on_replica());
  CHECK(db.stats().primary_reads == 1);
  CHECK(db.stats().replica_reads == 0);

  auto options = sqlite_options(dir.path() / "r2.db");
  options.replica_urls = {"postgresql://ecom@127.0.0.1:5433/shop"};
  CHECK_THROWS_AS(Database(options), ecom::config::ConfigError);
}

TEST_CASE("ping answers on its own connection, even when the pool is exhausted", "[db][health]") {
  TempDir dir;
  auto options = sqlite_options(dir.path() / "p.db");
  options.pool_size = 1;
  options.acquire_timeout = 50ms;
  Database db(options);
  auto held = db.primary();
  CHECK(db.ping());
}

TEST_CASE("database stats appear on /metrics", "[db][metrics]") {
  TempDir dir;
  Database db(sqlite_options(dir.path() / "m.db"));
  ecom::metrics::Registry registry;
  db.export_metrics(registry);
  db.read("", Consistency::any, [](soci::session&) {});
  const auto text = registry.render();
  CHECK_THAT(text, Catch::Contains("db_primary_reads_total 1"));
  CHECK_THAT(text, Catch::Contains("db_primary_pool_size 4"));
  CHECK_THAT(text, Catch::Contains("db_reconnects_total 0"));
}
