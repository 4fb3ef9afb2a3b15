// Invalidation across processes sharing one SQLite file. Each SharedLocalCache below has its own
// Database, pools and listener thread, as a separate process would; one test runs a real second
// process.
#include "child_process.hpp"
#include "eventually.hpp"
#include "sqlite_fixture.hpp"

#include <ecom/cache/shared_local_cache.hpp>
#include <ecom/platform/metrics.hpp>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <thread>

using namespace std::chrono_literals;
using ecom::cache::InvalidationKind;
using ecom::cache::ListenerOptions;
using ecom::cache::LocalCacheOptions;
using ecom::cache::SharedLocalCache;
using ecom::cache::testing::SqliteFile;

namespace {

constexpr auto kVisibleWithin = 1000ms;  // ARCHITECTURE.md: an admin change shows within a second

// How long until cache stops returning key; fails the test past the deadline.
std::chrono::milliseconds time_until_gone(SharedLocalCache& cache, std::string_view key) {
  const auto start = std::chrono::steady_clock::now();
  (void)ecom::test::eventually([&] { return !cache.get(key); }, 5s);
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  REQUIRE_FALSE(cache.get(key));
  return elapsed;
}

long long count_rows(ecom::db::Database& db) {
  long long n = 0;
  db.read("", ecom::db::Consistency::strong,
          [&](soci::session& sql) { sql << "SELECT COUNT(*) FROM cache_invalidations", soci::into(n); });
  return n;
}

void insert_row(ecom::db::Database& db, long long id, const std::string& kind, const std::string& name,
                long long created_at_ms) {
  db.transact("", [&](soci::session& sql) {
    sql << "INSERT INTO cache_invalidations (id, kind, name, created_at) VALUES (:id, :kind, :name, :at)",
        soci::use(id, "id"), soci::use(kind, "kind"), soci::use(name, "name"), soci::use(created_at_ms, "at");
  });
}

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TEST_CASE("an invalidation in one process reaches another within a second", "[cache][shared]") {
  SqliteFile file;
  auto admin_db = file.open();
  auto storefront_db = file.open();
  ecom::metrics::Registry metrics;
  SharedLocalCache admin(*admin_db, LocalCacheOptions{}, ListenerOptions{}, &metrics);  // 200 ms polls
  SharedLocalCache storefront(*storefront_db, LocalCacheOptions{}, ListenerOptions{});

  admin.set("product:1", "old", 1h, {"category:7"});
  storefront.set("product:1", "old", 1h, {"category:7"});
  storefront.set("product:2", "old", 1h, {"category:7"});
  storefront.set("product:3", "old", 1h, {"category:8"});

  admin.invalidate("product:1");
  CHECK_FALSE(admin.get("product:1"));  // the writer sees its own change at once
  CHECK(time_until_gone(storefront, "product:1") < kVisibleWithin);

  admin.invalidate_tag("category:7");
  CHECK(time_until_gone(storefront, "product:2") < kVisibleWithin);
  CHECK(storefront.get("product:3") == "old");
  CHECK(storefront.healthy());
  CHECK(admin.healthy());

  // The storefront then loads the new value and keeps it (once the guard window is over).
  std::this_thread::sleep_for(LocalCacheOptions{}.invalidation_guard);
  storefront.set("product:1", "new", 1h);
  std::this_thread::sleep_for(400ms);  // two more polls: nothing re-applies the old invalidation
  CHECK(storefront.get("product:1") == "new");
}

TEST_CASE("a listener starts after the rows already in the table", "[cache][shared]") {
  SqliteFile file;
  auto db = file.open();
  insert_row(*db, 40, "key", "old", now_ms());
  ListenerOptions slow;
  slow.poll_interval = 1h;  // only poll_now() polls, apart from the first poll at start
  SharedLocalCache cache(*db, LocalCacheOptions{}, slow);
  CHECK(cache.listener().last_seen() == 40);
  cache.set("old", "v", 1h);
  cache.listener().poll_now();
  CHECK(cache.get("old") == "v");
}

TEST_CASE("a row committed after a higher id is still applied", "[cache][shared]") {
  // On PostgreSQL a transaction that took id 41 can commit after one that took 42; the listener
  // must not jump over 41 for good. Explicit ids simulate that order on SQLite.
  SqliteFile file;
  auto db = file.open();
  ListenerOptions slow;
  slow.poll_interval = 1h;
  LocalCacheOptions no_guard;
  no_guard.invalidation_guard = 0ms;
  SharedLocalCache cache(*db, no_guard, slow);
  cache.set("a", "1", 1h);
  cache.set("b", "1", 1h);

  insert_row(*db, 42, "key", "b", now_ms());
  cache.listener().poll_now();
  CHECK_FALSE(cache.get("b"));
  CHECK(cache.get("a"));
  CHECK(cache.listener().last_seen() == 42);

  insert_row(*db, 41, "key", "a", now_ms());
  CHECK(cache.listener().poll_now() == 1);
  CHECK_FALSE(cache.get("a"));

  cache.set("a", "2", 1h);
  CHECK(cache.listener().poll_now() == 0);  // applied once, not again
  CHECK(cache.get("a") == "2");
}

TEST_CASE("rows older than the retention are pruned by a poller", "[cache][shared]") {
  SqliteFile file;
  auto db = file.open();
  ListenerOptions o;
  o.poll_interval = 1h;
  o.prune_interval = 0ms;
  SharedLocalCache cache(*db, LocalCacheOptions{}, o);
  insert_row(*db, 1000, "key", "ancient", now_ms() - 2 * 3600 * 1000);
  insert_row(*db, 1001, "tag", "recent", now_ms());
  cache.listener().poll_now();
  CHECK(count_rows(*db) == 1);
}

TEST_CASE("an invalidation the database refused is written by a later poll", "[cache][shared]") {
  SqliteFile file;
  auto admin_db = file.open();
  auto storefront_db = file.open();
  ListenerOptions slow;
  slow.poll_interval = 1h;
  SharedLocalCache admin(*admin_db, LocalCacheOptions{}, slow);
  SharedLocalCache storefront(*storefront_db, LocalCacheOptions{}, slow);
  storefront.set("k", "old", 1h);

  admin_db->transact("", [](soci::session& sql) { sql << "ALTER TABLE cache_invalidations RENAME TO hidden"; });
  admin.invalidate("k");  // cannot be recorded now: kept
  CHECK_FALSE(admin.get("k"));
  admin_db->transact("", [](soci::session& sql) { sql << "ALTER TABLE hidden RENAME TO cache_invalidations"; });

  storefront.listener().poll_now();
  CHECK(storefront.get("k") == "old");  // not recorded yet
  admin.listener().poll_now();          // writes what it kept
  storefront.listener().poll_now();
  CHECK_FALSE(storefront.get("k"));
}

TEST_CASE("an invalidation reaches a real second process within a second", "[cache][shared]") {
  SqliteFile file;
  auto db = file.open();
  SharedLocalCache admin(*db, LocalCacheOptions{}, ListenerOptions{});

  ecom::test::ChildProcess peer({ECOM_PEER_BINARY, file.url(), "product:9"});
  const auto said = [&peer](std::string_view line) { return peer.output().find(line) != std::string::npos; };
  const bool ready = peer.read_until([&](const std::string&) { return said("ready\n"); }, 10s);
  if (!ready) {
    FAIL("the peer never said ready: " << peer.output());
  }
  const auto start = std::chrono::steady_clock::now();
  admin.invalidate("product:9");
  // The peer answers as soon as its cache lost the key (it gives up after five seconds).
  const bool answered =
      peer.read_until([&](const std::string&) { return said("invalidated\n") || said("timeout\n"); }, 10s);
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  INFO("peer said: " << peer.output());
  REQUIRE(answered);
  CHECK(peer.wait_exit(10s) == 0);
  CHECK(said("invalidated\n"));
  CHECK(elapsed < kVisibleWithin);
}
