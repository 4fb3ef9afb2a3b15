// CatalogAdmin on the real PostgreSQL: a migrated database per test (ECOM_TEST_PG_URL; the tests
// fail, never skip, without it).
#include "admin_suite.hpp"
#include "pg_support.hpp"

#include <ecom/db/migrations.hpp>

#include <catch2/catch.hpp>

#include <memory>

namespace {

struct PgAdmin {
  PgAdmin() : db(std::make_unique<ecom::db::Database>(pg.options())) {
    ecom::db::Migrator(*db, ECOM_SOURCE_DIR "/migrations").apply();
  }
  ecom::db::test::TempPgDatabase pg;
  std::unique_ptr<ecom::db::Database> db;
};

}  // namespace

using namespace ecom::catalog::admin_test;

TEST_CASE("admin postgresql: products are created, read, updated, published, listed and deleted",
          "[catalog][admin][integration]") {
  PgAdmin c;
  check_product_lifecycle(*c.db);
}

TEST_CASE("admin postgresql: two changes from one version: the first wins, the second is 412",
          "[catalog][admin][integration]") {
  PgAdmin c;
  check_optimistic_concurrency(*c.db);
}

TEST_CASE("admin postgresql: duplicate slugs and SKUs are conflicts, also after a lost race",
          "[catalog][admin][integration]") {
  PgAdmin c;
  check_duplicates(*c.db);
}

TEST_CASE("admin postgresql: categories are renamed, moved without cycles and deleted only when empty",
          "[catalog][admin][integration]") {
  PgAdmin c;
  check_categories(*c.db);
}

TEST_CASE("admin postgresql: every admin change shows on the storefront's next read", "[catalog][admin][integration]") {
  PgAdmin c;
  check_storefront_invalidation(*c.db);
}

TEST_CASE("admin postgresql: a CSV with mistakes is refused whole, naming each row and column",
          "[catalog][admin][integration]") {
  PgAdmin c;
  check_import_errors(*c.db);
}

TEST_CASE("admin postgresql: CSV export imports back unchanged, and edits apply", "[catalog][admin][integration]") {
  PgAdmin c;
  check_csv_roundtrip(*c.db);
}

TEST_CASE("admin postgresql: 10,000 CSV rows import in seconds", "[catalog][admin][integration]") {
  PgAdmin c;
  check_import_10k(*c.db);
}
