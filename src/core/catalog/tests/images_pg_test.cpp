// ImageService on the real PostgreSQL (ECOM_TEST_PG_URL; the tests fail, never skip, without it).
#include "images_suite.hpp"
#include "pg_support.hpp"

#include <ecom/db/migrations.hpp>

#include <memory>

namespace {

struct PgDb {
  PgDb() : db(std::make_unique<ecom::db::Database>(pg.options())) {
    ecom::db::Migrator(*db, ECOM_SOURCE_DIR "/migrations").apply();
  }
  ecom::db::test::TempPgDatabase pg;
  std::unique_ptr<ecom::db::Database> db;
};

}  // namespace

using namespace ecom::catalog::test;

TEST_CASE("postgresql images: upload, storage key, listing, product read and version",
          "[catalog][images][integration]") {
  PgDb p;
  check_add_and_read(*p.db);
}

TEST_CASE("postgresql images: refused uploads leave no row and no file", "[catalog][images][integration]") {
  PgDb p;
  check_refusals(*p.db);
}

TEST_CASE("postgresql images: alt and position changes, order, delete of row and file",
          "[catalog][images][integration]") {
  PgDb p;
  check_update_and_delete(*p.db);
}

TEST_CASE("postgresql images: a product holds at most the image limit", "[catalog][images][integration]") {
  PgDb p;
  check_image_limit(*p.db);
}

TEST_CASE("postgresql images: a wide upload is stored with its srcset copies, removed with it",
          "[catalog][images][integration]") {
  PgDb p;
  check_sized_copies(*p.db);
}
