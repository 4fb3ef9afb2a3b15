// The catalog service suite on SQLite, the embedded default: a migrated file database per test.
#include "service_suite.hpp"
#include "test_support.hpp"

#include <ecom/db/migrations.hpp>

#include <catch2/catch.hpp>

#include <memory>

namespace {

struct SqliteCatalog {
  SqliteCatalog() : db(std::make_unique<ecom::db::Database>(ecom::db::test::sqlite_options(dir.path() / "shop.db"))) {
    ecom::db::Migrator(*db, ECOM_SOURCE_DIR "/migrations").apply();
  }
  ecom::db::test::TempDir dir;
  std::unique_ptr<ecom::db::Database> db;
};

}  // namespace

using namespace ecom::catalog::test;

TEST_CASE("sqlite: a product reads back with variants, categories and attributes", "[catalog]") {
  SqliteCatalog c;
  check_create_and_read_back(*c.db);
}

TEST_CASE("sqlite: drafts and archived products are invisible", "[catalog]") {
  SqliteCatalog c;
  check_drafts_invisible(*c.db);
}

TEST_CASE("sqlite: the category tree and listings by category include sub-categories", "[catalog]") {
  SqliteCatalog c;
  check_categories(*c.db);
}

TEST_CASE("sqlite: pagination walks every product exactly once", "[catalog]") {
  SqliteCatalog c;
  check_pagination(*c.db);
}

TEST_CASE("sqlite: tampered cursors, bad limits and unknown categories are bad requests", "[catalog]") {
  SqliteCatalog c;
  check_bad_queries(*c.db);
}

TEST_CASE("sqlite: a price change shows on the next read of a cached product", "[catalog]") {
  SqliteCatalog c;
  check_cache_invalidation(*c.db);
}

TEST_CASE("sqlite: duplicate slugs and SKUs conflict, bad values are refused", "[catalog]") {
  SqliteCatalog c;
  check_write_rules(*c.db);
}

TEST_CASE("sqlite: full-text search ranks, stems, matches prefixes and pages", "[catalog]") {
  SqliteCatalog c;
  check_search(*c.db);
}

TEST_CASE("sqlite: every sort pages in its order and keeps its cursor", "[catalog]") {
  SqliteCatalog c;
  check_sorts(*c.db);
}

TEST_CASE("sqlite: price, stock and attribute filters", "[catalog]") {
  SqliteCatalog c;
  check_filters(*c.db);
}

TEST_CASE("sqlite: facet counts over every match, narrowed by filters", "[catalog]") {
  SqliteCatalog c;
  check_facets(*c.db);
}

TEST_CASE("sqlite: listing pages are cached and invalidated by any catalog write", "[catalog]") {
  SqliteCatalog c;
  check_listing_cache(*c.db);
}

TEST_CASE("sqlite: listing cards carry the product's first image", "[catalog]") {
  SqliteCatalog c;
  check_card_images(*c.db);
}

TEST_CASE("sqlite: listing price and stock follow every variant change", "[catalog]") {
  SqliteCatalog c;
  check_listing_columns_follow_variants(*c.db);
}

TEST_CASE("sqlite: a product view is rendered once until the product or the tree changes", "[catalog]") {
  SqliteCatalog c;
  check_product_view(*c.db);
}

TEST_CASE("sqlite: a whole-catalog view is rendered once until any catalog write", "[catalog]") {
  SqliteCatalog c;
  check_catalog_view(*c.db);
}

TEST_CASE("sqlite: product reads take stock from the stock reader", "[catalog]") {
  SqliteCatalog c;
  check_stock_reader(*c.db);
}
