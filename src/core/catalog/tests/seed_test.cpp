// Demo data on a migrated SQLite file: deterministic, well-formed, and readable through the
// catalog service like any other product.
#include "seed_support.hpp"
#include "test_support.hpp"

#include <ecom/cache/local_cache.hpp>
#include <ecom/catalog/catalog.hpp>
#include <ecom/catalog/seed.hpp>
#include <ecom/db/migrations.hpp>
#include <ecom/platform/error.hpp>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace ecom::catalog;
using namespace ecom::catalog::test;

struct SeededDb {
  SeededDb() : db(std::make_unique<ecom::db::Database>(ecom::db::test::sqlite_options(dir.path() / "shop.db"))) {
    ecom::db::Migrator(*db, ECOM_SOURCE_DIR "/migrations").apply();
  }
  ecom::db::test::TempDir dir;
  std::unique_ptr<ecom::db::Database> db;
};

}  // namespace

TEST_CASE("seed: the same seed gives the same catalog, another seed a different one", "[catalog][seed]") {
  SeededDb a;
  SeededDb b;
  SeededDb c;
  seed_catalog(*a.db, seeding(60, 7));
  seed_catalog(*b.db, seeding(60, 7));
  seed_catalog(*c.db, seeding(60, 8));
  const auto rows_a = products(*a.db);
  REQUIRE(rows_a.size() == 60);
  CHECK(rows_a == products(*b.db));
  CHECK(rows_a != products(*c.db));
}

TEST_CASE("seed: counts, prices, SKUs, leaf categories and drafts are as promised", "[catalog][seed]") {
  SeededDb s;
  const auto result = seed_catalog(*s.db, seeding(600));
  CHECK(result.products == 600);
  CHECK(count_products(*s.db) == 600);
  CHECK(result.variants == count(*s.db, "SELECT COUNT(*) FROM variants"));
  CHECK(result.variants >= 600);
  CHECK(result.variants <= 6 * 600);
  CHECK(result.categories == count(*s.db, "SELECT COUNT(*) FROM categories"));
  CHECK(count(*s.db, "SELECT COUNT(*) FROM categories WHERE parent_id IS NULL") == 6);

  CHECK(count(*s.db,
              "SELECT COUNT(*) FROM products p WHERE NOT EXISTS "
              "(SELECT 1 FROM variants v WHERE v.product_id = p.id)") == 0);
  CHECK(count(*s.db, "SELECT COUNT(*) FROM variants WHERE price_amount <= 0 OR currency <> 'EUR'") == 0);
  CHECK(count(*s.db,
              "SELECT COUNT(*) FROM variants WHERE compare_at_amount IS NOT NULL "
              "AND compare_at_amount <= price_amount") == 0);
  CHECK(count(*s.db, "SELECT COUNT(*) FROM variants WHERE compare_at_amount IS NOT NULL") > 0);
  CHECK(count(*s.db, "SELECT COUNT(*) FROM variants WHERE on_hand = 0") > 0);
  CHECK(count(*s.db, "SELECT COUNT(DISTINCT sku) FROM variants") == result.variants);
  CHECK(count(*s.db, "SELECT COUNT(*) FROM product_attributes") == 3 * 600);

  // Each product sits in exactly one category, and it is a leaf.
  CHECK(count(*s.db, "SELECT COUNT(*) FROM product_categories") == 600);
  CHECK(count(*s.db,
              "SELECT COUNT(*) FROM product_categories pc WHERE EXISTS "
              "(SELECT 1 FROM categories c WHERE c.parent_id = pc.category_id)") == 0);

  const auto drafts = count(*s.db, "SELECT COUNT(*) FROM products WHERE status = 'draft'");
  CHECK(drafts > 0);
  CHECK(drafts < 600 / 10);
}

TEST_CASE("seed: the catalog service reads seeded products back and lists them", "[catalog][seed]") {
  SeededDb s;
  seed_catalog(*s.db, seeding(50));
  ecom::cache::LocalCache cache(ecom::cache::LocalCacheOptions{});
  CatalogService service(*s.db, cache, CatalogOptions{"seed-test-secret", {}});

  const auto first_active = count(*s.db, "SELECT MIN(id) FROM products WHERE status = 'active'");
  const auto active_slug = s.db->read("", ecom::db::Consistency::strong, [first_active](soci::session& sql) {
    std::string text;
    sql << "SELECT slug FROM products WHERE id = :id", soci::into(text), soci::use(first_active, "id");
    return text;
  });
  const auto product = service.get_product(active_slug);
  CHECK(product.slug == active_slug);
  CHECK(product.status == ProductStatus::active);
  REQUIRE_FALSE(product.variants.empty());
  CHECK(product.variants.front().price.currency == "EUR");
  CHECK(product.variants.front().options.size() == 2);
  CHECK(product.attributes.size() == 3);
  REQUIRE(product.categories.size() == 1);

  const auto tree = service.category_tree();
  CHECK(tree.size() == 6);
  ListQuery all;
  all.limit = 100;
  const auto page = service.list_products(all);
  const auto active = count(*s.db, "SELECT COUNT(*) FROM products WHERE status = 'active'");
  CHECK(static_cast<long long>(page.items.size()) == active);
  ListQuery by_category = all;
  by_category.category = tree.front().slug;
  const auto in_category = service.list_products(by_category);
  CHECK_FALSE(in_category.items.empty());
}

TEST_CASE("seed: a catalog with products is refused unless appending, and appends do not collide", "[catalog][seed]") {
  SeededDb s;
  const auto first = seed_catalog(*s.db, seeding(40));
  try {
    seed_catalog(*s.db, seeding(40));
    FAIL("a second seeding was not refused");
  } catch (const ecom::core::Error& e) {
    CHECK(e.code() == ecom::core::ErrorCode::conflict);
  }
  CHECK(count_products(*s.db) == 40);

  // The same seed again: same titles, but slugs and SKUs carry the running number.
  const auto second = seed_catalog(*s.db, seeding(40, 1, true));
  CHECK(second.categories == first.categories);
  CHECK(count_products(*s.db) == 80);
  CHECK(count(*s.db, "SELECT COUNT(DISTINCT slug) FROM products") == 80);
  CHECK(count(*s.db, "SELECT COUNT(DISTINCT sku) FROM variants") == first.variants + second.variants);
}
