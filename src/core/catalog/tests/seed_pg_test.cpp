// Demo data on the real PostgreSQL (ECOM_TEST_PG_URL; the test fails, never skips, without it): the
// unnest() path writes the same catalog as SQLite's bulk binding, moves the id sequences past the
// seeded rows, and appends without collisions.
#include "pg_support.hpp"
#include "seed_support.hpp"
#include "test_support.hpp"

#include <ecom/cache/local_cache.hpp>
#include <ecom/catalog/admin.hpp>
#include <ecom/catalog/catalog.hpp>
#include <ecom/catalog/seed.hpp>
#include <ecom/db/migrations.hpp>
#include <ecom/storage/storage.hpp>

#include <catch2/catch.hpp>

#include <memory>

using namespace ecom::catalog;
using namespace ecom::catalog::test;

TEST_CASE("postgresql: seeding writes the same catalog as on SQLite and leaves the sequences usable",
          "[catalog][seed][integration]") {
  ecom::db::test::TempPgDatabase pg;
  auto db = std::make_unique<ecom::db::Database>(pg.options());
  ecom::db::Migrator(*db, ECOM_SOURCE_DIR "/migrations").apply();
  ecom::db::test::TempDir dir;
  auto lite = std::make_unique<ecom::db::Database>(ecom::db::test::sqlite_options(dir.path() / "shop.db"));
  ecom::db::Migrator(*lite, ECOM_SOURCE_DIR "/migrations").apply();

  ecom::storage::LocalDiskStorage media(dir.path() / "media");
  const auto result = seed_catalog(*db, seeding(300, 1, false, &media));
  seed_catalog(*lite, seeding(300, 1, false, &media));
  CHECK(products(*db) == products(*lite));
  CHECK(result.images == count(*db, "SELECT COUNT(*) FROM product_images"));
  CHECK(result.images >= 300);
  CHECK(image_rows(*db) == image_rows(*lite));
  CHECK(result.variants == count(*db, "SELECT COUNT(*) FROM variants"));
  CHECK(count(*db, "SELECT COUNT(*) FROM variants WHERE compare_at_amount IS NOT NULL") ==
        count(*lite, "SELECT COUNT(*) FROM variants WHERE compare_at_amount IS NOT NULL"));
  CHECK(count(*db, "SELECT COUNT(*) FROM products WHERE search IS NULL") == 0);

  ecom::cache::LocalCache cache(ecom::cache::LocalCacheOptions{});
  CatalogService service(*db, cache, CatalogOptions{"seed-test-secret", {}});
  const auto first = service.get_product("velta-alpine-cotton-sweater-1");
  CHECK(static_cast<long long>(first.variants.size()) ==
        count(*db, "SELECT COUNT(*) FROM variants WHERE product_id = 1"));
  CHECK(static_cast<long long>(first.images.size()) ==
        count(*db, "SELECT COUNT(*) FROM product_images WHERE product_id = 1"));
  REQUIRE_FALSE(first.images.empty());
  CHECK(media.exists(first.images.front().path));

  // A product created through the admin after seeding gets the next id, not a seeded one.
  NewProduct added;
  added.slug = "added-after-seeding";
  added.title = "Added after seeding";
  CHECK(ecom::catalog::CatalogAdmin(*db, cache).create_product(added).id == 301);

  seed_catalog(*db, seeding(20, 2, true));
  CHECK(count(*db, "SELECT COUNT(*) FROM products") == 321);
  CHECK(count(*db, "SELECT COUNT(DISTINCT sku) FROM variants") == count(*db, "SELECT COUNT(*) FROM variants"));
}
