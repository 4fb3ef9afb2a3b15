// Demo data on a migrated SQLite file: deterministic, well-formed, and readable through the
// catalog service like any other product.
#include "seed_support.hpp"
#include "test_support.hpp"

#include <ecom/cache/local_cache.hpp>
#include <ecom/catalog/catalog.hpp>
#include <ecom/catalog/seed.hpp>
#include <ecom/db/migrations.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/storage/image.hpp>
#include <ecom/storage/sizes.hpp>
#include <ecom/storage/storage.hpp>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <cstdint>
#include <filesystem>
#include <map>
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
  ecom::storage::LocalDiskStorage media{dir.path() / "media"};
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

TEST_CASE("seed: every product gets 1-3 distinct placeholder images from a small fixed set of files",
          "[catalog][seed][images]") {
  SeededDb s;
  const auto result = seed_catalog(*s.db, seeding(300, 1, false, &s.media));
  CHECK(result.images == count(*s.db, "SELECT COUNT(*) FROM product_images"));
  CHECK(result.images >= 300);
  CHECK(result.images <= 3 * 300);
  CHECK(count(*s.db,
              "SELECT COUNT(*) FROM products p WHERE NOT EXISTS "
              "(SELECT 1 FROM product_images i WHERE i.product_id = p.id)") == 0);
  CHECK(count(*s.db,
              "SELECT COUNT(*) FROM (SELECT product_id FROM product_images GROUP BY product_id "
              "HAVING COUNT(*) > 3 OR COUNT(DISTINCT path) < COUNT(*) OR MIN(position) <> 0)") == 0);
  // All three counts occur.
  CHECK(count(*s.db, "SELECT COUNT(DISTINCT n) FROM (SELECT COUNT(*) AS n FROM product_images GROUP BY product_id)") ==
        3);

  // Twelve images, not one per product, each with its 400-pixel copy; every row points at one of
  // them, a real 800x800 PNG.
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(s.dir.path() / "media")) {
    files += entry.is_regular_file() ? 1U : 0U;
  }
  CHECK(files == static_cast<std::size_t>(kPlaceholderCount) * 2);
  CHECK(count(*s.db, "SELECT COUNT(DISTINCT path) FROM product_images") == kPlaceholderCount);
  const auto rows = image_rows(*s.db);
  std::map<std::string, bool> checked;
  for (const auto& row : rows) {
    const auto path = row.substr(row.find(' ') + 1, row.find(' ', row.find(' ') + 1) - row.find(' ') - 1);
    if (checked.emplace(path, true).second) {
      const auto bytes = s.media.get(path);
      REQUIRE(bytes);
      const auto info = ecom::storage::inspect_image(*bytes);
      CHECK(info.type == ecom::storage::ImageType::png);
      CHECK(info.width == kPlaceholderSide);
      CHECK(info.height == kPlaceholderSide);
      const auto copy = s.media.get(ecom::storage::sized_key(path, 400));
      REQUIRE(copy);
      CHECK(ecom::storage::inspect_image(*copy).width == 400);
    }
    CHECK(row.ends_with(" 800x800"));
  }

  // Deterministic: the same seed gives the same image rows; the products themselves are the same as
  // without images.
  SeededDb again;
  seed_catalog(*again.db, seeding(300, 1, false, &again.media));
  CHECK(image_rows(*again.db) == rows);
  SeededDb bare;
  seed_catalog(*bare.db, seeding(300));
  CHECK(products(*bare.db) == products(*s.db));
  CHECK(count(*bare.db, "SELECT COUNT(*) FROM product_images") == 0);

  // The service reads them back, first image first, alt text from the title.
  ecom::cache::LocalCache cache(ecom::cache::LocalCacheOptions{});
  CatalogService service(*s.db, cache, CatalogOptions{"seed-test-secret", {}});
  const auto first_active = count(*s.db, "SELECT MIN(id) FROM products WHERE status = 'active'");
  const auto slug = s.db->read("", ecom::db::Consistency::strong, [first_active](soci::session& sql) {
    std::string text;
    sql << "SELECT slug FROM products WHERE id = :id", soci::into(text), soci::use(first_active, "id");
    return text;
  });
  const auto product = service.get_product(slug);
  REQUIRE_FALSE(product.images.empty());
  CHECK(product.images.front().alt == product.title);
  CHECK(product.images.front().position == 0);
  CHECK(product.images.front().path.starts_with("placeholders/seed-"));

  // Appending reuses the files.
  const auto appended = seed_catalog(*s.db, seeding(20, 2, true, &s.media));
  CHECK(appended.images >= 20);
  CHECK(count(*s.db, "SELECT COUNT(DISTINCT path) FROM product_images") == kPlaceholderCount);
}
