// The catalog service suite on the real PostgreSQL: a migrated database per test (ECOM_TEST_PG_URL;
// the tests fail, never skip, without it).
#include "pg_support.hpp"
#include "service_suite.hpp"

#include <ecom/db/migrations.hpp>

#include <catch2/catch.hpp>

#include <memory>

namespace {

struct PgCatalog {
  PgCatalog() : db(std::make_unique<ecom::db::Database>(pg.options())) {
    ecom::db::Migrator(*db, ECOM_SOURCE_DIR "/migrations").apply();
  }
  ecom::db::test::TempPgDatabase pg;
  std::unique_ptr<ecom::db::Database> db;
};

}  // namespace

using namespace ecom::catalog::test;

TEST_CASE("postgresql: a product reads back with variants, categories and attributes", "[catalog][integration]") {
  PgCatalog c;
  check_create_and_read_back(*c.db);
}

TEST_CASE("postgresql: drafts and archived products are invisible", "[catalog][integration]") {
  PgCatalog c;
  check_drafts_invisible(*c.db);
}

TEST_CASE("postgresql: the category tree and listings by category include sub-categories", "[catalog][integration]") {
  PgCatalog c;
  check_categories(*c.db);
}

TEST_CASE("postgresql: pagination walks every product exactly once", "[catalog][integration]") {
  PgCatalog c;
  check_pagination(*c.db);
}

TEST_CASE("postgresql: tampered cursors, bad limits and unknown categories are bad requests",
          "[catalog][integration]") {
  PgCatalog c;
  check_bad_queries(*c.db);
}

TEST_CASE("postgresql: a price change shows on the next read of a cached product", "[catalog][integration]") {
  PgCatalog c;
  check_cache_invalidation(*c.db);
}

TEST_CASE("postgresql: duplicate slugs and SKUs conflict, bad values are refu", "[catalog][integration]") {
  PgCatalog c;
  check_write_rules(*c.db);
}

TEST_CASE("postgresql: full-text search ranks, stems, matches prefixes and pages", "[catalog][integration]") {
  PgCatalog c;
  check_search(*c.db);
}

TEST_CASE("postgresql: every sort pages in its order and keeps its cursor", "[catalog][integration]") {
  PgCatalog c;
  check_sorts(*c.db);
}

TEST_CASE("postgresql: price, stock and attribute filters", "[catalog][integration]") {
  PgCatalog c;
  check_filters(*c.db);
}

TEST_CASE("postgresql: facet counts over every match, narrowed by filters", "[catalog][integration]") {
  PgCatalog c;
  check_facets(*c.db);
}

TEST_CASE("postgresql: listing pages are cached and invalidated by any catalog write", "[catalog][integration]") {
  PgCatalog c;
  check_listing_cache(*c.db);
}

TEST_CASE("postgresql: listing cards carry the product's first image", "[catalog][integration]") {
  PgCatalog c;
  check_card_images(*c.db);
}

TEST_CASE("postgresql: listing price and stock follow every variant change", "[catalog][integration]") {
  PgCatalog c;
  check_listing_columns_follow_variants(*c.db);
}

TEST_CASE("postgresql: a product view is rendered once until the product or the tree changes",
          "[catalog][integration]") {
  PgCatalog c;
  check_product_view(*c.db);
}

TEST_CASE("postgresql: a whole-catalog view is rendered once until any catalog write", "[catalog][integration]") {
  PgCatalog c;
  check_catalog_view(*c.db);
}

TEST_CASE("postgresql: product reads take stock from the stock reader", "[catalog][integration]") {
  PgCatalog c;
  check_stock_reader(*c.db);
}
