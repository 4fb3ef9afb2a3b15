// Cross-process invalidation on the real PostgreSQL (several processes without Redis), in a
// database of its own. PostgreSQL hands out ids before commit, so a lower id can commit after a
// higher one: the listener must still apply it.
#include "eventually.hpp"
#include "pg_support.hpp"

#include <ecom/cache/shared_local_cache.hpp>
#include <ecom/db/migrations.hpp>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <future>
#include <thread>

using namespace std::chrono_literals;
using ecom::cache::ListenerOptions;
using ecom::cache::LocalCacheOptions;
using ecom::cache::SharedLocalCache;
using ecom::db::test::TempPgDatabase;

namespace {

std::unique_ptr<ecom::db::Database> open(const TempPgDatabase& pg) {
  return std::make_unique<ecom::db::Database>(pg.options());
}

void insert(soci::session& sql, const std::string& name) {
  const std::string kind = "key";
  const long long now = 0;  // pruning is not under test here
  sql << "INSERT INTO cache_invalidations (kind, name, created_at) VALUES (:kind, :name, :at)", soci::use(kind, "kind"),
      soci::use(name, "name"), soci::use(now, "at");
}

}  // namespace

TEST_CASE("postgresql: an invalidation in one process reaches another within a second",
          "[cache][shared][integration]") {
  TempPgDatabase pg;
  auto admin_db = open(pg);
  ecom::db::Migrator(*admin_db, ECOM_SOURCE_DIR "/migrations").apply();
  auto storefront_db = open(pg);
  SharedLocalCache admin(*admin_db, LocalCacheOptions{}, ListenerOptions{});
  SharedLocalCache storefront(*storefront_db, LocalCacheOptions{}, ListenerOptions{});
  storefront.set("product:1", "old", 1h, {"category:7"});
  storefront.set("product:2", "old", 1h, {"category:7"});

  const auto start = std::chrono::steady_clock::now();
  admin.invalidate_tag("category:7");
  CHECK(ecom::test::eventually([&] { return !storefront.get("product:2"); }, 5s));
  CHECK(std::chrono::steady_clock::now() - start < 1s);
  CHECK_FALSE(storefront.get("product:1"));
  CHECK(storefront.healthy());
}

TEST_CASE("postgresql: a lower id committed after a higher one is applied", "[cache][shared][integration]") {
  TempPgDatabase pg;
  auto writer_db = open(pg);
  ecom::db::Migrator(*writer_db, ECOM_SOURCE_DIR "/migrations").apply();
  auto storefront_db = open(pg);
  ListenerOptions manual;
  manual.poll_interval = 1h;  // polled by the test only (after the first poll at start)
  LocalCacheOptions no_guard;
  no_guard.invalidation_guard = 0ms;
  SharedLocalCache storefront(*storefront_db, no_guard, manual);
  storefront.set("a", "old", 1h);
  storefront.set("b", "old", 1h);

  // A slow transaction takes the next id for "a" and stays open; a quick one takes the id after
  // it for "b" and commits first.
  std::promise<void> inserted;
  std::promise<void> release;
  auto released = release.get_future().share();
  std::thread slow([&] {
    writer_db->transact("", [&](soci::session& sql) {
      insert(sql, "a");
      inserted.set_value();
      released.wait_for(10s);
    });
  });
  inserted.get_future().wait();
  writer_db->transact("", [](soci::session& sql) { insert(sql, "b"); });

  storefront.listener().poll_now();
  CHECK_FALSE(storefront.get("b"));
  CHECK(storefront.get("a") == "old");  // its row is not committed yet

  release.set_value();
  slow.join();
  CHECK(storefront.listener().poll_now() == 1);
  CHECK_FALSE(storefront.get("a"));
}
