// ImageService on SQLite, plus the cache codec and the API JSON of a product with images.
#include "codec.hpp"
#include "images_suite.hpp"

#include <ecom/catalog/json.hpp>
#include <ecom/db/migrations.hpp>

#include <boost/json.hpp>

#include <memory>

namespace {

struct SqliteDb {
  SqliteDb() : db(std::make_unique<ecom::db::Database>(ecom::db::test::sqlite_options(dir.path() / "shop.db"))) {
    ecom::db::Migrator(*db, ECOM_SOURCE_DIR "/migrations").apply();
  }
  ecom::db::test::TempDir dir;
  std::unique_ptr<ecom::db::Database> db;
};

}  // namespace

using namespace ecom::catalog;
using namespace ecom::catalog::test;

TEST_CASE("sqlite images: upload, storage key, listing, product read and version", "[catalog][images]") {
  SqliteDb s;
  check_add_and_read(*s.db);
}

TEST_CASE("sqlite images: refused uploads leave no row and no file", "[catalog][images]") {
  SqliteDb s;
  check_refusals(*s.db);
}

TEST_CASE("sqlite images: alt and position changes, order, delete of row and file", "[catalog][images]") {
  SqliteDb s;
  check_update_and_delete(*s.db);
}

TEST_CASE("sqlite images: a product holds at most the image limit", "[catalog][images]") {
  SqliteDb s;
  check_image_limit(*s.db);
}

TEST_CASE("sqlite images: a wide upload is stored with its srcset copies, removed with it", "[catalog][images]") {
  SqliteDb s;
  check_sized_copies(*s.db);
}

TEST_CASE("images: the cache codec round-trips them and the API JSON adds URLs on request", "[catalog][images]") {
  Product p;
  p.id = 5;
  p.slug = "lamp";
  p.title = "Lamp";
  p.images = {Image{7, "products/5/aa.png", "On", 400, 300, 0},
              Image{9, "products/5/bb.jpg", "Off \"quoted\"", 10, 20, 3}};
  const auto back = detail::decode_product(detail::encode_product(p));
  REQUIRE(back.images.size() == 2);
  CHECK(back.images[1].id == 9);
  CHECK(back.images[1].path == "products/5/bb.jpg");
  CHECK(back.images[1].alt == "Off \"quoted\"");
  CHECK(back.images[1].width == 10);
  CHECK(back.images[1].height == 20);
  CHECK(back.images[1].position == 3);

  const auto plain = to_json(p).as_object().at("images").as_array();
  REQUIRE(plain.size() == 2);
  CHECK(plain[0].as_object().at("path").as_string() == "products/5/aa.png");
  CHECK(plain[0].as_object().at("width").as_int64() == 400);
  CHECK(plain[0].as_object().at("height").as_int64() == 300);
  CHECK(plain[0].as_object().at("alt").as_string() == "On");
  CHECK(plain[0].as_object().size() == 4);
  // The storefront's shape (openapi.json's Image): url instead of path, nothing else.
  const auto cdn = to_json(p, "https://cdn.example/media").as_object().at("images").as_array();
  CHECK(cdn[0].as_object().at("url").as_string() == "https://cdn.example/media/products/5/aa.png");
  CHECK_FALSE(cdn[0].as_object().contains("path"));
  CHECK(cdn[0].as_object().size() == 4);
  CHECK(to_json(p, "/media").as_object().at("images").as_array()[1].as_object().at("url").as_string() ==
        "/media/products/5/bb.jpg");
}
