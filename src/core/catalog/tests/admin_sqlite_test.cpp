// CatalogAdmin on SQLite, the embedded default: a migrated file database per test.
#include "admin_suite.hpp"
#include "test_support.hpp"

#include <ecom/db/migrations.hpp>

#include <catch2/catch.hpp>

#include <memory>

namespace {

struct SqliteAdmin {
  SqliteAdmin() : db(std::make_unique<ecom::db::Database>(ecom::db::test::sqlite_options(dir.path() / "shop.db"))) {
    ecom::db::Migrator(*db, ECOM_SOURCE_DIR "/migrations").apply();
  }
  ecom::db::test::TempDir dir;
  std::unique_ptr<ecom::db::Database> db;
};

}  // namespace

using namespace ecom::catalog::admin_test;

TEST_CASE("admin sqlite: products are created, read, updated, published, listed and deleted", "[catalog][admin]") {
  SqliteAdmin c;
  check_product_lifecycle(*c.db);
}

TEST_CASE("admin sqlite: two changes from one version: the first wins, the second is 412", "[catalog][admin]") {
  SqliteAdmin c;
  check_optimistic_concurrency(*c.db);
}

TEST_CASE("admin sqlite: duplicate slugs and SKUs are conflicts, also after a lost race", "[catalog][admin]") {
  SqliteAdmin c;
  check_duplicates(*c.db);
}

TEST_CASE("admin sqlite: categories are renamed, moved without cycles and deleted only when empty",
          "[catalog][admin]") {
  SqliteAdmin c;
  check_categories(*c.db);
}

TEST_CASE("admin sqlite: every admin change shows on the storefront's next read", "[catalog][admin]") {
  SqliteAdmin c;
  check_storefront_invalidation(*c.db);
}

TEST_CASE("admin sqlite: a CSV with mistakes is refused whole, naming each row and column", "[catalog][admin]") {
  SqliteAdmin c;
  check_import_errors(*c.db);
}

TEST_CASE("admin sqlite: CSV export imports back unchanged, and edits apply", "[catalog][admin]") {
  SqliteAdmin c;
  check_csv_roundtrip(*c.db);
}

TEST_CASE("admin sqlite: 10,000 CSV rows import in seconds", "[catalog][admin]") {
  SqliteAdmin c;
  check_import_10k(*c.db);
}
